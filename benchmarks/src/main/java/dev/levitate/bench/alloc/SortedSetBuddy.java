package dev.levitate.bench.alloc;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The peer design for the allocator benchmark: a buddy allocator keeping one sorted set of free
 * block addresses per order, as Rust's buddy_system_allocator does (BTreeSet per order), boxed
 * {@code Long}s and all. No validation of frees (that crate has none either).
 */
public final class SortedSetBuddy {
    private static final long PAGE = 4096;
    private final List<TreeSet<Long>> free = new ArrayList<>();
    private final int maxOrder;

    /**
     * Creates the allocator over {@code [base, base + size)}.
     *
     * @param base first address, 4 KiB aligned
     * @param size bytes, multiple of 4 KiB
     * @param maxOrder highest order
     */
    public SortedSetBuddy(long base, long size, int maxOrder) {
        this.maxOrder = maxOrder;
        for (int k = 0; k <= maxOrder; k++) {
            free.add(new TreeSet<>());
        }
        long pa = base;
        long end = base + size;
        while (pa < end) {
            int k = Math.min(maxOrder, Long.numberOfTrailingZeros(pa >>> 12));
            while (pa + (PAGE << k) > end) {
                k--;
            }
            free.get(k).add(pa);
            pa += PAGE << k;
        }
    }

    /**
     * Allocates a block of order {@code k}.
     *
     * @param k the order
     * @return the address, or -1
     */
    public long allocate(int k) {
        for (int j = k; j <= maxOrder; j++) {
            TreeSet<Long> set = free.get(j);
            if (!set.isEmpty()) {
                long pa = set.pollFirst();
                while (j > k) {
                    j--;
                    free.get(j).add(pa + (PAGE << j));
                }
                return pa;
            }
        }
        return -1;
    }

    /**
     * Frees a block of order {@code k}, merging with free buddies.
     *
     * @param pa the address
     * @param k the order
     */
    public void free(long pa, int k) {
        while (k < maxOrder) {
            long buddy = pa ^ (PAGE << k);
            if (!free.get(k).remove(buddy)) {
                break;
            }
            pa = Math.min(pa, buddy);
            k++;
        }
        free.get(k).add(pa);
    }
}
