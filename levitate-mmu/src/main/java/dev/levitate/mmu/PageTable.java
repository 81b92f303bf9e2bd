package dev.levitate.mmu;

import static dev.levitate.core.LevitateException.hex;

import dev.levitate.core.alloc.OutOfFramesException;
import dev.levitate.core.alloc.PageAllocator;
import dev.levitate.core.mem.PhysicalMemory;
import dev.levitate.core.tlb.TlbMaintenance;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The translation tables of one half of the EL1&amp;0 regime, 4 KiB granule, built in
 * {@link PhysicalMemory} exactly as the MMU walks them (ARM ARM D8, "The AArch64 Virtual Memory
 * System Architecture").
 *
 * <h2>Notation</h2>
 * <pre>
 *   level L = 0..3, shift(L) = 12 + 9 * (3 - L), span(L) = 1 &lt;&lt; shift(L)
 *       L0: 512 GiB per entry, L1: 1 GiB, L2: 2 MiB, L3: 4 KiB
 *   index(va, L) = va[shift(L) + 8 : shift(L)]
 *   48-bit VA: the walk starts at level 0 (4 levels); 39-bit VA: at level 1 (3 levels)
 *   lower half (TTBR0): va &gt;&gt;&gt; vaBits == 0; upper half (TTBR1): va &gt;&gt; vaBits == -1
 * </pre>
 * Each table is 512 little-endian 8-byte {@link Descriptor}s. The number of valid entries of every
 * table lives in a side array indexed by frame ({@code TableCounts}), so a table that becomes empty
 * is found in O(1).
 *
 * <h2>Operations</h2>
 * <ol>
 *   <li><b>map / mapRange</b>: validate the whole range (alignment, half, nothing mapped); count
 *       the tables the mapping needs with a dry run of the same walk and take them all from the
 *       allocator before writing anything (out of frames: give them back, throw, nothing
 *       changed); write leaves (1 GiB / 2 MiB blocks where VA, PA and length allow and blocks are
 *       allowed), publishing each new table to its parent only after it is filled; one DSB.
 *       Writing an invalid entry needs no TLB maintenance.</li>
 *   <li><b>unmap</b>: walk without creating (when the last single-page walk was in the same
 *       2 MiB region, its recorded tables are checked against memory with independent loads and
 *       the walk starts at the leaf table if every entry still leads there); a page inside a
 *       block is first split into a next-level table with break-before-make (write invalid, DSB,
 *       TLBI, DSB, write table);
 *       clear the leaf; if its table became empty (eager mode) clear the parent entry too, level
 *       by level upward, never the root (with the O(1) counts, which say in advance which tables
 *       become empty, only the entry in the lowest table that stays is written: that one write
 *       detaches the whole empty chain, whose tables keep their old entries until they are
 *       zeroed on becoming tables again); DSB; one TLBI: VALE1 (VAALE1 for a global leaf) when no
 *       table was freed, else VAE1 (VAAE1), which also drops the walk-cache entries; DSB; only then
 *       give the freed tables back to the allocator.</li>
 *   <li><b>unmapRange / protect</b>: validate the whole range, pre-allocate the frames that block
 *       splits at the two ends need, then work; above {@code rangeThreshold} pages one ASIDE1
 *       replaces the per-page invalidations of non-global leaves, while global leaves (which
 *       ASIDE1 does not remove) get VAALE1 / VAAE1 each, or, if more than the threshold, one
 *       VMALLE1 replaces everything (always VMALLE1 for the upper half). protect writes a leaf in
 *       place only when the change is safe in place ({@link #protect}); otherwise it does
 *       break-before-make.</li>
 *   <li><b>destroy</b>: invalidate the ASID and each global leaf (or everything, above the
 *       threshold or for the upper half), DSB, free every table including the root.</li>
 * </ol>
 * docs/mmu.md has the whole table: operation x half x global or not x size → TLBIs.
 *
 * <h2>ASIDs and halves</h2>
 * A lower-half (TTBR0) table invalidates its non-global entries by its ASID ({@link #asid()},
 * changed by {@link #retag(int)} when the address space gets a new ASID) and its global ones for
 * all ASIDs. An upper-half (TTBR1) table invalidates everything for all ASIDs (VAALE1, VAAE1,
 * VMALLE1): its non-global entries would carry the ASID of whichever TTBR TCR_EL1.A1 names,
 * which the table does not know.
 *
 * <h2>Invariants (checked by the testkit after every step)</h2>
 * Every table reachable from the root is owned (came from the allocator through this object) and
 * its count equals the number of its valid entries; in eager mode no table but the root is empty;
 * a table frame goes back to the allocator only after an all-levels invalidation that covers it.
 *
 * <h2>Threads</h2>
 * Not thread-safe: a page table belongs to the thread that owns its kernel.
 */
public final class PageTable {

    /** Entries per table. */
    public static final int ENTRIES = 512;
    /** Index bits per level. */
    public static final int LEVEL_BITS = 9;
    /** log2 of the granule. */
    public static final int PAGE_SHIFT = PhysicalMemory.PAGE_SHIFT;
    /** The granule, 4096. */
    public static final long PAGE_SIZE = 1L << PAGE_SHIFT;
    /** The level of page descriptors. */
    public static final int LEAF_LEVEL = 3;
    /**
     * Default number of pages above which a range operation invalidates the whole ASID (plus its
     * global leaves by VA, or everything when they too are more than this many).
     */
    public static final int DEFAULT_RANGE_THRESHOLD = 512;
    /**
     * The ASID of a table that owns none (see {@link #retag(int)}): it is in no TTBR and the TLB
     * holds no entry of it tagged with an ASID, so by-ASID invalidations are skipped.
     */
    public static final int NO_ASID = -1;

    private static final int INDEX_MASK = ENTRIES - 1;
    /** A recorded walk is a hint for VAs of the same leaf table: {@code va >>> 21}. */
    private static final int PATH_REGION_SHIFT = PAGE_SHIFT + LEVEL_BITS;
    private static final int DESCRIPTOR_SIZE = 8;
    private static final long PA_LIMIT = 1L << PhysicalMemory.PA_BITS;

    /** When empty intermediate tables go back to the allocator. */
    public enum ReclaimMode {
        /** As soon as an unmap empties them (SC2). */
        EAGER,
        /** Only when {@link #reclaimEmptyTables(long, long)} is called. */
        EXPLICIT
    }

    /** How an unmap finds out that a table became empty. */
    public enum EmptyTableDetection {
        /** The valid-entry count in the side array: O(1). */
        COUNTS,
        /** Rescan the table's 512 entries, as the original kernel did: O(512), for comparison. */
        RESCAN
    }

    private final PhysicalMemory memory;
    private final PageAllocator frames;
    private final TlbMaintenance tlb;
    private final Half half;
    /** nG for the lower half, 0 for the upper: a leaf is invalidated for all ASIDs when {@code (leaf & ngMask) == 0}. */
    private final long ngMask;
    private final int vaBits;
    /** The ASID future invalidations name, or {@link #NO_ASID}: changed only by {@link #retag(int)}. */
    private int asid;
    private final int startLevel;
    private final ReclaimMode reclaimMode;
    private final int rangeThreshold;
    private final boolean rescan;
    private final TableCounts counts = new TableCounts();
    private PageTableListener[] listeners = new PageTableListener[0];
    private long root;
    private boolean destroyed;

    /** Frames taken before an operation writes anything; drained by {@link #takeFrame}. */
    private long[] pool = new long[8];
    private int poolSize;

    /** Scratch for the per-operation list of tables to free after the invalidation. */
    private long[] freed = new long[8];
    private long[] freedVa = new long[8];
    private int[] freedLevel = new int[8];
    private int freedCount;

    /** Scratch for the VAs whose leaves a range operation cleared (for per-page TLBI). */
    private long[] leafVa = new long[64];
    private boolean[] leafGlobal = new boolean[64];
    private boolean[] leafTableFreed = new boolean[64];
    private int leafCount;

    /**
     * The table at each level of the last single-page walk (map or unmap), so reclamation does not
     * re-walk, and a hint for the next walk of the same 2 MiB region: see {@link #pathStillWalks}.
     */
    private final long[] path = new long[LEAF_LEVEL + 1];
    /** {@code va >>> 21} of the walk {@link #path} holds, or -1. */
    private long pathRegion = -1;
    /** The attributes of the last {@link #map} and their descriptor bits (computing them takes a dozen loads). */
    private Attributes lastAttributes;
    private long lastAttributeBits;

    private PageTable(Builder b) {
        this.memory = b.memory;
        this.frames = b.frames;
        this.tlb = b.tlb;
        this.half = b.half;
        this.ngMask = b.half == Half.UPPER ? 0 : Descriptor.bit(Descriptor.NG_BIT);
        this.vaBits = b.vaBits;
        this.asid = b.asid;
        this.startLevel = 3 - (vaBits - PAGE_SHIFT - 1) / LEVEL_BITS;
        this.reclaimMode = b.reclaimMode;
        this.rangeThreshold = b.rangeThreshold;
        this.rescan = b.detection == EmptyTableDetection.RESCAN;
        long r = frames.tryAllocate(0);
        if (r == PageAllocator.NO_FRAME) {
            throw new PageTableOutOfMemoryException(0, 1, null);
        }
        try {
            memory.zeroPage(r);
        } catch (RuntimeException e) {
            frames.free(r, 0); // the root never became a table: give it back, nothing changed
            throw e;
        }
        counts.own(r, 0);
        this.root = r;
    }

    /**
     * Starts building a page table.
     *
     * @param memory where the tables live
     * @param frames where table frames come from and go back to
     * @param tlb where invalidations go
     * @return a builder (lower half, 48-bit VA, ASID 1, eager reclamation by default)
     */
    public static Builder builder(PhysicalMemory memory, PageAllocator frames, TlbMaintenance tlb) {
        return new Builder(memory, frames, tlb);
    }

    /** Configures a {@link PageTable}. */
    public static final class Builder {
        private final PhysicalMemory memory;
        private final PageAllocator frames;
        private final TlbMaintenance tlb;
        private Half half = Half.LOWER;
        private int vaBits = 48;
        private int asid = 1;
        private ReclaimMode reclaimMode = ReclaimMode.EAGER;
        private int rangeThreshold = DEFAULT_RANGE_THRESHOLD;
        private EmptyTableDetection detection = EmptyTableDetection.COUNTS;

        private Builder(PhysicalMemory memory, PageAllocator frames, TlbMaintenance tlb) {
            this.memory = Objects.requireNonNull(memory, "memory");
            this.frames = Objects.requireNonNull(frames, "frames");
            this.tlb = Objects.requireNonNull(tlb, "tlb");
        }

        /**
         * Chooses the half (default {@link Half#LOWER}).
         *
         * @param h the half
         * @return this builder
         */
        public Builder half(Half h) {
            this.half = Objects.requireNonNull(h);
            return this;
        }

        /**
         * Chooses the VA size: 48 (T0SZ/T1SZ = 16, 4 levels) or 39 (T*SZ = 25, 3 levels).
         *
         * @param bits 39 or 48
         * @return this builder
         * @throws IllegalArgumentException for other sizes
         */
        public Builder vaBits(int bits) {
            if (bits != 39 && bits != 48) {
                throw new IllegalArgumentException("VA size " + bits + " bits: use 39 (3 levels) or 48 (4 levels)");
            }
            this.vaBits = bits;
            return this;
        }

        /**
         * Sets the ASID the lower half's non-global entries are tagged with (default 1), or
         * {@link PageTable#NO_ASID} for a table that has none yet (see {@link PageTable#retag(int)}).
         *
         * @param a 0..65535, or {@link PageTable#NO_ASID}
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder asid(int a) {
            this.asid = checkAsid(a);
            return this;
        }

        /**
         * Chooses when empty tables are reclaimed (default {@link ReclaimMode#EAGER}).
         *
         * @param mode the mode
         * @return this builder
         */
        public Builder reclaim(ReclaimMode mode) {
            this.reclaimMode = Objects.requireNonNull(mode);
            return this;
        }

        /**
         * Sets how many pages a range operation may invalidate one by one before it invalidates
         * the whole ASID instead (default {@value PageTable#DEFAULT_RANGE_THRESHOLD}); global leaves,
         * which an ASID invalidation does not reach, are then invalidated one by one up to the same
         * number, and above it with VMALLE1.
         *
         * @param pages at least 1
         * @return this builder
         * @throws IllegalArgumentException if below 1
         */
        public Builder rangeThreshold(int pages) {
            if (pages < 1) {
                throw new IllegalArgumentException("range threshold must be at least 1 page, got " + pages);
            }
            this.rangeThreshold = pages;
            return this;
        }

        /**
         * Chooses how unmap detects an empty table (default {@link EmptyTableDetection#COUNTS});
         * {@link EmptyTableDetection#RESCAN} exists to measure what the counts save.
         *
         * @param d the strategy
         * @return this builder
         */
        public Builder emptyTableDetection(EmptyTableDetection d) {
            this.detection = Objects.requireNonNull(d);
            return this;
        }

        /**
         * Builds the page table, allocating and zeroing its root. If zeroing fails (the allocator
         * handed out a frame outside {@code memory}), the frame goes back and the exception
         * propagates: nothing is leaked.
         *
         * @return the page table
         * @throws PageTableOutOfMemoryException if no frame is free for the root
         * @throws dev.levitate.core.mem.PhysicalAddressException if the root frame is not in {@code memory}
         */
        public PageTable build() {
            return new PageTable(this);
        }
    }

    // ================================================================== small helpers

    private static int checkAsid(int a) {
        if ((a < 0 || a > 0xFFFF) && a != NO_ASID) {
            throw new IllegalArgumentException("ASID " + a + " is outside 0..65535 (or NO_ASID, -1)");
        }
        return a;
    }

    private static int shift(int level) {
        return PAGE_SHIFT + LEVEL_BITS * (LEAF_LEVEL - level);
    }

    /**
     * Returns the size of the region one entry of {@code level} covers.
     *
     * @param level 0..3
     * @return 512 GiB, 1 GiB, 2 MiB or 4 KiB
     */
    public static long span(int level) {
        return 1L << shift(level);
    }

    /**
     * Returns the index of {@code va} in a table of {@code level}: VA[shift+8:shift].
     *
     * @param va the virtual address
     * @param level 0..3
     * @return 0..511
     */
    public static int index(long va, int level) {
        return (int) (va >>> shift(level)) & INDEX_MASK;
    }

    private long read(long table, int index) {
        return memory.read64(table + (long) index * DESCRIPTOR_SIZE);
    }

    private void write(long table, int index, long descriptor) {
        memory.write64(table + (long) index * DESCRIPTOR_SIZE, descriptor);
    }

    private void checkLive() {
        if (destroyed) {
            throw new IllegalStateException("this page table was destroyed");
        }
    }

    private boolean inHalf(long va) {
        return half == Half.LOWER ? (va >>> vaBits) == 0 : (va >> vaBits) == -1L;
    }

    /** The first VA of this half. */
    private long halfStart() {
        return half == Half.LOWER ? 0 : -1L << vaBits;
    }

    private void checkVa(long va, long size) {
        if ((va & (PAGE_SIZE - 1)) != 0) {
            throw new MisalignedAddressException(va, "not 4 KiB aligned");
        }
        if ((size & (PAGE_SIZE - 1)) != 0 || size <= 0) {
            throw new MisalignedAddressException(va, "size " + hex(size) + " is not a positive multiple of 4 KiB");
        }
        if (!inHalf(va)) {
            throw new AddressRangeException(va, "outside the " + describeHalf());
        }
        long last = va + size - 1;
        if (!inHalf(last) || Long.compareUnsigned(last, va) < 0) {
            throw new AddressRangeException(va, "the range of " + hex(size) + " bytes leaves the " + describeHalf());
        }
    }

    private void checkPa(long va, long pa, long size) {
        if ((pa & (PAGE_SIZE - 1)) != 0) {
            throw new MisalignedAddressException(va, "PA " + hex(pa) + " is not 4 KiB aligned");
        }
        if (pa < 0 || pa + size > PA_LIMIT || pa + size < pa) {
            throw new AddressRangeException(va, "PA range " + hex(pa) + " + " + hex(size) + " reaches past the 48-bit physical address space");
        }
    }

    private String describeHalf() {
        return (half == Half.LOWER ? "lower half (TTBR0)" : "upper half (TTBR1)") + " of a " + vaBits + "-bit VA space";
    }

    private void ensureScratch() {
        if (freedCount == freed.length) {
            int n = freed.length * 2;
            freed = java.util.Arrays.copyOf(freed, n);
            freedVa = java.util.Arrays.copyOf(freedVa, n);
            freedLevel = java.util.Arrays.copyOf(freedLevel, n);
        }
    }

    private void ensureLeafScratch() {
        if (leafCount == leafVa.length) {
            int n = leafVa.length * 2;
            leafVa = java.util.Arrays.copyOf(leafVa, n);
            leafGlobal = java.util.Arrays.copyOf(leafGlobal, n);
            leafTableFreed = java.util.Arrays.copyOf(leafTableFreed, n);
        }
    }

    /** Takes {@code n} frames from the allocator, all or none. */
    private void reserveFrames(int n, long va) {
        if (pool.length < n) {
            pool = new long[Math.max(n, pool.length * 2)];
        }
        poolSize = 0;
        for (int i = 0; i < n; i++) {
            long f = frames.tryAllocate(0);
            if (f == PageAllocator.NO_FRAME) {
                returnFrames();
                throw new PageTableOutOfMemoryException(va, n, new OutOfFramesException(0, frames.freeFrames()));
            }
            pool[poolSize++] = f;
        }
    }

    private void returnFrames() {
        while (poolSize > 0) {
            frames.free(pool[--poolSize], 0);
        }
    }

    private long takeFrame(int level, long vaStart) {
        long f = pool[--poolSize];
        memory.zeroPage(f);
        announceTable(f, level, vaStart);
        return f;
    }

    private void queueFree(long table, int level, long vaStart) {
        ensureScratch();
        freed[freedCount] = table;
        freedVa[freedCount] = vaStart;
        freedLevel[freedCount] = level;
        freedCount++;
    }

    /** Gives the queued tables back: only after the invalidation and its DSB. */
    private void releaseQueued() {
        for (int i = 0; i < freedCount; i++) {
            long t = freed[i];
            if (listeners.length != 0) {
                for (PageTableListener l : listeners) {
                    l.tableFreed(freedLevel[i], t, freedVa[i], freedVa[i] + span(freedLevel[i] - 1));
                }
            }
            counts.disown(t);
            frames.free(t, 0);
        }
        freedCount = 0;
    }

    /**
     * TLBI of the last-level entry for {@code va}: VAALE1 when {@code allAsids}, else VALE1 in
     * this table's ASID; nothing for a non-global leaf of a table with {@link #NO_ASID} (none of
     * its ASID-tagged entries can be cached). Returns whether a TLBI was issued.
     */
    private boolean invalidateLeaf(long va, boolean allAsids) {
        if (allAsids) {
            tlb.vaale1(va);
        } else if (asid != NO_ASID) {
            tlb.vale1(va, asid);
        } else {
            return false;
        }
        return true;
    }

    /**
     * TLBI of every level for {@code va} (leaf and walk cache): VAAE1 when {@code allAsids} or the
     * table has {@link #NO_ASID} (the walk-cache entries of a global walk may be untagged), else
     * VAE1 in this table's ASID. Always issues one; returns true.
     */
    private boolean invalidateAllLevels(long va, boolean allAsids) {
        if (allAsids || asid == NO_ASID) {
            tlb.vaae1(va);
        } else {
            tlb.vae1(va, asid);
        }
        return true;
    }

    /**
     * Whether a leaf's entries must be invalidated for all ASIDs: it is global (nG = 0), or it is
     * in the upper half, whose non-global entries are tagged with the ASID of TTBR0 or TTBR1
     * (TCR_EL1.A1), which this table does not know.
     */
    private boolean allAsids(long leaf) {
        return (leaf & ngMask) == 0;
    }

    /**
     * The TLBIs for many leaves at once (a range operation above the threshold, or
     * {@link #destroy()} with {@code teardown}), from the {@link #leafCount} leaves recorded:
     * <pre>
     *   upper half ................................. VMALLE1
     *   lower half, global leaves &gt; threshold ....... VMALLE1
     *   lower half, otherwise ...................... ASIDE1 (if there is a non-global leaf, or on teardown
     *                                                 for the walk cache; none with NO_ASID), then per
     *                                                 global leaf VAAE1 if its table was freed, else VAALE1
     * </pre>
     * ASIDE1 does not remove global entries (ARM ARM D8.13: TLBI ASIDE1 invalidates the entries
     * that "match the ASID", and a global entry matches none), so they are invalidated by VA or
     * by VMALLE1. Returns whether a TLBI was issued.
     */
    private boolean invalidateMany(boolean teardown) {
        if (half == Half.UPPER) {
            tlb.vmalle1();
            return true;
        }
        int globals = 0;
        for (int k = 0; k < leafCount; k++) {
            globals += leafGlobal[k] ? 1 : 0;
        }
        if (globals > rangeThreshold) {
            tlb.vmalle1();
            return true;
        }
        boolean issued = false;
        if (asid != NO_ASID && (teardown || globals < leafCount)) {
            tlb.aside1(asid);
            issued = true;
        }
        for (int k = 0; k < leafCount; k++) {
            if (leafGlobal[k]) {
                issued |= leafTableFreed[k] ? invalidateAllLevels(leafVa[k], true) : invalidateLeaf(leafVa[k], true);
            }
        }
        return issued;
    }

    // ================================================================== queries

    /**
     * Returns the root table's physical address (what TTBR0/TTBR1 hold in BADDR).
     *
     * @return the root frame
     */
    public long root() {
        return root;
    }

    /**
     * Returns the TTBRn_EL1 value for this table: ASID in [63:48] (0 with {@link #NO_ASID}),
     * BADDR in [47:1].
     *
     * @return the register value
     */
    public long ttbr() {
        return ((long) (asid == NO_ASID ? 0 : asid) << 48) | root;
    }

    /**
     * Returns the ASID this table's non-global entries are invalidated with.
     *
     * @return the ASID, or {@link #NO_ASID}
     */
    public int asid() {
        return asid;
    }

    /**
     * Changes the ASID this table's future TLB maintenance names: the ASID an address space
     * follows when its allocator hands it a new one (as Linux's {@code mm->context.id} after an
     * ASID rollover), or {@link #NO_ASID} while it owns none. The descriptors do not change (the
     * ASID is not in them, only in TTBR0 and the TLB's tags); no TLBI is issued.
     *
     * <p><b>Contract</b> (the caller's, as only it knows the TLB's history): when this is called,
     * the TLB holds no non-global entry of this table tagged with the old ASID (for example, a
     * TLBI VMALLE1 and DSB completed since the table was last in TTBR0 with it, as at an ASID
     * rollover, or the table was never in a TTBR), and from now on the table is installed in
     * TTBR0 only with the new ASID. With {@link #NO_ASID} the table must stay out of every TTBR
     * until it is retagged with a real ASID; meanwhile by-ASID invalidations are skipped (nothing
     * of it can be cached under an ASID), all-levels invalidations of freed tables become VAAE1,
     * and global leaves are invalidated as always. Breaking the contract leaves stale
     * translations; the table cannot check it.
     *
     * @param newAsid 0..65535, or {@link #NO_ASID}
     * @throws IllegalArgumentException if {@code newAsid} is out of range
     * @throws IllegalStateException if the table was destroyed
     */
    public void retag(int newAsid) {
        checkLive();
        this.asid = checkAsid(newAsid);
    }

    /**
     * Returns the half this table translates.
     *
     * @return the half
     */
    public Half half() {
        return half;
    }

    /**
     * Returns the VA size in bits.
     *
     * @return 39 or 48
     */
    public int vaBits() {
        return vaBits;
    }

    /**
     * Returns the level the walk starts at: 0 for 48-bit VAs, 1 for 39-bit VAs.
     *
     * @return the start level
     */
    public int startLevel() {
        return startLevel;
    }

    /**
     * Returns the reclamation mode.
     *
     * @return the mode
     */
    public ReclaimMode reclaimMode() {
        return reclaimMode;
    }

    /**
     * Returns the physical memory the tables live in.
     *
     * @return the memory
     */
    public PhysicalMemory memory() {
        return memory;
    }

    /**
     * Returns the valid-entry count this object keeps for one of its tables (the O(1) side
     * array), for invariant checks against a rescan.
     *
     * @param tablePa a table frame
     * @return the count, or -1 if the frame is not a table this page table owns
     */
    public int validCount(long tablePa) {
        return counts.owned(tablePa) ? counts.count(tablePa) : -1;
    }

    /**
     * Tells whether the frame is a translation table this object allocated.
     *
     * @param tablePa a frame
     * @return true if owned
     */
    public boolean ownsTable(long tablePa) {
        return counts.owned(tablePa);
    }

    /**
     * Adds a listener.
     *
     * @param listener the listener
     */
    public void addListener(PageTableListener listener) {
        PageTableListener[] n = java.util.Arrays.copyOf(listeners, listeners.length + 1);
        n[listeners.length] = Objects.requireNonNull(listener);
        listeners = n;
    }

    /**
     * Walks the tables in software and returns where {@code va} goes, without allocating.
     *
     * @param va any virtual address of this half
     * @return the physical address, or -1 if {@code va} is not mapped or not in this half
     */
    public long translatePa(long va) {
        if (destroyed || !inHalf(va)) {
            return -1;
        }
        long table = root;
        for (int level = startLevel; ; level++) {
            long d = read(table, index(va, level));
            if (!Descriptor.isValid(d)) {
                return -1;
            }
            if (Descriptor.isLeaf(d, level)) {
                return Descriptor.address(d) | (va & (span(level) - 1));
            }
            if (!Descriptor.isTable(d, level)) {
                return -1;
            }
            table = Descriptor.address(d);
        }
    }

    /**
     * Walks the tables in software (ARM ARM D8.2, "translation table walk").
     *
     * @param va any virtual address
     * @return the translation, or empty if {@code va} is not mapped or not in this half (as
     *     {@link #translatePa} returns -1 for both)
     */
    public Optional<Translation> translate(long va) {
        checkLive();
        if (!inHalf(va)) {
            return Optional.empty();
        }
        long table = root;
        for (int level = startLevel; ; level++) {
            long d = read(table, index(va, level));
            if (!Descriptor.isValid(d)) {
                return Optional.empty();
            }
            if (Descriptor.isLeaf(d, level)) {
                return Optional.of(new Translation(va, Descriptor.address(d) | (va & (span(level) - 1)),
                        Attributes.fromDescriptor(d), level));
            }
            if (!Descriptor.isTable(d, level)) {
                return Optional.empty();
            }
            table = Descriptor.address(d);
        }
    }

    /**
     * Visits every valid entry, depth first, in VA order.
     *
     * @param visitor the visitor
     */
    public void walk(PageTableVisitor visitor) {
        checkLive();
        walk(root, startLevel, halfStart(), visitor);
    }

    private void walk(long table, int level, long base, PageTableVisitor v) {
        for (int i = 0; i < ENTRIES; i++) {
            long d = read(table, i);
            if (!Descriptor.isValid(d)) {
                continue;
            }
            long va = base + (long) i * span(level);
            v.visit(level, i, va, table, d);
            if (Descriptor.isTable(d, level)) {
                walk(Descriptor.address(d), level + 1, va, v);
            }
        }
    }

    /**
     * Lists every table reachable from the root, root first.
     *
     * @return the table frames
     */
    public List<Long> tables() {
        List<Long> out = new ArrayList<>();
        out.add(root);
        walk((level, index, va, tablePa, d) -> {
            if (Descriptor.isTable(d, level)) {
                out.add(Descriptor.address(d));
            }
        });
        return out;
    }

    /**
     * Counts tables per level and leaves by size.
     *
     * @return the statistics
     */
    public PageTableStats stats() {
        int[] perLevel = new int[4];
        long[] leaves = new long[4];
        perLevel[startLevel]++;
        walk((level, index, va, tablePa, d) -> {
            if (Descriptor.isTable(d, level)) {
                perLevel[level + 1]++;
            } else if (Descriptor.isLeaf(d, level)) {
                leaves[level]++;
            }
        });
        return new PageTableStats(perLevel, leaves[3], leaves[2], leaves[1]);
    }

    // ================================================================== map

    /**
     * Maps one 4 KiB page.
     *
     * @param va the virtual address, 4 KiB aligned, in this half
     * @param pa the physical address, 4 KiB aligned
     * @param attributes the leaf attributes
     * @throws MisalignedAddressException if VA or PA is not 4 KiB aligned
     * @throws AddressRangeException if VA is not in this half or PA is past 48 bits
     * @throws AlreadyMappedException if the page is mapped
     * @throws MappingConflictException if the page lies inside a block mapping
     * @throws PageTableOutOfMemoryException if a table could not be allocated
     */
    public void map(long va, long pa, Attributes attributes) {
        checkLive();
        checkVa(va, PAGE_SIZE);
        checkPa(va, pa, PAGE_SIZE);
        Objects.requireNonNull(attributes, "attributes");
        if (attributes != lastAttributes) {
            lastAttributes = attributes;
            lastAttributeBits = attributes.bits();
        }
        long leaf = (pa & Descriptor.OA_MASK) | lastAttributeBits | Descriptor.TYPE_TABLE_OR_PAGE;
        final long[] tablesOnPath = path;
        pathRegion = -1;
        long table = root;
        int level = startLevel;
        for (; level < LEAF_LEVEL; level++) {
            tablesOnPath[level] = table;
            long d = read(table, index(va, level));
            if (!Descriptor.isValid(d)) {
                break;
            }
            if (Descriptor.isBlock(d, level)) {
                throw insideBlock(va, level);
            }
            table = Descriptor.address(d);
        }
        if (level == LEAF_LEVEL) {
            tablesOnPath[LEAF_LEVEL] = table;
            int i = index(va, LEAF_LEVEL);
            long old = read(table, i);
            if (Descriptor.isValid(old)) {
                throw new AlreadyMappedException(va, "already mapped to " + hex(Descriptor.address(old)));
            }
            write(table, i, leaf);
            counts.add(table, 1);
        } else {
            mapNewTables(table, level, va, pa, leaf);
            return;
        }
        pathRegion = va >>> PATH_REGION_SHIFT;
        tlb.dsb();
        if (listeners.length != 0) {
            for (PageTableListener l : listeners) {
                l.mapped(va, pa, LEAF_LEVEL);
            }
        }
    }

    private static MappingConflictException insideBlock(long va, int level) {
        return new MappingConflictException(va, "inside the " + (level == 1 ? "1 GiB" : "2 MiB") + " block at "
                + hex(va & -span(level)) + "; unmap the page (which splits the block) or protect the range instead");
    }

    /**
     * The rest of {@link #map} when the walk met an invalid entry in {@code parent} (at
     * {@code level}): builds the tables below it down to the leaf. All frames first (out of frames:
     * the ones taken go back, nothing changed); each new table zeroed and filled before it is
     * published; the last write, into {@code parent}, publishes the chain; then the DSB and the
     * listeners, as for a leaf in an existing table.
     *
     * <p>Kept a separate method on purpose, and larger than C2's FreqInlineSize (325 bytecodes),
     * so that C2 never inlines it into {@code map}: compiled on its own, with its own (mature)
     * profile, the allocator, zeroPage and descriptor writes are inlined into it. Inlined into
     * {@code map}, it was compiled with whatever profile it had when {@code map} was (re)compiled,
     * sometimes an immature one, and then all of those stayed calls: random pages anywhere ran at
     * 9.6 instead of 12.5 M pairs/s, from one JVM run to the next. (Its body merged into
     * {@code map} made one method C2 compiled with many spills: 10.8.) The listener loops are
     * written out here rather than in helpers for the same reason.
     */
    private void mapNewTables(long parent, int level, long va, long pa, long leaf) {
        final int n = LEAF_LEVEL - level;
        final long[] reserved = pool;
        final PageAllocator allocator = frames;
        for (int i = 0; i < n; i++) {
            long f = allocator.tryAllocate(0);
            if (f == PageAllocator.NO_FRAME) {
                for (int j = i - 1; j >= 0; j--) {
                    allocator.free(reserved[j], 0);
                }
                throw new PageTableOutOfMemoryException(va, n, new OutOfFramesException(0, allocator.freeFrames()));
            }
            reserved[i] = f;
        }
        final long[] tablesOnPath = path;
        final PageTableListener[] ls = listeners;
        long entry = leaf;
        for (int l = LEAF_LEVEL, i = n; l > level; l--) {
            long t = reserved[--i];
            memory.zeroPage(t);
            if (ls.length != 0) {
                counts.own(t, 0);
                for (PageTableListener x : ls) {
                    x.tableAllocated(l, t, va & -span(l - 1));
                }
            }
            write(t, index(va, l), entry);
            counts.own(t, 1);
            tablesOnPath[l] = t;
            entry = Descriptor.table(t);
        }
        write(parent, index(va, level), entry);
        counts.add(parent, 1);
        pathRegion = va >>> PATH_REGION_SHIFT;
        tlb.dsb();
        if (ls.length != 0) {
            for (PageTableListener x : ls) {
                x.mapped(va, pa, LEAF_LEVEL);
            }
        }
    }

    /** Marks a new (zeroed) table owned with no entry and tells the listeners. */
    private void announceTable(long table, int level, long vaStart) {
        counts.own(table, 0);
        for (PageTableListener l : listeners) {
            l.tableAllocated(level, table, vaStart);
        }
    }

    /**
     * Maps {@code [va, va + size)} to {@code [pa, pa + size)}, with 1 GiB and 2 MiB blocks wherever
     * VA, PA and the remaining length allow (like the original kernel's map_range), or only pages.
     *
     * @param va the first VA, 4 KiB aligned
     * @param pa the first PA, 4 KiB aligned
     * @param size the length, a positive multiple of 4 KiB
     * @param attributes the leaf attributes
     * @param allowBlocks whether block descriptors may be used
     * @throws MisalignedAddressException if an address or the size is not 4 KiB aligned
     * @throws AddressRangeException if the range leaves this half or PA passes 48 bits
     * @throws AlreadyMappedException if any page of the range is mapped (naming the first)
     * @throws PageTableOutOfMemoryException if the tables could not be allocated
     */
    public void mapRange(long va, long pa, long size, Attributes attributes, boolean allowBlocks) {
        checkLive();
        checkVa(va, size);
        checkPa(va, pa, size);
        Objects.requireNonNull(attributes, "attributes");
        long end = va + size;
        long mapped = firstMapped(root, startLevel, halfStart(), va, end);
        if (mapped != Long.MIN_VALUE) {
            throw new AlreadyMappedException(mapped, "already mapped (inside the range " + hex(va) + " + " + hex(size) + ")");
        }
        int needed = mapRec(root, startLevel, halfStart(), va, end, pa - va, attributes, allowBlocks, true);
        reserveFrames(needed, va);
        mapRec(root, startLevel, halfStart(), va, end, pa - va, attributes, allowBlocks, false);
        tlb.dsb();
    }

    /**
     * Maps the part of {@code [va, end)} under {@code table} (level {@code level}, first VA
     * {@code base}). With {@code dry}, writes nothing and returns how many tables it would create;
     * a {@code table} of -1 stands for a table that does not exist yet.
     */
    private int mapRec(long table, int level, long base, long va, long end, long delta, Attributes attr,
                       boolean allowBlocks, boolean dry) {
        long span = span(level);
        int first = index(Math.max(va, base), level);
        int tablesCreated = 0;
        for (int i = first; i < ENTRIES; i++) {
            long eva = base + (long) i * span;
            if (eva >= end) {
                break;
            }
            long from = Math.max(va, eva);
            long to = Math.min(end, eva + span);
            long d = table == -1 ? 0 : read(table, i);
            boolean whole = from == eva && to == eva + span;
            if (level == LEAF_LEVEL) {
                if (!dry) {
                    write(table, i, Descriptor.page(eva + delta, attr));
                    counts.add(table, 1);
                    for (PageTableListener l : listeners) {
                        l.mapped(eva, eva + delta, level);
                    }
                }
                continue;
            }
            boolean blockOk = allowBlocks && (level == 1 || level == 2) && whole && ((eva + delta) & (span - 1)) == 0;
            if (!Descriptor.isValid(d) && blockOk) {
                if (!dry) {
                    write(table, i, Descriptor.block(eva + delta, attr));
                    counts.add(table, 1);
                    for (PageTableListener l : listeners) {
                        l.mapped(eva, eva + delta, level);
                    }
                }
                continue;
            }
            if (Descriptor.isValid(d)) {
                tablesCreated += mapRec(Descriptor.address(d), level + 1, eva, from, to, delta, attr, allowBlocks, dry);
            } else if (dry) {
                tablesCreated += 1 + mapRec(-1, level + 1, eva, from, to, delta, attr, allowBlocks, true);
            } else {
                long child = takeFrame(level + 1, eva);
                mapRec(child, level + 1, eva, from, to, delta, attr, allowBlocks, false);
                write(table, i, Descriptor.table(child));
                counts.add(table, 1);
            }
        }
        return tablesCreated;
    }

    /** Returns the first mapped VA in [va, end) under the table, or Long.MIN_VALUE if none. */
    private long firstMapped(long table, int level, long base, long va, long end) {
        long span = span(level);
        for (int i = index(Math.max(va, base), level); i < ENTRIES; i++) {
            long eva = base + (long) i * span;
            if (eva >= end) {
                break;
            }
            long d = read(table, i);
            if (!Descriptor.isValid(d)) {
                continue;
            }
            if (Descriptor.isLeaf(d, level)) {
                return Math.max(va, eva);
            }
            long r = firstMapped(Descriptor.address(d), level + 1, eva, Math.max(va, eva), Math.min(end, eva + span));
            if (r != Long.MIN_VALUE) {
                return r;
            }
        }
        return Long.MIN_VALUE;
    }

    /** Returns the first unmapped 4 KiB page in [va, end), or Long.MIN_VALUE if all are mapped. */
    private long firstUnmapped(long table, int level, long base, long va, long end) {
        long span = span(level);
        for (int i = index(Math.max(va, base), level); i < ENTRIES; i++) {
            long eva = base + (long) i * span;
            if (eva >= end) {
                break;
            }
            long d = read(table, i);
            long from = Math.max(va, eva);
            if (!Descriptor.isValid(d)) {
                return from;
            }
            if (Descriptor.isLeaf(d, level)) {
                continue;
            }
            long r = firstUnmapped(Descriptor.address(d), level + 1, eva, from, Math.min(end, eva + span));
            if (r != Long.MIN_VALUE) {
                return r;
            }
        }
        return Long.MIN_VALUE;
    }

    // ================================================================== unmap

    /**
     * Unmaps one 4 KiB page and returns the frame it mapped (the caller owns that frame; only
     * translation tables go back to the allocator). A page inside a block splits the block first,
     * with break-before-make.
     *
     * @param va the page's VA, 4 KiB aligned, in this half
     * @return the PA the page mapped
     * @throws MisalignedAddressException if VA is not 4 KiB aligned
     * @throws AddressRangeException if VA is not in this half
     * @throws NotMappedException if the page is not mapped
     * @throws PageTableOutOfMemoryException if splitting a block needed a table and none was free
     */
    public long unmap(long va) {
        checkLive();
        checkVa(va, PAGE_SIZE);
        // 1. walk without creating; find the leaf
        final long[] tablesOnPath = path;
        long table;
        int level;
        long d;
        if (va >>> PATH_REGION_SHIFT == pathRegion && pathStillWalks(va)) {
            table = tablesOnPath[LEAF_LEVEL];
            level = LEAF_LEVEL;
            d = read(table, index(va, LEAF_LEVEL));
            if (!Descriptor.isValid(d)) {
                throw new NotMappedException(va, "not mapped (no entry at level " + level + ")");
            }
            if (!Descriptor.isLeaf(d, level)) {
                throw new NotMappedException(va, "not mapped (reserved descriptor at level " + level + ")");
            }
        } else {
            table = root;
            level = startLevel;
            pathRegion = -1;
            while (true) {
                tablesOnPath[level] = table;
                d = read(table, index(va, level));
                if (!Descriptor.isValid(d)) {
                    throw new NotMappedException(va, "not mapped (no entry at level " + level + ")");
                }
                if (Descriptor.isLeaf(d, level)) {
                    break;
                }
                if (!Descriptor.isTable(d, level)) {
                    throw new NotMappedException(va, "not mapped (reserved descriptor at level " + level + ")");
                }
                table = Descriptor.address(d);
                level++;
            }
        }
        // 2. a block: split it down to pages (frames first, then break-before-make)
        if (level < LEAF_LEVEL) {
            table = splitDown(table, level, va);
            d = read(table, index(va, LEAF_LEVEL));
        }
        pathRegion = va >>> PATH_REGION_SHIFT;
        long pa = Descriptor.address(d);
        boolean global = allAsids(d);
        // 3. clear the leaf, and every table that becomes empty, upward (never the root)
        int left = counts.add(table, -1);
        freedCount = 0;
        if (left == 0 && !rescan && table != root && reclaimMode == ReclaimMode.EAGER) {
            detachEmptyTables(table, va);
        } else {
            write(table, index(va, LEAF_LEVEL), 0);
            if (rescan) {
                left = scanValid(table);
            }
            if (left == 0 && table != root && reclaimMode == ReclaimMode.EAGER) {
                reclaimUpward(table, va);
            }
        }
        // 4. DSB, one TLBI, DSB (none with NO_ASID and a non-global leaf); 5. only then free
        tlb.dsb();
        if (freedCount > 0 ? invalidateAllLevels(va, global) : invalidateLeaf(va, global)) {
            tlb.dsb();
        }
        if (listeners.length != 0) {
            for (PageTableListener l : listeners) {
                l.unmapped(va, pa, LEAF_LEVEL);
            }
        }
        if (freedCount > 0) {
            releaseQueued();
        }
        return pa;
    }

    /**
     * Tells whether the tables of the last recorded walk ({@link #path}, same 2 MiB region) still
     * are {@code va}'s walk down to its leaf table: each level's entry must be a table descriptor
     * pointing at the next recorded table, exactly what a walk would follow. The entries are read
     * independently of each other (their addresses come from the record), so the loads overlap
     * instead of forming the chain of a walk; memory is the judge, the record only a guess.
     */
    private boolean pathStillWalks(long va) {
        final long[] p = path;
        boolean ok = true;
        for (int l = startLevel; l < LEAF_LEVEL; l++) {
            long d = read(p[l], index(va, l));
            ok &= Descriptor.isTable(d, l) & Descriptor.address(d) == p[l + 1];
        }
        return ok && p[startLevel] == root;
    }

    /** Splits the block holding {@code va} (in {@code table} at {@code level}) down to a page table. */
    private long splitDown(long table, int level, long va) {
        reserveFrames(LEAF_LEVEL - level, va);
        while (level < LEAF_LEVEL) {
            table = split(table, level, va);
            level++;
            path[level] = table;
        }
        return table;
    }

    /**
     * The leaf table {@code table} of {@code va}'s walk (in {@link #path}) became empty: clears its
     * entry in the parent and queues it, and so on upward while tables become empty, never the
     * root. Called with {@code freedCount == 0}; the scratch arrays hold the three tables.
     */
    private void reclaimUpward(long table, long va) {
        final long[] tablesOnPath = path;
        long t = table;
        int l = LEAF_LEVEL;
        int left = 0;
        while (left == 0 && t != root) {
            long parent = tablesOnPath[l - 1];
            write(parent, index(va, l - 1), 0);
            freed[freedCount] = t;
            freedVa[freedCount] = va & -span(l - 1);
            freedLevel[freedCount] = l;
            freedCount++;
            left = counts.add(parent, -1);
            if (rescan) {
                left = scanValid(parent);
            }
            t = parent;
            l--;
        }
    }

    /**
     * The leaf table {@code table} of {@code va}'s walk (in {@link #path}) loses its last entry
     * (the counts say so): queues it, and each ancestor that the counts say becomes empty, and
     * clears the entry in the lowest table that stays (or the root). That one write detaches the
     * whole chain, as one write published it in {@link #map}; the entries inside the
     * queued tables are left as they are (those tables are unreachable once the TLBI is done, and
     * a table frame is zeroed when it becomes a table again). Called with {@code freedCount == 0}.
     */
    private void detachEmptyTables(long table, long va) {
        // the queueing is written out here and in reclaimUpward rather than through queueFree's
        // arrays helper: a shared helper measured about 5% slower on random map+unmap pairs
        final long[] tablesOnPath = path;
        long t = table;
        int l = LEAF_LEVEL;
        while (true) {
            long parent = tablesOnPath[l - 1];
            freed[freedCount] = t;
            freedVa[freedCount] = va & -span(l - 1);
            freedLevel[freedCount] = l;
            freedCount++;
            if (counts.add(parent, -1) != 0 || parent == root) {
                write(parent, index(va, l - 1), 0);
                return;
            }
            t = parent;
            l--;
        }
    }

    /** Counts the valid entries of a table by reading all 512 (the original kernel's way). */
    private int scanValid(long table) {
        int n = 0;
        for (int i = 0; i < ENTRIES; i++) {
            if (Descriptor.isValid(read(table, i))) {
                n++;
            }
        }
        return n;
    }

    /**
     * Replaces the block entry for {@code va} in {@code table} (at {@code level}) with a next-level
     * table of equivalent leaves, by break-before-make (ARM ARM D8.14.1): write invalid, DSB,
     * TLBI of the block, DSB, write the table descriptor. Takes its frame from the pool.
     */
    private long split(long table, int level, long va) {
        int i = index(va, level);
        long block = read(table, i);
        long base = va & -span(level);
        long oa = Descriptor.address(block);
        long attrBits = block & Descriptor.LEAF_ATTRIBUTE_MASK;
        long child = takeFrame(level + 1, base);
        long childSpan = span(level + 1);
        long type = level + 1 == LEAF_LEVEL ? Descriptor.TYPE_TABLE_OR_PAGE : Descriptor.TYPE_BLOCK;
        for (int j = 0; j < ENTRIES; j++) {
            write(child, j, (oa + j * childSpan) | attrBits | type);
        }
        counts.add(child, ENTRIES);
        write(table, i, 0);
        tlb.dsb();
        invalidateLeaf(base, allAsids(block));
        tlb.dsb();
        write(table, i, Descriptor.table(child));
        return child;
    }

    /**
     * Unmaps every page of {@code [va, va + size)}. Every page must be mapped. Blocks wholly inside
     * the range are cleared as blocks; blocks straddling an end are split first.
     *
     * @param va the first VA, 4 KiB aligned
     * @param size the length, a positive multiple of 4 KiB
     * @throws MisalignedAddressException if VA or size is not 4 KiB aligned
     * @throws AddressRangeException if the range leaves this half
     * @throws NotMappedException if a page of the range is not mapped (naming the first)
     * @throws PageTableOutOfMemoryException if a block split needed a table and none was free
     */
    public void unmapRange(long va, long size) {
        checkLive();
        checkVa(va, size);
        long end = va + size;
        long hole = firstUnmapped(root, startLevel, halfStart(), va, end);
        if (hole != Long.MIN_VALUE) {
            throw new NotMappedException(hole, "not mapped (inside the range " + hex(va) + " + " + hex(size) + ")");
        }
        splitEnds(va, end);
        leafCount = 0;
        freedCount = 0;
        clearRec(root, startLevel, halfStart(), va, end);
        tlb.dsb();
        if (invalidateLeaves(size)) {
            tlb.dsb();
        }
        releaseQueued();
    }

    /** Pre-allocates and performs the splits that the two ends of a range need. */
    private void splitEnds(long va, long end) {
        int needed = splitsNeeded(va, -1) + splitsNeeded(end, va);
        if (needed == 0) {
            return;
        }
        reserveFrames(needed, va);
        splitAt(va);
        splitAt(end);
        returnFrames();
    }

    /**
     * Counts the tables splitting at boundary {@code b} needs (0 if b is aligned to the leaf that
     * holds it). {@code other} is the other boundary already counted, so a block both ends share
     * is counted once.
     */
    private int splitsNeeded(long b, long other) {
        if (!inHalf(b) || b == halfStart() && other != -1) {
            return 0;
        }
        long table = root;
        for (int level = startLevel; level <= LEAF_LEVEL; level++) {
            long d = read(table, index(b, level));
            if (!Descriptor.isValid(d)) {
                return 0;
            }
            if (Descriptor.isLeaf(d, level)) {
                int n = 0;
                for (int l = level; l < LEAF_LEVEL; l++) {
                    if ((b & (span(l) - 1)) == 0) {
                        break;
                    }
                    boolean sharedWithOther = other != -1 && (other & -span(l)) == (b & -span(l)) && (other & (span(l) - 1)) != 0;
                    if (!sharedWithOther) {
                        n++;
                    }
                }
                return n;
            }
            table = Descriptor.address(d);
        }
        return 0;
    }

    /** Splits blocks holding boundary b until b is aligned to its leaf. Frames come from the pool. */
    private void splitAt(long b) {
        if (!inHalf(b)) {
            return;
        }
        long table = root;
        for (int level = startLevel; level < LEAF_LEVEL; level++) {
            long d = read(table, index(b, level));
            if (!Descriptor.isValid(d)) {
                return;
            }
            if (Descriptor.isBlock(d, level)) {
                if ((b & (span(level) - 1)) == 0) {
                    return;
                }
                table = split(table, level, b);
            } else {
                table = Descriptor.address(d);
            }
        }
    }

    /** Clears every leaf in [va, end) under the table; queues tables that become empty. */
    private void clearRec(long table, int level, long base, long va, long end) {
        long span = span(level);
        for (int i = index(Math.max(va, base), level); i < ENTRIES; i++) {
            long eva = base + (long) i * span;
            if (eva >= end) {
                break;
            }
            long d = read(table, i);
            if (!Descriptor.isValid(d)) {
                continue;
            }
            if (Descriptor.isLeaf(d, level)) {
                write(table, i, 0);
                counts.add(table, -1);
                ensureLeafScratch();
                leafVa[leafCount] = eva;
                leafGlobal[leafCount] = allAsids(d);
                leafTableFreed[leafCount] = false;
                leafCount++;
                for (PageTableListener l : listeners) {
                    l.unmapped(eva, Descriptor.address(d), level);
                }
                continue;
            }
            long child = Descriptor.address(d);
            int mark = leafCount;
            clearRec(child, level + 1, eva, Math.max(va, eva), Math.min(end, eva + span));
            if (reclaimMode == ReclaimMode.EAGER && counts.count(child) == 0) {
                write(table, i, 0);
                counts.add(table, -1);
                queueFree(child, level + 1, eva);
                for (int k = mark; k < leafCount; k++) {
                    leafTableFreed[k] = true;
                }
            }
        }
    }

    /**
     * The TLBIs after a range operation of {@code size} bytes cleared or changed the
     * {@code leafCount} leaves recorded: one per leaf up to the threshold, else
     * {@link #invalidateMany}. Returns whether a TLBI was issued (none when no leaf was recorded).
     */
    private boolean invalidateLeaves(long size) {
        if (leafCount == 0) {
            return false;
        }
        if (size / PAGE_SIZE > rangeThreshold) {
            return invalidateMany(false);
        }
        boolean issued = false;
        for (int k = 0; k < leafCount; k++) {
            if (leafTableFreed[k]) {
                issued |= invalidateAllLevels(leafVa[k], leafGlobal[k]);
            } else {
                issued |= invalidateLeaf(leafVa[k], leafGlobal[k]);
            }
        }
        return issued;
    }

    // ================================================================== protect

    /**
     * Changes the attributes of every page of {@code [va, va + size)}, keeping where they point.
     * Every page must be mapped. Blocks straddling an end are split first.
     *
     * <p>A leaf whose change is not safe in place goes through break-before-make (ARM ARM D8.16.1,
     * "Using break-before-make when updating translation table entries"): write invalid, DSB, TLBI
     * of the old entry, DSB, write the new one. Unsafe are a change of memory type (AttrIndx),
     * shareability (SH), NS, and nG from 1 to 0 (non-global to global: the old per-ASID entry and
     * the new global one could both be cached, a TLB conflict; Linux's
     * {@code pgattr_change_is_safe()} allows only global to non-global in place). Output address
     * and block/table changes cannot happen here. Every other change (AP, PXN, UXN, AF, nG 0 to 1,
     * software bits) is written in place; those leaves are then invalidated after one DSB, one by
     * one or, above the threshold, as {@code unmapRange} does. A leaf that went through
     * break-before-make needs no second invalidation.
     *
     * @param va the first VA, 4 KiB aligned
     * @param size the length, a positive multiple of 4 KiB
     * @param attributes the new attributes
     * @throws MisalignedAddressException if VA or size is not 4 KiB aligned
     * @throws AddressRangeException if the range leaves this half
     * @throws NotMappedException if a page of the range is not mapped
     * @throws PageTableOutOfMemoryException if a block split needed a table and none was free
     */
    public void protect(long va, long size, Attributes attributes) {
        checkLive();
        checkVa(va, size);
        Objects.requireNonNull(attributes, "attributes");
        long end = va + size;
        long hole = firstUnmapped(root, startLevel, halfStart(), va, end);
        if (hole != Long.MIN_VALUE) {
            throw new NotMappedException(hole, "not mapped (inside the range " + hex(va) + " + " + hex(size) + ")");
        }
        splitEnds(va, end);
        leafCount = 0;
        protectRec(root, startLevel, halfStart(), va, end, attributes);
        tlb.dsb();
        if (invalidateLeaves(size)) {
            tlb.dsb();
        }
    }

    /**
     * Tells whether a live leaf may change from {@code old} to {@code neu} in place, without
     * break-before-make (the rule of Linux's {@code pgattr_change_is_safe()}, for what a
     * descriptor of this library can hold): same output address, same AttrIndx, SH and NS, and
     * nG not going from 1 to 0.
     *
     * @param old the live descriptor
     * @param neu the descriptor to write
     * @return true if writing {@code neu} over {@code old} in place is safe
     */
    static boolean changeIsSafeInPlace(long old, long neu) {
        long mustMatch = Descriptor.OA_MASK | Descriptor.TYPE_MASK
                | Descriptor.field(Descriptor.ATTR_INDX_SHIFT, Descriptor.ATTR_INDX_WIDTH)
                | Descriptor.field(Descriptor.SH_SHIFT, Descriptor.SH_WIDTH)
                | Descriptor.bit(Descriptor.NS_BIT);
        long ng = Descriptor.bit(Descriptor.NG_BIT);
        return ((old ^ neu) & mustMatch) == 0 && (old & ~neu & ng) == 0;
    }

    private void protectRec(long table, int level, long base, long va, long end, Attributes attr) {
        long span = span(level);
        long newBits = attr.bits();
        for (int i = index(Math.max(va, base), level); i < ENTRIES; i++) {
            long eva = base + (long) i * span;
            if (eva >= end) {
                break;
            }
            long d = read(table, i);
            if (Descriptor.isLeaf(d, level)) {
                long nd = (d & ~Descriptor.LEAF_ATTRIBUTE_MASK) | newBits;
                if (nd == d) {
                    continue; // nothing changes: nothing to write or invalidate
                }
                if (!changeIsSafeInPlace(d, nd)) {
                    // break-before-make: the old entry is gone from every TLB before the new one is written
                    write(table, i, 0);
                    tlb.dsb();
                    if (invalidateLeaf(eva, allAsids(d))) {
                        tlb.dsb();
                    }
                    write(table, i, nd);
                    continue;
                }
                write(table, i, nd);
                ensureLeafScratch();
                leafVa[leafCount] = eva;
                leafGlobal[leafCount] = allAsids(d) || allAsids(nd);
                leafTableFreed[leafCount] = false;
                leafCount++;
            } else if (Descriptor.isTable(d, level)) {
                protectRec(Descriptor.address(d), level + 1, eva, Math.max(va, eva), Math.min(end, eva + span), attr);
            }
        }
    }

    // ================================================================== reclamation, destroy

    /**
     * Frees every empty intermediate table that covers part of {@code [va, va + size)}, level by
     * level upward, never the root: the explicit counterpart of eager reclamation. Each freed
     * table gets an all-levels invalidation of a VA it covered before it goes back.
     *
     * @param va the first VA, 4 KiB aligned
     * @param size the length, a positive multiple of 4 KiB
     * @return the number of tables freed
     * @throws MisalignedAddressException if VA or size is not 4 KiB aligned
     * @throws AddressRangeException if the range leaves this half
     */
    public int reclaimEmptyTables(long va, long size) {
        checkLive();
        checkVa(va, size);
        freedCount = 0;
        reclaimRec(root, startLevel, halfStart(), va, va + size);
        int n = freedCount;
        if (n == 0) {
            return 0;
        }
        tlb.dsb();
        for (int k = 0; k < n; k++) {
            invalidateAllLevels(freedVa[k], half == Half.UPPER);
        }
        tlb.dsb();
        releaseQueued();
        return n;
    }

    private void reclaimRec(long table, int level, long base, long va, long end) {
        long span = span(level);
        for (int i = index(Math.max(va, base), level); i < ENTRIES; i++) {
            long eva = base + (long) i * span;
            if (eva >= end) {
                break;
            }
            long d = read(table, i);
            if (!Descriptor.isTable(d, level)) {
                continue;
            }
            long child = Descriptor.address(d);
            reclaimRec(child, level + 1, eva, Math.max(va, eva), Math.min(end, eva + span));
            if (counts.count(child) == 0 && counts.owned(child)) {
                write(table, i, 0);
                counts.add(table, -1);
                queueFree(child, level + 1, eva);
            }
        }
    }

    /**
     * Frees every table, the root included, after invalidating everything cached from it: upper
     * half VMALLE1; lower half ASIDE1 of its ASID, plus VAAE1 of each global leaf (ASIDE1 leaves
     * global entries), or VMALLE1 alone when there are more global leaves than the range
     * threshold. With {@link #NO_ASID} the ASIDE1 is skipped. The frames the leaves mapped belong
     * to the caller and are not touched. The page table cannot be used afterwards.
     *
     * @return the number of table frames given back
     */
    public int destroy() {
        checkLive();
        List<Long> all = tables();
        freedCount = 0;
        leafCount = 0;
        walk((level, index, va, tablePa, d) -> {
            if (Descriptor.isTable(d, level)) {
                queueFree(Descriptor.address(d), level + 1, va);
            } else if (Descriptor.isLeaf(d, level) && allAsids(d)) {
                ensureLeafScratch();
                leafVa[leafCount] = va;
                leafGlobal[leafCount] = true;
                leafTableFreed[leafCount] = true;
                leafCount++;
            }
        });
        tlb.dsb();
        if (invalidateMany(true)) {
            tlb.dsb();
        }
        // children after parents were queued; free deepest first for tidy logs
        for (int i = freedCount - 1, j = 0; i > j; i--, j++) {
            long t = freed[i];
            freed[i] = freed[j];
            freed[j] = t;
            long v = freedVa[i];
            freedVa[i] = freedVa[j];
            freedVa[j] = v;
            int lv = freedLevel[i];
            freedLevel[i] = freedLevel[j];
            freedLevel[j] = lv;
        }
        queueFree(root, startLevel, halfStart());
        releaseQueued();
        destroyed = true;
        return all.size();
    }

    @Override
    public String toString() {
        return "PageTable[" + describeHalf() + ", root " + hex(root) + ", ASID " + (asid == NO_ASID ? "none" : asid) + ", " + reclaimMode + "]";
    }
}
