package dev.levitate.bench;

import dev.levitate.bench.alloc.AllocatorBenchmark;
import dev.levitate.bench.mmu.PageTableBenchmark;
import dev.levitate.mmu.PageTable;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.function.LongSupplier;

/**
 * Runs one allocator or page-table workload of the JMH benchmarks in a loop and reports million
 * operations per second of <em>thread CPU time</em>, so that other processes sharing the machine
 * (which swing JMH's wall-clock figures by ±50% or more) do not decide the comparison. One
 * configuration per JVM. Examples:
 * <pre>
 *   java -cp benchmarks/target/benchmarks.jar dev.levitate.bench.CpuTime alloc mixedHalfFull buddy 64
 *   java -cp benchmarks/target/benchmarks.jar dev.levitate.bench.CpuTime mmu mapUnmapRandom COUNTS
 *   java -cp benchmarks/target/benchmarks.jar dev.levitate.bench.CpuTime mmu mapUnmapRandom COUNTS cached
 * </pre>
 * The page-table workloads take their frames from the {@code buddy} allocator unless a last
 * argument says {@code cached} (a {@code FrameCache} in front of it).
 * Each run: about 3 s of warm-up (fresh state every 100 ms of CPU, as JMH's per-iteration setup),
 * then 10 rounds of about 0.5 s; prints the median and the range of the rounds.
 */
public final class CpuTime {
    private CpuTime() {
    }

    /**
     * Runs the workload named by the arguments.
     *
     * @param args {@code alloc <workload> <impl> <ramMib>} or
     *     {@code mmu <workload> <COUNTS|RESCAN> [buddy|cached]} (default {@code buddy})
     */
    public static void main(String[] args) {
        Runnable setUp;
        LongSupplier body;
        int ops;
        if (args[0].equals("alloc")) {
            AllocatorBenchmark b = new AllocatorBenchmark();
            b.impl = args[2];
            b.ramMib = Integer.parseInt(args[3]);
            setUp = b::setUp;
            switch (args[1]) {
                case "pairsOrder0" -> {
                    body = b::pairsOrder0;
                    ops = 2048;
                }
                case "mixedHalfFull" -> {
                    body = b::mixedHalfFull;
                    ops = 1 << 16;
                }
                case "fillThenDrain" -> {
                    body = b::fillThenDrain;
                    ops = 2 * (64 << 8);
                }
                default -> throw new IllegalArgumentException(args[1]);
            }
        } else {
            PageTableBenchmark b = new PageTableBenchmark();
            b.detection = PageTable.EmptyTableDetection.valueOf(args[2]);
            b.allocator = args.length > 3 ? args[3] : "buddy";
            setUp = b::setUp;
            ops = 4096;
            switch (args[1]) {
                case "mapUnmapRandom" -> body = b::mapUnmapRandom;
                case "mapUnmapRandomInPopulatedRegion" -> body = b::mapUnmapRandomInPopulatedRegion;
                case "mapUnmapSequential" -> body = b::mapUnmapSequential;
                case "translate" -> body = b::translate;
                default -> throw new IllegalArgumentException(args[1]);
            }
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sink = 0;
        setUp.run();
        long warmEnd = mx.getCurrentThreadCpuTime() + 3_000_000_000L;
        long nextSetUp = mx.getCurrentThreadCpuTime() + 100_000_000L;
        while (mx.getCurrentThreadCpuTime() < warmEnd) {
            sink += body.getAsLong();
            if (mx.getCurrentThreadCpuTime() > nextSetUp) {
                setUp.run();
                nextSetUp = mx.getCurrentThreadCpuTime() + 100_000_000L;
            }
        }
        double[] rounds = new double[10];
        for (int r = 0; r < rounds.length; r++) {
            setUp.run();
            long t0 = mx.getCurrentThreadCpuTime();
            long t = t0;
            long n = 0;
            while (t - t0 < 500_000_000L) {
                sink += body.getAsLong();
                n += ops;
                t = mx.getCurrentThreadCpuTime();
            }
            rounds[r] = n / ((t - t0) / 1e3);
        }
        java.util.Arrays.sort(rounds);
        System.out.printf("%s: median %.1f M ops/s of CPU time (range %.1f .. %.1f) [%d]%n", String.join(" ", args),
                (rounds[4] + rounds[5]) / 2, rounds[0], rounds[rounds.length - 1], sink & 1);
    }
}
