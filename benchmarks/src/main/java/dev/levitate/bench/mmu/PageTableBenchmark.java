package dev.levitate.bench.mmu;

import dev.levitate.core.alloc.BuddyAllocator;
import dev.levitate.core.alloc.FrameCache;
import dev.levitate.core.alloc.PageAllocator;
import dev.levitate.core.mem.PhysicalMemory;
import dev.levitate.core.tlb.TlbMaintenance;
import dev.levitate.mmu.Attributes;
import dev.levitate.mmu.PageTable;
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
 * Page-table costs: map+unmap pairs of 4 KiB pages (sequential and random VAs, eager reclamation),
 * translate, and mapRange of 1 GiB with and without blocks; each with empty tables found by the
 * O(1) counts and by rescanning 512 entries (the original kernel's way); table frames come from
 * the {@link BuddyAllocator} alone or through a {@link FrameCache} in front of it. TLB maintenance
 * goes to the no-op port: this measures the table code.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PageTableBenchmark {
    static final long RAM = 0x4000_0000L;
    static final int N = 4096;

    /** How empty tables are detected. */
    @Param({"COUNTS", "RESCAN"})
    public PageTable.EmptyTableDetection detection;

    /**
     * Where table frames come from: {@code buddy} ({@link BuddyAllocator}, the default) or
     * {@code cached} (a {@link FrameCache} in front of it; JMH: {@code -p allocator=buddy,cached}).
     */
    @Param({"buddy"})
    public String allocator = "buddy";

    private PhysicalMemory memory;
    private PageAllocator frames;
    private PageTable table;
    private long[] randomVas;
    private long[] sequentialVas;
    private long[] residentVas;

    /** Fresh tables per iteration; VAs from a fixed seed. */
    @Setup(Level.Iteration)
    public void setUp() {
        memory = PhysicalMemory.of(RAM, 512L << 20);
        frames = allocator(allocator, memory);
        table = PageTable.builder(memory, frames, TlbMaintenance.none()).emptyTableDetection(detection).build();
        SplittableRandom rnd = new SplittableRandom(7);
        randomVas = new long[N];
        sequentialVas = new long[N];
        residentVas = new long[N];
        for (int i = 0; i < N; i++) {
            // random odd pages of a 1 GiB region whose even pages stay mapped: tables stay
            residentVas[i] = 0x2_0000_0000L + ((rnd.nextLong(1L << 17) * 2 + 1) << 12);
            randomVas[i] = (rnd.nextLong(1L << 36)) << 12; // anywhere in the 48-bit lower half
            sequentialVas[i] = 0x10_0000_0000L + ((long) i << 12);
        }
        // a resident mapping so translate has something to walk
        table.mapRange(0x4000_0000L, RAM, 64L << 20, Attributes.USER_DATA, false);
        for (long p = 0; p < (1L << 18); p += 2) {
            table.map(0x2_0000_0000L + (p << 12), RAM, Attributes.USER_DATA);
        }
    }

    /**
     * The frame allocator a benchmark names.
     *
     * @param name {@code buddy} or {@code cached}
     * @param memory the RAM to manage
     * @return a {@link BuddyAllocator} over every region of {@code memory}, alone or behind a
     *     {@link FrameCache} with the default batch and high watermark
     * @throws IllegalArgumentException if the name is neither
     */
    public static PageAllocator allocator(String name, PhysicalMemory memory) {
        BuddyAllocator buddy = BuddyAllocator.builder().regions(memory).build();
        return switch (name) {
            case "buddy" -> buddy;
            case "cached" -> new FrameCache(buddy);
            default -> throw new IllegalArgumentException("allocator " + name + ": buddy or cached");
        };
    }

    /**
     * Maps then unmaps 4096 random pages of a populated 1 GiB region: the tables stay (the common
     * case of a process's heap), so each pair is two walks, two descriptor writes and one TLBI.
     *
     * @return a checksum
     */
    @Benchmark
    @OperationsPerInvocation(N)
    public long mapUnmapRandomInPopulatedRegion() {
        long sum = 0;
        for (int i = 0; i < N; i++) {
            long va = residentVas[i];
            table.map(va, RAM, Attributes.USER_DATA);
            sum += table.unmap(va);
        }
        return sum;
    }

    /**
     * Maps then unmaps each of 4096 random pages anywhere in the 256 TiB half: almost every pair
     * builds three tables (L1, L2, L3) and reclaims them (the worst case).
     *
     * @return a checksum
     */
    @Benchmark
    @OperationsPerInvocation(N)
    public long mapUnmapRandom() {
        long sum = 0;
        for (int i = 0; i < N; i++) {
            long va = randomVas[i];
            table.map(va, RAM, Attributes.USER_DATA);
            sum += table.unmap(va);
        }
        return sum;
    }

    /**
     * Maps 4096 consecutive pages, then unmaps them all (tables shared, freed at the end).
     *
     * @return a checksum
     */
    @Benchmark
    @OperationsPerInvocation(N)
    public long mapUnmapSequential() {
        long sum = 0;
        for (int i = 0; i < N; i++) {
            table.map(sequentialVas[i], RAM + ((long) i << 12), Attributes.USER_DATA);
        }
        for (int i = 0; i < N; i++) {
            sum += table.unmap(sequentialVas[i]);
        }
        return sum;
    }

    /**
     * Translates 4096 addresses of the resident 64 MiB mapping (allocation-free walk).
     *
     * @return a checksum
     */
    @Benchmark
    @OperationsPerInvocation(N)
    public long translate() {
        long sum = 0;
        for (int i = 0; i < N; i++) {
            sum += table.translatePa(0x4000_0000L + ((long) (i * 977 % 16384) << 12));
        }
        return sum;
    }

    /**
     * Maps and unmaps 1 GiB with 1 GiB blocks allowed (one descriptor).
     *
     * @return a checksum
     */
    @Benchmark
    public long mapRange1GiBWithBlocks() {
        table.mapRange(0x80_0000_0000L, 0x8000_0000L, 1L << 30, Attributes.USER_DATA, true);
        table.unmapRange(0x80_0000_0000L, 1L << 30);
        return frames.freeFrames();
    }

    /**
     * Maps and unmaps 1 GiB with pages only (262,144 descriptors, 513 tables).
     *
     * @return a checksum
     */
    @Benchmark
    public long mapRange1GiBPagesOnly() {
        table.mapRange(0x80_0000_0000L, 0x8000_0000L, 1L << 30, Attributes.USER_DATA, false);
        table.unmapRange(0x80_0000_0000L, 1L << 30);
        return frames.freeFrames();
    }
}
