package dev.levitate.sim.mmu;

import dev.levitate.a64.SystemOperation;

/**
 * Stage-1 translation of the EL1&amp;0 regime with the 4 KiB granule, written from the ARM ARM
 * (D8, "The AArch64 Virtual Memory System Architecture"), independently of levitate-mmu.
 *
 * <h2>What it does</h2>
 * <ul>
 *   <li>VA[55] selects TTBR0_EL1 or TTBR1_EL1; the bits above the input size (64 - TnSZ, TnSZ
 *       clamped to 16..39; the top byte excluded when TCR.TBIn = 1) must all equal VA[55], else a
 *       translation fault at level 0. TCR.EPDn = 1 makes a TLB miss in that half a level-0
 *       translation fault.</li>
 *   <li>The walk starts at level 0, 1 or 2 by input size; table, block (levels 1 and 2) and page
 *       descriptors; APTable, UXNTable and PXNTable limits gathered on the way down; AF = 0 is an
 *       access-flag fault (no hardware update); AP[2:1], UXN, PXN, the implicit PXN of
 *       EL0-writable memory, and SCTLR.WXN; memory type from MAIR_EL1 (Device when the
 *       attribute's high nibble is 0).</li>
 *   <li>A {@link Tlb} tagged by ASID (TCR.A1 picks TTBR0's or TTBR1's; TCR.AS = 0 keeps 8 bits)
 *       and nG, a {@link WalkCache}, and a micro-TLB of the last page per access kind and EL, so
 *       a hit costs one compare. Entries are never filled for faulting descriptors.</li>
 *   <li>Every TLBI of the EL1&amp;0 regime with its exact scope ({@link #tlbi}).</li>
 * </ul>
 * With SCTLR_EL1.M = 0 a VA is its PA (a VA above 48 bits is a level-0 address size fault) and
 * data accesses are Device memory.
 *
 * <h2>Results</h2>
 * {@link #translate} returns the PA, or {@link #FAULT} with {@link #faultStatus()} holding the
 * fault status code (the DFSC/IFSC of the syndrome) — no exception, no allocation.
 *
 * <p>Not thread-safe.
 */
public final class Mmu {
    /** A data read. */
    public static final int READ = 0;
    /** A data write. */
    public static final int WRITE = 1;
    /** An instruction fetch. */
    public static final int EXEC = 2;

    /** Permission bit: EL0 may read. */
    public static final int PERM_EL0_R = 1;
    /** Permission bit: EL0 may write. */
    public static final int PERM_EL0_W = 2;
    /** Permission bit: EL0 may execute. */
    public static final int PERM_EL0_X = 4;
    /** Permission bit: EL1 may read. */
    public static final int PERM_EL1_R = 8;
    /** Permission bit: EL1 may write. */
    public static final int PERM_EL1_W = 16;
    /** Permission bit: EL1 may execute. */
    public static final int PERM_EL1_X = 32;
    /** Attribute bit: Device memory (unaligned accesses fault). */
    public static final int PERM_DEVICE = 64;

    /** The result of a faulting translation. */
    public static final long FAULT = -1L;

    /** Fault status: address size fault, plus the level. */
    public static final int FSC_ADDRESS_SIZE = 0x00;
    /**
     * The physical address size the simulated Cortex-A53 implements (ID_AA64MMFR0_EL1.PARange =
     * 0b0010): 40 bits. An output address at or above 2^40, or an MMU-off access there, is an
     * Address size fault (ARM ARM D8, "Address size configuration").
     */
    public static final int PA_BITS = 40;
    /** Fault status: translation fault, plus the level. */
    public static final int FSC_TRANSLATION = 0x04;
    /** Fault status: access flag fault, plus the level. */
    public static final int FSC_ACCESS_FLAG = 0x08;
    /** Fault status: permission fault, plus the level. */
    public static final int FSC_PERMISSION = 0x0C;
    /** Fault status: synchronous external abort (not on a walk). */
    public static final int FSC_EXTERNAL = 0x10;
    /** Fault status: synchronous external abort on a table walk, plus the level. */
    public static final int FSC_EXTERNAL_WALK = 0x14;
    /** Fault status: alignment fault. */
    public static final int FSC_ALIGNMENT = 0x21;

