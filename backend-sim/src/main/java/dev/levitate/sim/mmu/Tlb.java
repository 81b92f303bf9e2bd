package dev.levitate.sim.mmu;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A set-associative TLB for the EL1&amp;0 stage-1 regime, tagged by ASID and by global/non-global
 * (ARM ARM D8.11, "Translation Lookaside Buffers").
 *
 * <h2>Entries</h2>
 * Each entry translates one 4 KiB page and remembers the size of the descriptor it came from
 * (4 KiB page, 2 MiB or 1 GiB block): a block is splintered into one entry per page touched, and
 * an invalidation by VA removes every entry whose <em>block</em> covers the VA, as the
 * architecture requires. Per entry, in primitive arrays (no object per entry):
 * <pre>
 *   vpn[i]    VA &gt;&gt;&gt; 12 of the page          pa[i]    its physical page base
 *   asid[i]   the ASID, GLOBAL, or INVALID       shift[i] 12, 21 or 30 (descriptor size)
 *   perm[i]   access bits (see {@link Mmu})      level[i] the level of the leaf descriptor
 * </pre>
 * A translation stays here, and keeps being used, until an invalidation covers it or
 * replacement evicts it: stale entries are the point, not a bug.
 *
 * <p>Not thread-safe.
 */
public final class Tlb {
    /** The ASID tag of a global (nG = 0) entry: matches every ASID. */
    static final int GLOBAL = -1;
    /** The ASID tag of an empty slot. */
    static final int INVALID = -2;

    /** How a full set picks its victim. */
    public enum Replacement {
        /** Least recently used. */
        LRU,
        /** Oldest fill first. */
        FIFO,
        /** Pseudo-random from a fixed seed (deterministic run to run). */
        RANDOM
    }

    private final int sets;
    private final int ways;
    private final Replacement replacement;
    final long[] vpn;
    final long[] pa;
    final int[] asid;
    final byte[] shift;
    final byte[] level;
    final int[] perm;
    private final long[] stamp;
    private long clock;
    private final SplittableRandom random = new SplittableRandom(0x5EED);

    final TlbStats stats = new TlbStats();

    /**
     * Creates a TLB.
     *
     * @param entries total entries, a power of two, at least {@code ways}
     * @param ways associativity, a power of two dividing {@code entries}
     * @param replacement the victim policy
     * @throws IllegalArgumentException if the geometry is not powers of two or ways exceed entries
     */
    public Tlb(int entries, int ways, Replacement replacement) {
        if (Integer.bitCount(entries) != 1 || Integer.bitCount(ways) != 1 || ways > entries) {
            throw new IllegalArgumentException("TLB geometry must be powers of two with ways <= entries: entries="
                    + entries + ", ways=" + ways);
        }
        this.sets = entries / ways;
        this.ways = ways;
        this.replacement = java.util.Objects.requireNonNull(replacement);
        this.vpn = new long[entries];
        this.pa = new long[entries];
        this.asid = new int[entries];
        this.shift = new byte[entries];
        this.level = new byte[entries];
        this.perm = new int[entries];
        this.stamp = new long[entries];
        Arrays.fill(asid, INVALID);
    }

    /**
     * Returns the number of entries.
     *
     * @return sets times ways
     */
    public int capacity() {
        return vpn.length;
    }

    /**
     * Returns the statistics (live: they keep counting).
     *
     * @return the counters
     */
    public TlbStats stats() {
        return stats;
    }

    /** Finds the entry for {@code va} in {@code currentAsid}, or -1. Updates LRU order on a hit. */
    int lookup(long va, int currentAsid) {
        long page = va >>> 12;
        int base = ((int) page & (sets - 1)) * ways;
        for (int i = base; i < base + ways; i++) {
            if (vpn[i] == page) {
                int a = asid[i];
                if (a == GLOBAL || (a == currentAsid && a != INVALID)) {
                    if (replacement == Replacement.LRU) {
                        stamp[i] = ++clock;
                    }
                    return i;
                }
            }
        }
        return -1;
    }

    /** {@link #lookup} without touching the replacement order: for debuggers. */
    int peek(long va, int currentAsid) {
        long page = va >>> 12;
        int base = ((int) page & (sets - 1)) * ways;
        for (int i = base; i < base + ways; i++) {
            int a = asid[i];
            if (vpn[i] == page && (a == GLOBAL || (a == currentAsid && a != INVALID))) {
                return i;
            }
        }
        return -1;
    }

