package dev.levitate.sim.mmu;

import dev.levitate.a64.SystemOperation;

/**
 * Counters of the TLB, the walk cache and the table walker. Live: the simulator keeps counting
 * into the same object; {@link #toString()} prints a summary.
 */
public final class TlbStats {
    long hits;
    long misses;
    long walks;
    long walkReads;
    long walkCacheHits;
    long evictions;
    long faults;
    final long[] invalidations = new long[SystemOperation.values().length];
    long entriesInvalidated;

    TlbStats() {
    }

    /**
     * Returns translations served from the TLB.
     *
     * @return the count
     */
    public long hits() {
        return hits;
    }

    /**
     * Returns translations that missed the TLB (each starts a walk).
     *
     * @return the count
     */
    public long misses() {
        return misses;
    }

    /**
     * Returns table walks performed.
     *
     * @return the count
     */
    public long walks() {
        return walks;
    }

    /**
     * Returns descriptor reads from memory by the walker (one per level walked below the walk cache).
     *
     * @return the count
     */
    public long walkReads() {
        return walkReads;
    }

    /**
     * Returns walks that started below the root thanks to a walk-cache entry.
     *
     * @return the count
     */
    public long walkCacheHits() {
        return walkCacheHits;
    }

    /**
     * Returns valid entries replaced to make room.
     *
     * @return the count
     */
    public long evictions() {
        return evictions;
    }

    /**
     * Returns translations that ended in a fault.
     *
     * @return the count
     */
    public long faults() {
        return faults;
    }

    /**
     * Returns how many times a TLBI operation ran.
     *
     * @param op a TLBI operation
     * @return the count
     */
    public long invalidations(SystemOperation op) {
        return invalidations[op.ordinal()];
    }

    /**
     * Returns the TLB entries removed by TLBI operations (walk-cache entries not included).
     *
     * @return the count
     */
    public long entriesInvalidated() {
        return entriesInvalidated;
    }

    /**
     * Returns the mean descriptor reads per walk.
     *
     * @return reads / walks, or 0 before the first walk
     */
    public double readsPerWalk() {
        return walks == 0 ? 0 : (double) walkReads / walks;
    }

    @Override
    public String toString() {
        StringBuilder tlbi = new StringBuilder();
        for (SystemOperation op : SystemOperation.values()) {
            if (op.isTlbi() && invalidations[op.ordinal()] != 0) {
                tlbi.append(' ').append(op.name().substring(5).toLowerCase(java.util.Locale.ROOT)).append('=')
                        .append(invalidations[op.ordinal()]);
            }
        }
        return String.format("TLB hits %d, misses %d, walks %d (%.2f reads/walk, %d from the walk cache), evictions %d,"
                + " faults %d; TLBI%s", hits, misses, walks, readsPerWalk(), walkCacheHits, evictions, faults,
                tlbi.length() == 0 ? " none" : tlbi.toString());
    }
}