    /** Reads descriptors for the walker. */
    public interface TableMemory {
        /**
         * Reads a 64-bit little-endian descriptor.
         *
         * @param pa its physical address
         * @return the descriptor (anything when {@link #faulted()})
         */
        long read64(long pa);

        /**
         * Tells whether the last read failed (no memory there), and clears the flag.
         *
         * @return true if it failed
         */
        boolean faulted();
    }

    private final TableMemory memory;
    private final Tlb tlb;
    private final WalkCache walkCache;
    private final TlbStats stats;

    private boolean enabled;
    private long sctlr;
    private long tcr;
    private long ttbr0;
    private long ttbr1;
    private long mair;
    private int currentAsid;

    private final long[] microVpn = new long[6];
    private final long[] microPa = new long[6];

    private int faultStatus;
    private boolean lastDevice;
    private long epoch;
    private Runnable epochListener;
    private final int walkReadCycles;
    private long walkCycles;
    /** The outcome of the last {@link #walkTables} probe (the walk's return value carries the page). */
    private int probeStatus;
    private int probePerm;
    private int probeLevel;
    private int probeShift;
    private boolean probeGlobal;
    private long probeDescriptor;
    private int oaBits = PA_BITS;

    /**
     * Creates an MMU.
     *
     * @param memory where descriptors are read from (physical)
     * @param tlb the TLB
     * @param walkCacheEntries entries of the walk cache (at least 1)
     * @param walkReadCycles cycles each descriptor read costs (see {@link #drainWalkCycles()})
     * @throws IllegalArgumentException if {@code walkCacheEntries} is below 1
     */
    public Mmu(TableMemory memory, Tlb tlb, int walkCacheEntries, int walkReadCycles) {
        if (walkCacheEntries < 1) {
            throw new IllegalArgumentException("walk cache needs at least one entry, got " + walkCacheEntries);
        }
        this.memory = memory;
        this.tlb = tlb;
        this.stats = tlb.stats;
        this.walkCache = new WalkCache(walkCacheEntries);
        this.walkReadCycles = walkReadCycles;
        flushMicro();
    }

    /**
     * Returns the TLB.
     *
     * @return the TLB
     */
    public Tlb tlb() {
        return tlb;
    }

    /** The memory descriptors are read from (for {@link TableTree}). */
    TableMemory tableMemory() {
        return memory;
    }

    /** TCR_EL1 as last set (for {@link TableTree}). */
    long tcr() {
        return tcr;
    }

    /** TTBR1_EL1 when {@code upper}, else TTBR0_EL1, as last set (for {@link TableTree}). */
    long ttbr(boolean upper) {
        return upper ? ttbr1 : ttbr0;
    }

    /**
     * Returns the number of valid walk-cache entries.
     *
     * @return the count
     */
    public int walkCacheSize() {
        return walkCache.size();
    }

    /**
     * Returns a snapshot of the walk cache's valid entries, for teaching tools and tests: the table
     * descriptors of levels 0 to 2 that later walks start below (TLBI VALE1 and VAALE1 leave them;
     * ARM ARM D8.11.2, intermediate caching of translation table walks).
     *
     * @return one record per valid entry, in slot order
     */
    public java.util.List<WalkCacheEntry> walkCacheEntries() {
        return walkCache.entries();
    }

    /**
     * One valid walk-cache entry: the table descriptor at {@code level} for the VAs
     * {@code [va, va + span)} points to the next-level table at {@code table}.
     *
     * @param slot the slot index
     * @param va the first VA the descriptor covers (sign-extended for the TTBR1 half)
     * @param span how many bytes of VA it covers (512 GiB at level 0, 1 GiB at 1, 2 MiB at 2)
     * @param level the level of the table descriptor, 0..2
     * @param table the physical address of the next-level table
     * @param asid the ASID it was walked under (walk-cache entries are tagged like TLB entries)
     */
    public record WalkCacheEntry(int slot, long va, long span, int level, long table, int asid) {
        @Override
        public String toString() {
            return String.format("[%2d] L%d table for va 0x%016x..0x%016x (asid %d) -> next table at pa 0x%010x", slot, level, va,
                    va + span - 1, asid, table);
        }
    }

