package dev.levitate.bench.mmu;

import dev.levitate.core.alloc.AllocatorStats;
import dev.levitate.core.alloc.BuddyAllocator;
import dev.levitate.core.alloc.FrameCache;
import dev.levitate.core.alloc.PageAllocator;
import dev.levitate.core.mem.PhysicalMemory;
import dev.levitate.core.tlb.TlbMaintenance;
import dev.levitate.mmu.Attributes;
import dev.levitate.mmu.PageTable;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * How much of {@link PageTableBenchmark#mapUnmapRandom} is the frame allocator: the same loop
 * (the same setup, VAs and seed) with the {@link BuddyAllocator}, with a {@link FrameCache} in
 * front of it, or with a trivial LIFO stack of frames, in thread CPU time. In that benchmark every
 * pair takes three frames and gives them back, so the difference is the allocator's share. One allocator per JVM (two
 * implementations in one JVM would make the allocator calls polymorphic). Run:
 * <pre>
 *   java -cp benchmarks/target/benchmarks.jar dev.levitate.bench.mmu.AllocatorShare buddy
 *   java -cp benchmarks/target/benchmarks.jar dev.levitate.bench.mmu.AllocatorShare cached
 *   java -cp benchmarks/target/benchmarks.jar dev.levitate.bench.mmu.AllocatorShare stack
 * </pre>
 * Prints the median and the best of 12 rounds of about 0.3 s (after 3 s of warm-up), in
 * nanoseconds per map+unmap pair.
 */
public final class AllocatorShare {
    private static final long RAM = PageTableBenchmark.RAM;
    private static final long SIZE = 512L << 20;

    private AllocatorShare() {
    }

    /**
     * Runs the loop with one allocator.
     *
     * @param args {@code buddy}, {@code cached} or {@code stack}
     */
    public static void main(String[] args) {
        String which = args.length == 0 ? "" : args[0];
        String label = switch (which) {
            case "buddy" -> "BuddyAllocator";
            case "cached" -> "FrameCache + BuddyAllocator";
            case "stack" -> "LIFO frame stack";
            default -> throw new IllegalArgumentException("usage: AllocatorShare buddy|cached|stack");
        };
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double[] ns = new double[12];
        long sink = 0;
        long warmEnd = mx.getCurrentThreadCpuTime() + 3_000_000_000L;
        while (mx.getCurrentThreadCpuTime() < warmEnd) {
            sink += (long) round(mx, which, 100_000_000L)[1];
        }
        for (int r = 0; r < ns.length; r++) {
            double[] out = round(mx, which, 300_000_000L);
            ns[r] = out[0];
            sink += (long) out[1];
        }
        Arrays.sort(ns);
        double median = (ns[5] + ns[6]) / 2;
        System.out.printf("%s: median %.1f ns/pair (%.1f M pairs/s), best %.1f ns [%d]%n",
                label, median, 1e3 / median, ns[0], sink & 1);
    }

    /** One round on fresh state; returns {ns per pair, checksum}. */
    private static double[] round(ThreadMXBean mx, String which, long cpuNanos) {
        PhysicalMemory memory = PhysicalMemory.of(RAM, SIZE);
        PageAllocator frames = which.equals("stack") ? new FrameStack(RAM, SIZE) : PageTableBenchmark.allocator(which, memory);
        PageTable table = PageTable.builder(memory, frames, TlbMaintenance.none()).build();
        SplittableRandom rnd = new SplittableRandom(7);
        long[] vas = new long[PageTableBenchmark.N];
        for (int i = 0; i < vas.length; i++) {
            rnd.nextLong(1L << 17); // the resident VA the benchmark draws first
            vas[i] = rnd.nextLong(1L << 36) << 12;
        }
        table.mapRange(0x4000_0000L, RAM, 64L << 20, Attributes.USER_DATA, false);
        for (long p = 0; p < (1L << 18); p += 2) {
            table.map(0x2_0000_0000L + (p << 12), RAM, Attributes.USER_DATA);
        }
        long sum = 0;
        long n = 0;
        long t0 = mx.getCurrentThreadCpuTime();
        long t = t0;
        while (t - t0 < cpuNanos) {
            for (long va : vas) {
                table.map(va, RAM, Attributes.USER_DATA);
                sum += table.unmap(va);
            }
            n += vas.length;
            t = mx.getCurrentThreadCpuTime();
        }
        return new double[] {(t - t0) / (double) n, sum};
    }

    /** The cheapest correct order-0 allocator: a stack of free frames. */
    private static final class FrameStack implements PageAllocator {
        private final long[] free;
        private int top;

        FrameStack(long base, long size) {
            int n = (int) (size >>> PhysicalMemory.PAGE_SHIFT);
            free = new long[n];
            for (int i = 0; i < n; i++) {
                free[i] = base + ((long) (n - 1 - i) << PhysicalMemory.PAGE_SHIFT);
            }
            top = n;
        }

        @Override
        public long tryAllocate(int order) {
            if (order != 0) {
                throw new IllegalArgumentException("order " + order + ": this stack holds single frames");
            }
            return top == 0 ? NO_FRAME : free[--top];
        }

        @Override
        public void free(long pa, int order) {
            free[top++] = pa;
        }

        @Override
        public int maxOrder() {
            return 0;
        }

        @Override
        public long freeFrames() {
            return top;
        }

        @Override
        public long usedFrames() {
            return free.length - top;
        }

        @Override
        public AllocatorStats stats() {
            return new AllocatorStats(new long[] {top}, new long[] {free.length - top}, top, free.length - top);
        }
    }
}
