package dev.levitate.core.alloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The reference model: a sorted set of free block addresses per order (the design of Rust's
 * buddy_system_allocator), replaying the real allocator's choices and checking they are legal.
 */
final class ReferenceBuddy {
    static final long PAGE = 4096;

    final int maxOrder;
    final List<long[]> regions;
    final List<TreeSet<Long>> free = new ArrayList<>();
    final List<long[]> live = new ArrayList<>();

    private ReferenceBuddy(int maxOrder, List<long[]> regions) {
        this.maxOrder = maxOrder;
        this.regions = regions;
        for (int k = 0; k <= maxOrder; k++) {
            free.add(new TreeSet<>());
        }
    }

    /**
     * Takes the allocator's initial free blocks after checking they tile exactly the frames that
     * are in a region and not reserved, each aligned to its size.
     */
    static ReferenceBuddy fromTiling(BuddyAllocatorProperties.Layout layout, BuddyAllocator real) {
        ReferenceBuddy m = new ReferenceBuddy(real.maxOrder(), layout.regions());
        Set<Long> usable = new HashSet<>();
        for (long[] r : layout.regions()) {
            for (long pa = r[0]; pa < r[1]; pa += PAGE) {
                boolean reserved = false;
                for (long[] x : layout.reserved()) {
                    reserved |= pa + PAGE > x[0] && pa < x[1];
                }
                if (!reserved) {
                    usable.add(pa);
                }
            }
        }
        Set<Long> covered = new HashSet<>();
        for (int k = 0; k <= real.maxOrder(); k++) {
            for (long b : real.freeBlocks(k)) {
                assertEquals(0, b % (PAGE << k), "block misaligned");
                m.free.get(k).add(b);
                for (long pa = b; pa < b + (PAGE << k); pa += PAGE) {
                    assertTrue(usable.contains(pa), "free block covers unusable frame " + Long.toHexString(pa));
                    assertTrue(covered.add(pa), "free blocks overlap at " + Long.toHexString(pa));
                }
            }
        }
        assertEquals(usable, covered, "free blocks must cover every usable frame");
        return m;
    }

    List<long[]> live() {
        return live;
    }

    boolean isLive(long pa, int order) {
        for (long[] b : live) {
            if (b[0] == pa && b[1] == order) {
                return true;
            }
        }
        return false;
    }

    boolean canAllocate(int order) {
        for (int j = order; j <= maxOrder; j++) {
            if (!free.get(j).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** Replays an allocation at {@code pa}: it must lie in a free block of order >= k. */
    void allocateAt(long pa, int k) {
        for (int j = k; j <= maxOrder; j++) {
            long h = pa & -(PAGE << j);
            if (free.get(j).remove(h)) {
                while (j > k) {
                    j--;
                    long half = PAGE << j;
                    long other = (pa & half) != 0 ? h : h + half;
                    free.get(j).add(other);
                    h = (pa & half) != 0 ? h + half : h;
                }
                assertEquals(pa, h);
                live.add(new long[] {pa, k});
                return;
            }
        }
        fail("allocator returned " + Long.toHexString(pa) + " order " + k + ", which the model has not free");
    }

    void free(long pa, int k) {
        boolean removed = live.removeIf(b -> b[0] == pa && b[1] == k);
        assertTrue(removed, "model: not live");
        long b = pa;
        int j = k;
        while (j < maxOrder) {
            long buddy = b ^ (PAGE << j);
            if (!sameRegion(b, buddy) || !free.get(j).remove(buddy)) {
                break;
            }
            b = Math.min(b, buddy);
            j++;
        }
        free.get(j).add(b);
    }

    /** Blocks merge only inside one region (a region is a zone; zones never merge). */
    private boolean sameRegion(long a, long b) {
        for (long[] r : regions) {
            if (a >= r[0] && a < r[1]) {
                return b >= r[0] && b < r[1];
            }
        }
        return false;
    }

    long[][] snapshot() {
        long[][] out = new long[maxOrder + 1][];
        for (int k = 0; k <= maxOrder; k++) {
            out[k] = free.get(k).stream().mapToLong(Long::longValue).toArray();
        }
        return out;
    }

    /** Live blocks never overlap, are aligned, lie inside RAM and outside reserved ranges. */
    void checkLiveBlocks(BuddyAllocatorProperties.Layout layout) {
        TreeSet<Long> starts = new TreeSet<>();
        for (long[] b : live) {
            long size = PAGE << b[1];
            assertEquals(0, b[0] % size, "live block misaligned");
            boolean inside = false;
            for (long[] r : layout.regions()) {
                inside |= b[0] >= r[0] && b[0] + size <= r[1];
            }
            assertTrue(inside, "live block outside RAM");
            for (long[] x : layout.reserved()) {
                assertFalse(b[0] < x[1] && b[0] + size > (x[0] & -PAGE), "live block overlaps a reserved range");
            }
            starts.add(b[0]);
        }
        long end = Long.MIN_VALUE;
        for (long s : starts) {
            assertTrue(s >= end, "live blocks overlap at " + Long.toHexString(s));
            for (long[] b : live) {
                if (b[0] == s) {
                    end = s + (PAGE << b[1]);
                }
            }
        }
    }
}