    /**
     * Sets the translation registers (called on every write to one of them). Changing them does not
     * invalidate the TLB — as on hardware, software must (except that the micro-TLB, which is an
     * implementation detail, is dropped).
     *
     * @param sctlrEl1 SCTLR_EL1 (M, WXN used here)
     * @param tcrEl1 TCR_EL1
     * @param ttbr0El1 TTBR0_EL1
     * @param ttbr1El1 TTBR1_EL1
     * @param mairEl1 MAIR_EL1
     */
    public void setRegime(long sctlrEl1, long tcrEl1, long ttbr0El1, long ttbr1El1, long mairEl1) {
        this.sctlr = sctlrEl1;
        this.tcr = tcrEl1;
        this.ttbr0 = ttbr0El1;
        this.ttbr1 = ttbr1El1;
        this.mair = mairEl1;
        this.enabled = (sctlrEl1 & 1) != 0;
        this.oaBits = outputAddressBits(tcrEl1);
        int a = (int) ((((tcrEl1 >>> 22) & 1) != 0 ? ttbr1El1 : ttbr0El1) >>> 48);
        this.currentAsid = ((tcrEl1 >>> 36) & 1) != 0 ? a & 0xFFFF : a & 0xFF;
        flushMicro();
    }

    /**
     * The output address size of the EL1&amp;0 regime: TCR_EL1.IPS (0b000 = 32 bits, 0b001 = 36,
     * 0b010 = 40; larger or reserved values) capped at the implemented {@link #PA_BITS}, as the ARM
     * ARM requires when IPS names a size larger than the PA size.
     *
     * @param tcrEl1 TCR_EL1
     * @return the number of output address bits, 32..40
     */
    public static int outputAddressBits(long tcrEl1) {
        int ips = (int) (tcrEl1 >>> 32) & 7;
        int bits = ips == 0 ? 32 : ips == 1 ? 36 : PA_BITS;
        return Math.min(bits, PA_BITS);
    }

    /**
     * Tells whether stage-1 translation is on (SCTLR_EL1.M).
     *
     * @return true if on
     */
    public boolean enabled() {
        return enabled;
    }

    /**
     * Returns the ASID translations are tagged with now.
     *
     * @return the current ASID
     */
    public int currentAsid() {
        return currentAsid;
    }

    /**
     * Returns a counter that changes whenever a translation may have changed (TLBI, fill, regime
     * write), so callers that cache a translation (the fetch path) know when to redo it.
     *
     * @return the epoch
     */
    public long epoch() {
        return epoch;
    }

    /**
     * Returns the cycles the walker spent reading descriptors since the last call, and resets the
     * count: the CPU adds them to its clock after each translation.
     *
     * @return cycles
     */
    public long drainWalkCycles() {
        long c = walkCycles;
        walkCycles = 0;
        return c;
    }

    /**
     * Returns the fault status code of the last faulting translation.
     *
     * @return the FSC (6 bits)
     */
    public int faultStatus() {
        return faultStatus;
    }

    /**
     * Tells whether the last successful translation was to Device memory.
     *
     * @return true for Device memory
     */
    public boolean lastDevice() {
        return lastDevice;
    }

    /**
     * Returns the statistics.
     *
     * @return the counters
     */
    public TlbStats stats() {
        return stats;
    }

    private void flushMicro() {
        java.util.Arrays.fill(microVpn, -1L);
        bumpEpoch();
    }

    private void bumpEpoch() {
        epoch++;
        if (epochListener != null) {
            epochListener.run();
        }
    }

    /**
     * Sets who is told, at once, whenever {@link #epoch()} changes: a CPU that caches translations
     * of its own (the fetch page, recent data pages) drops them then, instead of comparing epochs on
     * every access.
     *
     * @param listener the callback, or null
     */
    public void setEpochListener(Runnable listener) {
        this.epochListener = listener;
    }

