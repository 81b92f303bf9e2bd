package dev.levitate.core.alloc;

import java.util.Arrays;

/**
 * An immutable snapshot of a {@link PageAllocator}'s counters.
 *
 * @param freeBlocksPerOrder number of free blocks of each order, index = order
 * @param usedBlocksPerOrder number of allocated blocks of each order, index = order
 * @param freeFrames free 4 KiB frames in all
 * @param usedFrames allocated 4 KiB frames in all
 */
public record AllocatorStats(long[] freeBlocksPerOrder, long[] usedBlocksPerOrder, long freeFrames, long usedFrames) {

    /**
     * Copies the arrays so the snapshot cannot change.
     *
     * @param freeBlocksPerOrder the {@code freeBlocksPerOrder} component, as described on the record
     * @param usedBlocksPerOrder the {@code usedBlocksPerOrder} component, as described on the record
     * @param freeFrames the {@code freeFrames} component, as described on the record
     * @param usedFrames the {@code usedFrames} component, as described on the record
     */
    public AllocatorStats {
        freeBlocksPerOrder = freeBlocksPerOrder.clone();
        usedBlocksPerOrder = usedBlocksPerOrder.clone();
    }

    /**
     * Returns the free blocks of each order (a copy).
     *
     * @return free block counts, index = order
     */
    @Override
    public long[] freeBlocksPerOrder() {
        return freeBlocksPerOrder.clone();
    }

    /**
     * Returns the allocated blocks of each order (a copy).
     *
     * @return used block counts, index = order
     */
    @Override
    public long[] usedBlocksPerOrder() {
        return usedBlocksPerOrder.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AllocatorStats a
                && Arrays.equals(freeBlocksPerOrder, a.freeBlocksPerOrder)
                && Arrays.equals(usedBlocksPerOrder, a.usedBlocksPerOrder)
                && freeFrames == a.freeFrames && usedFrames == a.usedFrames;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(freeBlocksPerOrder) + Arrays.hashCode(usedBlocksPerOrder) + Long.hashCode(freeFrames);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("free ").append(freeFrames).append(" frames, used ").append(usedFrames).append(" frames; free blocks by order:");
        for (int k = 0; k < freeBlocksPerOrder.length; k++) {
            if (freeBlocksPerOrder[k] != 0) {
                sb.append(' ').append(k).append('=').append(freeBlocksPerOrder[k]);
            }
        }
        return sb.toString();
    }
}
