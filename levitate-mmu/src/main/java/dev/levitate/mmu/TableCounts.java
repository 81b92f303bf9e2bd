package dev.levitate.mmu;

/**
 * Per-table bookkeeping in a side array indexed by frame number, like Linux's {@code struct page}:
 * for every frame that a {@link PageTable} allocated as a translation table, the number of valid
 * entries it holds. Reclaiming an empty table is then O(1), not a 512-entry scan.
 *
 * <pre>
 *   pfn = pa &gt;&gt;&gt; 12   (36 bits)
 *   slots[pfn &gt;&gt;&gt; 24][(pfn &gt;&gt;&gt; 12) &amp; 4095][pfn &amp; 4095]   a short, allocated per 16 MiB on first use
 *   0            the frame is not a table this page table owns
 *   1 + n        an owned table with n valid entries (0..512)
 * </pre>
 * Keeping ownership here is what stops reclamation from freeing a table that never came from the
 * allocator (the original kernel's mistake 3).
 */
final class TableCounts {
    private static final int CHUNK_BITS = 12;
    private static final int CHUNK = 1 << CHUNK_BITS;
    private static final int CHUNK_MASK = CHUNK - 1;
    private static final int TOP_SHIFT = 2 * CHUNK_BITS;

    private final short[][][] slots = new short[1 << (36 - TOP_SHIFT)][][];

    /** The chunk last returned and its key ({@code pfn >>> 12}): tables cluster in a few chunks. */
    private long lastKey = -1;
    private short[] lastChunk;

    /** The chunk of frame {@code pfn}, created if missing: the cached one in the common case. */
    private short[] chunk(long pfn) {
        return pfn >>> CHUNK_BITS == lastKey ? lastChunk : miss(pfn, true);
    }

    private short[] miss(long pfn, boolean create) {
        short[] c = lookUp(pfn, create);
        if (c != null) {
            lastKey = pfn >>> CHUNK_BITS;
            lastChunk = c;
        }
        return c;
    }

    private short[] lookUp(long pfn, boolean create) {
        int top = (int) (pfn >>> TOP_SHIFT);
        short[][] mid = slots[top];
        if (mid == null) {
            if (!create) {
                return null;
            }
            mid = slots[top] = new short[CHUNK][];
        }
        int m = (int) (pfn >>> CHUNK_BITS) & CHUNK_MASK;
        short[] c = mid[m];
        if (c == null && create) {
            c = mid[m] = new short[CHUNK];
        }
        return c;
    }

    /** Marks a frame as an owned table with {@code valid} valid entries. */
    void own(long pa, int valid) {
        long pfn = pa >>> 12;
        chunk(pfn)[(int) pfn & CHUNK_MASK] = (short) (1 + valid);
    }

    /** Forgets a frame (it went back to the allocator). */
    void disown(long pa) {
        long pfn = pa >>> 12;
        chunk(pfn)[(int) pfn & CHUNK_MASK] = 0;
    }

    private short slot(long pa) {
        long pfn = pa >>> 12;
        short[] c = pfn >>> CHUNK_BITS == lastKey ? lastChunk : miss(pfn, false);
        return c == null ? 0 : c[(int) pfn & CHUNK_MASK];
    }

    boolean owned(long pa) {
        return slot(pa) != 0;
    }

    /** Returns the valid-entry count of an owned table. */
    int count(long pa) {
        return slot(pa) - 1;
    }

    /** Adds {@code delta} to an owned table's count and returns the new count. */
    int add(long pa, int delta) {
        long pfn = pa >>> 12;
        short[] c = chunk(pfn);
        int i = (int) pfn & CHUNK_MASK;
        int v = c[i] + delta;
        c[i] = (short) v;
        return v - 1;
    }
}