    /**
     * Translates a VA.
     *
     * @param va the virtual address
     * @param access {@link #READ}, {@link #WRITE} or {@link #EXEC}
     * @param el 0 or 1
     * @return the physical address, or {@link #FAULT} (see {@link #faultStatus()})
     */
    public long translate(long va, int access, int el) {
        int k = access + 3 * el;
        if (microVpn[k] == va >>> 12) {
            stats.hits++;
            lastDevice = false;
            return microPa[k] | (va & 0xFFF);
        }
        return translateSlow(va, access, el, k, false);
    }

    /**
     * What the translation tables say now for {@code va} under the current regime (TTBR0/TTBR1,
     * TCR, MAIR, SCTLR.WXN) and ASID, read from memory as a walk reads them but past the TLB and
     * the walk cache, and changing nothing: no fill, no statistics, no walk cycles, no fault status.
     * A TLB entry whose translation differs from this is stale — still used, as the architecture
     * allows, until a TLBI that covers it (ARM ARM D8, "TLB maintenance"). For teaching tools and
     * {@code levitate run --tlb}.
     *
     * @param va the virtual address
     * @return the walk's outcome: the page and its permissions, or the fault a walk would take
     * @throws IllegalStateException if the MMU is off (there are no tables to read)
     */
    public TableWalk walkTables(long va) {
        if (!enabled) {
            throw new IllegalStateException("the MMU is off: no translation tables to walk for VA 0x" + Long.toHexString(va));
        }
        probeStatus = 0;
        final long page = translateSlow(va, READ, 1, 0, true);
        return page == FAULT ? new TableWalk(va, FAULT, 0, probeStatus & 3, 0, false, probeStatus)
                : new TableWalk(va, page & ~0xFFFL, probePerm, probeLevel, 1L << probeShift, probeGlobal, 0);
    }

    /**
     * Translates a VA as the core would see it now, for a debugger, changing nothing: with the MMU
     * off the VA itself (a VA above 48 bits has none); with it on, the TLB's entry for the VA in the
     * current ASID if there is one (even a stale one: that is what the core uses until a TLBI), or
     * else what the tables say ({@link #walkTables}). No fill, no statistics, no walk cycles, no
     * replacement-order change, no fault status; permissions are not checked (a debugger reads
     * what EL1 could map, as QEMU's debug accesses do).
     *
     * @param va the virtual address
     * @return the physical address, or {@link #FAULT} if there is no translation
     */
    public long translateForDebugger(long va) {
        if (!enabled) {
            return (va >>> 48) != 0 ? FAULT : va;
        }
        boolean upper = ((va >>> 55) & 1) != 0;
        boolean tbi = ((tcr >>> (upper ? 38 : 37)) & 1) != 0;
        long canonical = tbi ? (va << 8) >> 8 : va;
        int inputSize = 64 - clampTsz((int) ((upper ? tcr >>> 16 : tcr) & 63));
        if ((canonical >> inputSize) != (upper ? -1L : 0L)) {
            return FAULT;
        }
        int i = tlb.peek(canonical, currentAsid);
        if (i >= 0) {
            return tlb.pa[i] | (va & 0xFFF);
        }
        TableWalk w = walkTables(va);
        return w.faulted() ? FAULT : w.pa() | (va & 0xFFF);
    }

    /**
     * The permissions ({@link #PERM_EL0_R} and friends) a leaf descriptor grants under the current
     * SCTLR.WXN and MAIR, with the limits gathered from the table descriptors above it (bit 0:
     * APTable[0], bit 1: APTable[1], bit 2: UXNTable, bit 3: PXNTable).
     */
    int leafPermissions(long desc, int limits) {
        return permissions(desc, limits);
    }

    /**
     * An attribute byte of MAIR_EL1 as the regime holds it.
     *
     * @param index AttrIndx, 0..7
     * @return the attribute (0x00 = Device-nGnRnE, 0xFF = Normal write-back, ...)
     */
    public int attribute(int index) {
        return (int) (mair >>> (8 * (index & 7))) & 0xFF;
    }

