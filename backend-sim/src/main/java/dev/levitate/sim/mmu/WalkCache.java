package dev.levitate.sim.mmu;

import java.util.Arrays;

/**
 * A walk cache: table descriptors of levels 0 to 2 that the walker read, so that the next walk
 * under the same table starts below the root (ARM ARM D8.11.2, "intermediate caching of
 * translation table walks"). Fully associative, FIFO, tagged by ASID like the TLB.
 *
 * <p>Entry {@code i} says: for VAs whose bits above {@code shift} equal {@code prefix}, the table
 * descriptor at {@code level} points to {@code table}, with the hierarchical permission limits
 * {@code limits} (APTable, UXNTable, PXNTable gathered on the way down).
 *
 * <p>Only the all-levels invalidations (TLBI VAE1, VAAE1, ASIDE1, VMALLE1) remove entries; the
 * last-level forms (VALE1, VAALE1) leave them, as the architecture allows a walk cache to.
 */
final class WalkCache {
    private final long[] prefix;
    private final long[] table;
    private final byte[] level;
    private final int[] asid;
    private final int[] limits;
    private int next;

    WalkCache(int entries) {
        prefix = new long[entries];
        table = new long[entries];
        level = new byte[entries];
        asid = new int[entries];
        limits = new int[entries];
        Arrays.fill(asid, Tlb.INVALID);
    }

    static int shiftOf(int level) {
        return 12 + 9 * (3 - level);
    }

    /** The deepest entry covering {@code va} for {@code tag}, or -1. */
    int deepest(long va, int tag) {
        int best = -1;
        for (int i = 0; i < prefix.length; i++) {
            if (asid[i] == tag && prefix[i] == va >> shiftOf(level[i]) && (best < 0 || level[i] > level[best])) {
                best = i;
            }
        }
        return best;
    }

    int level(int i) {
        return level[i];
    }

    long table(int i) {
        return table[i];
    }

    int limits(int i) {
        return limits[i];
    }

    void insert(long va, int tag, int lvl, long nextTable, int lim) {
        int i = next;
        next = (next + 1) % prefix.length;
        prefix[i] = va >> shiftOf(lvl);
        level[i] = (byte) lvl;
        table[i] = nextTable;
        asid[i] = tag;
        limits[i] = lim;
    }

    int invalidateVa(long va, int tag, boolean allAsids) {
        int n = 0;
        for (int i = 0; i < prefix.length; i++) {
            if (asid[i] != Tlb.INVALID && (allAsids || asid[i] == tag) && prefix[i] == va >> shiftOf(level[i])) {
                asid[i] = Tlb.INVALID;
                n++;
            }
        }
        return n;
    }

    int invalidateAsid(int tag) {
        int n = 0;
        for (int i = 0; i < prefix.length; i++) {
            if (asid[i] == tag) {
                asid[i] = Tlb.INVALID;
                n++;
            }
        }
        return n;
    }

    void invalidateAll() {
        Arrays.fill(asid, Tlb.INVALID);
    }

    /** The valid entries, in slot order (see {@link Mmu#walkCacheEntries}). */
    java.util.List<Mmu.WalkCacheEntry> entries() {
        java.util.List<Mmu.WalkCacheEntry> out = new java.util.ArrayList<>();
        for (int i = 0; i < prefix.length; i++) {
            if (asid[i] != Tlb.INVALID) {
                out.add(new Mmu.WalkCacheEntry(i, prefix[i] << shiftOf(level[i]), 1L << shiftOf(level[i]), level[i], table[i], asid[i]));
            }
        }
        return out;
    }

    int size() {
        int n = 0;
        for (int a : asid) {
            if (a != Tlb.INVALID) {
                n++;
            }
        }
        return n;
    }
}
