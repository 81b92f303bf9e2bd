package dev.levitate.bench.alloc;

import dev.levitate.core.alloc.BuddyAllocator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The buddy allocator against the sorted-set-per-order design, on three workloads:
 * alloc/free pairs of order 0; random mixed orders (0..4) around 50% occupancy; fill all
 * order-0 frames of 64 MiB then drain in random order. Throughput is in operations (one
 * allocate or one free) per microsecond.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AllocatorBenchmark {
    static final long BASE = 0x4000_0000L;
    static final long SIZE = 64L << 20;
    static final int FRAMES = (int) (SIZE >>> 12);
    static final int MIXED_OPS = 1 << 16;

    /** Which allocator runs. */
    @Param({"buddy", "sortedset"})
    public String impl;

    /** RAM size in MiB. */
    @Param({"64", "1024"})
    public int ramMib;

    private boolean useBuddy;
    private int frames;
    private BuddyAllocator buddy;
    private SortedSetBuddy sorted;

    private long[] liveAddr;
    private int[] liveOrder;
    private int live;
    private int[] script;
    private int[] drainOrder;

    /** Builds a fresh allocator and the random scripts (fixed seed). */
    @Setup(Level.Iteration)
    public void setUp() {
        useBuddy = impl.equals("buddy");
        long size = (long) ramMib << 20;
        frames = (int) (size >>> 12);
        buddy = BuddyAllocator.builder().region(BASE, size).build();
        sorted = new SortedSetBuddy(BASE, size, BuddyAllocator.DEFAULT_MAX_ORDER);
        liveAddr = new long[frames];
        liveOrder = new int[frames];
        live = 0;
        SplittableRandom rnd = new SplittableRandom(42);
        // pre-fill to about 50%: random orders 0..4 (average ~6 frames a block)
        long used = 0;
        while (used < frames / 2) {
            int k = rnd.nextInt(5);
            long pa = alloc(k);
            if (pa < 0) {
                break;
            }
            liveAddr[live] = pa;
            liveOrder[live++] = k;
            used += 1L << k;
        }
        script = new int[MIXED_OPS];
        for (int i = 0; i < MIXED_OPS; i++) {
            script[i] = rnd.nextInt(1 << 20);
        }
        drainOrder = new int[FRAMES];
        for (int i = 0; i < FRAMES; i++) {
            drainOrder[i] = i;
        }
        for (int i = FRAMES - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = drainOrder[i];
            drainOrder[i] = drainOrder[j];
            drainOrder[j] = t;
        }
    }

    private long alloc(int k) {
        return useBuddy ? buddy.tryAllocate(k) : sorted.allocate(k);
    }

    private void free(long pa, int k) {
        if (useBuddy) {
            buddy.free(pa, k);
        } else {
            sorted.free(pa, k);
        }
    }

    /**
     * Workload 1: allocate one frame and free it, 1024 times.
     *
     * @return a checksum
     */
    @Benchmark
    @OperationsPerInvocation(2048)
    public long pairsOrder0() {
        long sum = 0;
        for (int i = 0; i < 1024; i++) {
            long pa = alloc(0);
            free(pa, 0);
            sum += pa;
        }
        return sum;
    }

    /**
     * Workload 2: a random mix of allocations (orders 0..4) and frees of random live blocks,
     * keeping occupancy around 50%.
     *
     * @return a checksum
     */
    @Benchmark
    @OperationsPerInvocation(MIXED_OPS)
    public long mixedHalfFull() {
        long sum = 0;
        for (int i = 0; i < MIXED_OPS; i++) {
            int r = script[i];
            if ((r & 1) == 0 || live == 0) {
                int k = (r >>> 1) % 5;
                long pa = alloc(k);
                if (pa >= 0) {
                    liveAddr[live] = pa;
                    liveOrder[live++] = k;
                    sum += pa;
                }
            } else {
                int j = (r >>> 1) % live;
                free(liveAddr[j], liveOrder[j]);
                live--;
                liveAddr[j] = liveAddr[live];
                liveOrder[j] = liveOrder[live];
            }
        }
        return sum;
    }

    /**
     * Workload 3: allocate every order-0 frame of 64 MiB, then free them all in random order
     * (with 1024 MiB of RAM the remaining blocks stay free; only 64 MiB worth is cycled).
     *
     * @return a checksum
     */
    @Benchmark
    @OperationsPerInvocation(2 * FRAMES)
    public long fillThenDrain() {
        // start from an empty allocator each call: free what the mixed pre-fill left first
        for (int i = 0; i < live; i++) {
            free(liveAddr[i], liveOrder[i]);
        }
        live = 0;
        long[] got = liveAddr;
        int n = 0;
        for (long pa = alloc(0); pa >= 0 && n < FRAMES; pa = n < FRAMES ? alloc(0) : -1) {
            got[n++] = pa;
        }
        if (n != FRAMES) {
            throw new IllegalStateException("expected " + FRAMES + " frames, got " + n);
        }
        long sum = 0;
        for (int i = 0; i < n; i++) {
            long pa = got[drainOrder[i]];
            free(pa, 0);
            sum += pa;
        }
        return sum;
    }
}