    /**
     * The leaf descriptor the last successful {@link #walkTables} found (its attribute index,
     * shareability and the rest), for AT's PAR_EL1; 0 before any.
     *
     * @return the 64-bit descriptor
     */
    public long lastWalkDescriptor() {
        return probeDescriptor;
    }

    /**
     * The outcome of {@link #walkTables}.
     *
     * @param va the virtual address walked
     * @param pa the physical page it maps to, or {@link #FAULT}
     * @param permissions the access bits ({@link #PERM_EL0_R} and friends), 0 on a fault
     * @param level the level of the leaf descriptor, or of the fault
     * @param descriptorSize the size the leaf descriptor maps (4 KiB, 2 MiB, 1 GiB); 0 on a fault
     * @param global whether the leaf is global (nG = 0)
     * @param faultStatus 0, or the fault status code a walk would report ({@link #FSC_TRANSLATION}
     *     and friends, plus the level)
     */
    public record TableWalk(long va, long pa, int permissions, int level, long descriptorSize, boolean global, int faultStatus) {
        /**
         * Whether a walk would fault.
         *
         * @return true if there is no valid translation
         */
        public boolean faulted() {
            return faultStatus != 0 || pa == FAULT;
        }
    }

    private long translateSlow(long va, int access, int el, int k, boolean probe) {
        if (!enabled) {
            if ((va >>> PA_BITS) != 0) {
                faultStatus = FSC_ADDRESS_SIZE;
                stats.faults++;
                return FAULT;
            }
            lastDevice = access != EXEC;
            return va;
        }
        boolean upper = ((va >>> 55) & 1) != 0;
        int tsz = clampTsz((int) ((upper ? tcr >>> 16 : tcr) & 63));
        boolean tbi = ((tcr >>> (upper ? 38 : 37)) & 1) != 0;
        int inputSize = 64 - tsz;
        long canonical = tbi ? (va << 8) >> 8 : va;
        long top = canonical >> inputSize; // all ones or all zeros when in range
        if (top != (upper ? -1L : 0L)) {
            return fault(FSC_TRANSLATION, 0, probe);
        }
        int need = 1 << (access + 3 * el);
        if (!probe) {
            int i = tlb.lookup(canonical, currentAsid);
            if (i >= 0) {
                stats.hits++;
                int perm = tlb.perm[i];
                if ((perm & need) == 0) {
                    return fault(FSC_PERMISSION, tlb.level[i]);
                }
                return hit(k, va, tlb.pa[i], perm);
            }
            stats.misses++;
        }
        if (((tcr >>> (upper ? 23 : 7)) & 1) != 0) {
            return fault(FSC_TRANSLATION, 0, probe);
        }
        int tg = (int) (upper ? (tcr >>> 30) & 3 : (tcr >>> 14) & 3);
        if (upper ? tg == 1 || tg == 3 : tg == 1 || tg == 2) {
            return fault(FSC_TRANSLATION, 0, probe); // 16 KiB and 64 KiB granules are not modelled
        }
        return walk(canonical, va, upper, inputSize, access, el, need, k, probe);
    }

    private static int clampTsz(int tsz) {
        return Math.max(16, Math.min(39, tsz));
    }

    private long fault(int fsc, int level) {
        faultStatus = fsc + level;
        stats.faults++;
        return FAULT;
    }

    /** {@link #fault}, or for a {@link #walkTables} probe only its outcome, in {@link #probeStatus}. */
    private long fault(int fsc, int level, boolean probe) {
        if (probe) {
            probeStatus = fsc + level;
            return FAULT;
        }
        return fault(fsc, level);
    }

    private long hit(int k, long va, long pageBase, int perm) {
        lastDevice = (perm & PERM_DEVICE) != 0;
        if (!lastDevice) {
            microVpn[k] = va >>> 12;
            microPa[k] = pageBase;
        }
        return pageBase | (va & 0xFFF);
    }

