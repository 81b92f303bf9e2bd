package dev.levitate.bench.sim;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * MMU-on versus MMU-off guest MIPS of {@link SimulatorBenchmark}'s loops measured in thread CPU
 * time rather than wall time, so that other processes on a shared machine (which make JMH's wall
 * clock figures swing by ±50%) do not decide the ratio. One configuration per JVM, so the JIT
 * profile is not shared between the two. Run it once per configuration:
 * {@code java -cp benchmarks/target/benchmarks.jar dev.levitate.bench.sim.MmuCpuTime on tight}.
 */
public final class MmuCpuTime {
    private MmuCpuTime() {
    }

    /**
     * Runs 60 invocations of 10^7 instructions and prints the best and the mean of the last 40.
     *
     * @param args {@code on|off} and {@code tight|alu}
     */
    public static void main(String[] args) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        SimulatorBenchmark b = new SimulatorBenchmark();
        b.mmu = args[0];
        b.setUp();
        boolean alu = args.length > 1 && args[1].equals("alu");
        double best = 0;
        double sum = 0;
        int n = 0;
        for (int round = 0; round < 60; round++) {
            long t0 = mx.getCurrentThreadCpuTime();
            if (alu) {
                b.aluLoop();
            } else {
                b.tightLoop();
            }
            long t1 = mx.getCurrentThreadCpuTime();
            double mips = SimulatorBenchmark.INSTRUCTIONS / ((t1 - t0) / 1e3);
            best = Math.max(best, mips);
            if (round >= 20) {
                sum += mips;
                n++;
            }
        }
        System.out.printf("mmu %s, %s loop: best %.1f MIPS, mean of the last 40 %.1f MIPS (thread CPU time)%n",
                args[0], alu ? "alu" : "tight", best, sum / n);
    }
}