    /** Fills an entry for the page of {@code va}; returns its index. */
    int insert(long va, long pageBase, int tag, int descriptorShift, int leafLevel, int permissions) {
        long page = va >>> 12;
        int base = ((int) page & (sets - 1)) * ways;
        int victim = -1;
        for (int i = base; i < base + ways; i++) {
            if (asid[i] == INVALID) {
                victim = i;
                break;
            }
        }
        if (victim < 0) {
            if (replacement == Replacement.RANDOM) {
                victim = base + random.nextInt(ways);
            } else {
                victim = base;
                for (int i = base + 1; i < base + ways; i++) {
                    if (stamp[i] < stamp[victim]) {
                        victim = i;
                    }
                }
            }
            stats.evictions++;
        }
        vpn[victim] = page;
        pa[victim] = pageBase;
        asid[victim] = tag;
        shift[victim] = (byte) descriptorShift;
        level[victim] = (byte) leafLevel;
        perm[victim] = permissions;
        stamp[victim] = ++clock;
        return victim;
    }

    private boolean covers(int i, long va) {
        int s = shift[i];
        return ((vpn[i] << 12) >>> s) == (va >>> s) && ((vpn[i] << 12) >> 63) == (va >> 63);
    }

    /**
     * Invalidates by VA: entries whose descriptor covers {@code va}, in {@code tag} (or in every
     * ASID when {@code allAsids}); global entries always match a VA invalidation.
     */
    int invalidateVa(long va, int tag, boolean allAsids) {
        int n = 0;
        for (int i = 0; i < vpn.length; i++) {
            int a = asid[i];
            if (a != INVALID && (allAsids || a == GLOBAL || a == tag) && covers(i, va)) {
                asid[i] = INVALID;
                n++;
            }
        }
        return n;
    }

    /** Invalidates every non-global entry of an ASID. */
    int invalidateAsid(int tag) {
        int n = 0;
        for (int i = 0; i < vpn.length; i++) {
            if (asid[i] == tag && tag != GLOBAL) {
                asid[i] = INVALID;
                n++;
            }
        }
        return n;
    }

    /** Invalidates everything. */
    int invalidateAll() {
        int n = 0;
        for (int i = 0; i < vpn.length; i++) {
            if (asid[i] != INVALID) {
                asid[i] = INVALID;
                n++;
            }
        }
        return n;
    }

    /**
     * Returns how many entries are valid now, without allocating (a counter track for traces).
     *
     * @return 0 .. the TLB's capacity
     */
    public int validEntries() {
        int n = 0;
        for (int i = 0; i < asid.length; i++) {
            if (asid[i] != INVALID) {
                n++;
            }
        }
        return n;
    }

    /**
     * Returns a snapshot of the valid entries, for teaching tools and tests.
     *
     * @return one line-oriented record per valid entry, in slot order
     */
    public java.util.List<Entry> entries() {
        java.util.List<Entry> out = new java.util.ArrayList<>();
        for (int i = 0; i < vpn.length; i++) {
            if (asid[i] != INVALID) {
                out.add(new Entry(i, vpn[i] << 12, pa[i], asid[i] == GLOBAL, asid[i] == GLOBAL ? 0 : asid[i],
                        1L << shift[i], level[i], perm[i]));
            }
        }
        return out;
    }

    /**
     * One valid TLB entry as seen from outside.
     *
     * @param slot the slot index
     * @param va the VA of the 4 KiB page it translates
     * @param pa the physical page
     * @param global whether it matches every ASID (nG = 0)
     * @param asid the ASID (0 when global)
     * @param descriptorSize the size of the descriptor it came from (4 KiB, 2 MiB or 1 GiB)
     * @param level the level of that descriptor
     * @param permissions the access bits ({@link Mmu#PERM_EL0_R} and friends)
     */
    public record Entry(int slot, long va, long pa, boolean global, int asid, long descriptorSize, int level, int permissions) {
        @Override
        public String toString() {
            return String.format("[%3d] va 0x%016x -> pa 0x%010x %s size %s L%d %s", slot, va, pa,
                    global ? "global " : String.format("asid %-3d", asid),
                    descriptorSize >= 1L << 30 ? "1G" : descriptorSize >= 1L << 21 ? "2M" : "4K", level, Mmu.permString(permissions));
        }
    }
}