    /**
     * The table walk (ARM ARM D8, the translation process). A {@code probe} ({@link #walkTables})
     * starts at the TTBR whatever the walk cache holds and changes nothing: no statistics, walk
     * cycles, walk-cache or TLB fill.
     */
    private long walk(long canonical, long va, boolean upper, int inputSize, int access, int el, int need, int k, boolean probe) {
        if (!probe) {
            stats.walks++;
        }
        int level = inputSize > 39 ? 0 : inputSize > 30 ? 1 : 2;
        int startLevel = level;
        long table = (upper ? ttbr1 : ttbr0) & 0x0000_FFFF_FFFF_FFFEL;
        if ((table >>> oaBits) != 0) {
            return fault(FSC_ADDRESS_SIZE, 0, probe); // the TTBR's base address is beyond the output size
        }
        int limits = 0; // bit 0: no EL0 (APTable[0]), bit 1: read-only (APTable[1]), bit 2: UXN, bit 3: PXN
        int wc = probe ? -1 : walkCache.deepest(canonical, currentAsid);
        if (wc >= 0) {
            stats.walkCacheHits++;
            level = walkCache.level(wc) + 1;
            table = walkCache.table(wc);
            limits = walkCache.limits(wc);
        }
        while (true) {
            int shift = WalkCache.shiftOf(level);
            long indexMask = level == startLevel ? (1L << (inputSize - shift)) - 1 : 511;
            long descAddr = (table & ~7L) + ((canonical >>> shift) & indexMask) * 8;
            long desc = memory.read64(descAddr);
            if (!probe) {
                stats.walkReads++;
                walkCycles += walkReadCycles;
            }
            if (memory.faulted()) {
                return fault(FSC_EXTERNAL_WALK, level, probe);
            }
            if ((desc & 1) == 0) {
                return fault(FSC_TRANSLATION, level, probe);
            }
            boolean tableOrPage = (desc & 2) != 0;
            if (level < 3 && tableOrPage) {
                limits |= (int) ((desc >>> 61) & 3) | (int) ((desc >>> 60) & 1) << 2 | (int) ((desc >>> 59) & 1) << 3;
                table = desc & 0x0000_FFFF_FFFF_F000L;
                if ((table >>> oaBits) != 0) {
                    return fault(FSC_ADDRESS_SIZE, level, probe); // next-level table beyond the output size
                }
                if (!probe) {
                    walkCache.insert(canonical, currentAsid, level, table, limits);
                }
                level++;
                continue;
            }
            if (level == 3 ? !tableOrPage : level == 0) {
                return fault(FSC_TRANSLATION, level, probe); // reserved L3 encoding, or a block at level 0
            }
            if (((desc & 0x0000_FFFF_FFFF_F000L) >>> oaBits) != 0) {
                return fault(FSC_ADDRESS_SIZE, level, probe); // output address beyond TCR_EL1.IPS / the PA size
            }
            if ((desc & (1L << 10)) == 0) {
                return fault(FSC_ACCESS_FLAG, level, probe);
            }
            int perm = permissions(desc, limits);
            long blockMask = (1L << shift) - 1;
            long out = desc & 0x0000_FFFF_FFFF_F000L & ~blockMask;
            long pageBase = out | (canonical & blockMask & ~0xFFFL);
            boolean nonGlobal = (desc & (1L << 11)) != 0;
            if (probe) {
                probePerm = perm;
                probeLevel = level;
                probeShift = shift;
                probeGlobal = !nonGlobal;
                probeDescriptor = desc;
                return pageBase;
            }
            tlb.insert(canonical, pageBase, nonGlobal ? currentAsid : Tlb.GLOBAL, shift, level, perm);
            bumpEpoch();
            for (int m = 0; m < 6; m++) {
                if (microVpn[m] != -1L && m != k) {
                    microVpn[m] = -1L; // a fill may have evicted what the micro-TLB points at
                }
            }
            if ((perm & need) == 0) {
                return fault(FSC_PERMISSION, level);
            }
            return hit(k, va, pageBase, perm);
        }
    }

    private int permissions(long desc, int limits) {
        int ap = (int) (desc >>> 6) & 3;
        boolean el0r = (ap & 1) != 0 && (limits & 1) == 0;
        boolean el0w = ap == 1 && (limits & 3) == 0;
        boolean el1w = (ap & 2) == 0 && (limits & 2) == 0;
        boolean uxn = ((desc >>> 54) & 1) != 0 || (limits & 4) != 0;
        boolean pxn = ((desc >>> 53) & 1) != 0 || (limits & 8) != 0 || el0w;
        if ((sctlr & (1L << 19)) != 0) { // WXN: writable means execute-never
            uxn |= el0w;
            pxn |= el1w;
        }
        int attr = (int) (mair >>> (8 * ((desc >>> 2) & 7))) & 0xFF;
        int p = PERM_EL1_R;
        p |= el0r ? PERM_EL0_R : 0;
        p |= el0w ? PERM_EL0_W : 0;
        p |= el1w ? PERM_EL1_W : 0;
        p |= uxn ? 0 : PERM_EL0_X;
        p |= pxn ? 0 : PERM_EL1_X;
        p |= (attr & 0xF0) == 0 ? PERM_DEVICE : 0;
        return p;
    }

    /**
     * Performs a TLB maintenance operation with its architectural scope.
     *
     * <pre>
     *   VMALLE1(IS)  every entry, every walk-cache entry
     *   ASIDE1(IS)   non-global entries of ASID operand[63:48] (with their walk-cache entries)
     *   VAE1(IS)     entries covering VA operand[43:0] &lt;&lt; 12 in that ASID, and global ones; walk cache too
     *   VALE1(IS)    the same, last level only: walk-cache entries stay
     *   VAAE1(IS)    entries covering the VA in any ASID; walk cache too
     *   VAALE1(IS)   the same, last level only
     * </pre>
     * One core: the inner-shareable forms have the same local effect.
     *
     * @param op a TLBI operation
     * @param operand the Xt operand
     * @throws IllegalArgumentException if {@code op} is not a TLBI
     */
    public void tlbi(SystemOperation op, long operand) {
        long va = (operand << 20) >> 8; // VA[55:12] from bits [43:0], sign-extended from VA[55]
        int asidMask = ((tcr >>> 36) & 1) != 0 ? 0xFFFF : 0xFF;
        int asid = (int) (operand >>> 48) & asidMask;
        int removed;
        switch (op) {
            case TLBI_VMALLE1:
            case TLBI_VMALLE1IS:
                removed = tlb.invalidateAll();
                walkCache.invalidateAll();
                break;
            case TLBI_ASIDE1:
            case TLBI_ASIDE1IS:
                removed = tlb.invalidateAsid(asid);
                walkCache.invalidateAsid(asid);
                break;
            case TLBI_VAE1:
            case TLBI_VAE1IS:
                removed = tlb.invalidateVa(va, asid, false);
                walkCache.invalidateVa(va, asid, false);
                break;
            case TLBI_VALE1:
            case TLBI_VALE1IS:
                removed = tlb.invalidateVa(va, asid, false);
                break;
            case TLBI_VAAE1:
            case TLBI_VAAE1IS:
                removed = tlb.invalidateVa(va, 0, true);
                walkCache.invalidateVa(va, 0, true);
                break;
            case TLBI_VAALE1:
            case TLBI_VAALE1IS:
                removed = tlb.invalidateVa(va, 0, true);
                break;
            default:
                throw new IllegalArgumentException(op + " is not a TLB invalidation");
        }
        stats.invalidations[op.ordinal()]++;
        stats.entriesInvalidated += removed;
        flushMicro();
    }

    /**
     * Describes permission bits as {@code EL0 r-x EL1 rw- dev}.
     *
     * @param perm the bits
     * @return the text
     */
    public static String permString(int perm) {
        return "EL0 " + ((perm & PERM_EL0_R) != 0 ? 'r' : '-') + ((perm & PERM_EL0_W) != 0 ? 'w' : '-')
                + ((perm & PERM_EL0_X) != 0 ? 'x' : '-') + " EL1 " + ((perm & PERM_EL1_R) != 0 ? 'r' : '-')
                + ((perm & PERM_EL1_W) != 0 ? 'w' : '-') + ((perm & PERM_EL1_X) != 0 ? 'x' : '-')
                + ((perm & PERM_DEVICE) != 0 ? " device" : "");
    }
}
