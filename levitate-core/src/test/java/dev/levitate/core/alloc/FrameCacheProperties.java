package dev.levitate.core.alloc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.levitate.core.alloc.BuddyAllocatorProperties.Alloc;
import dev.levitate.core.alloc.BuddyAllocatorProperties.Free;
import dev.levitate.core.alloc.BuddyAllocatorProperties.Layout;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Random allocate/free/drain sequences through a {@link FrameCache} with a small batch and high
 * watermark (so refills and overflows happen all the time), over small layouts with holes and
 * reserved frames, checked step by step against a model that knows only which blocks are
 * allocated: no frame is handed out twice, allocated blocks never overlap, an allocation fails
 * only when no suitable free block exists, every invalid free throws exactly the exception the
 * buddy alone would throw and changes nothing, and freeing everything and draining gives back the
 * fresh buddy.
 */
class FrameCacheProperties {
    static final long PAGE = 4096;
    static final long BASE = BuddyAllocatorProperties.BASE;

    // steps: BuddyAllocatorProperties.Alloc and .Free (the n-th live block), and these two

    /**
     * A free that may be invalid: near a live block (even pick) or a recently freed one (odd pick,
     * likely still in the cache), or near the base when there is none, with some order.
     */
    record BadFree(int pick, long delta, int order) {
        @Override
        public String toString() {
            return String.format("badFree(%s #%d %+d, order %d)", pick % 2 == 0 ? "live" : "freed", pick / 2, delta, order);
        }
    }

    /** drain(). */
    record Drain() {
        @Override
        public String toString() {
            return "drain";
        }
    }

    /** The model: the layout and the allocated blocks (start to order). */
    static final class Model {
        final Layout layout;
        final TreeMap<Long, Integer> live = new TreeMap<>();
        final List<long[]> recentlyFreed = new ArrayList<>();

        Model(Layout layout) {
            this.layout = layout;
        }

        long[] region(long pa) {
            for (long[] r : layout.regions()) {
                if (pa >= r[0] && pa < r[1]) {
                    return r;
                }
            }
            return null;
        }

        boolean reserved(long pa) {
            for (long[] x : layout.reserved()) {
                if (pa + PAGE > x[0] && pa < x[1]) {
                    return true;
                }
            }
            return false;
        }

        /** The live block holding frame {@code pa}, or null. */
        Long liveBlockAt(long pa) {
            Long h = live.floorKey(pa);
            return h != null && pa < h + (PAGE << live.get(h)) ? h : null;
        }

        boolean isFreeFrame(long pa) {
            return region(pa) != null && !reserved(pa) && liveBlockAt(pa) == null;
        }

        /** An aligned order-k block, inside one region, every frame free. */
        boolean isFreeBlock(long h, int k) {
            long[] r = region(h);
            if (r == null || (h & ((PAGE << k) - 1)) != 0 || h + (PAGE << k) > r[1]) {
                return false;
            }
            for (long pa = h; pa < h + (PAGE << k); pa += PAGE) {
                if (!isFreeFrame(pa)) {
                    return false;
                }
            }
            return true;
        }

        boolean anyFreeBlock(int k) {
            for (long[] r : layout.regions()) {
                for (long h = r[0]; h < r[1]; h += PAGE) {
                    if (isFreeBlock(h, k)) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** What the buddy alone would throw for {@code free(pa, k)}; null if the free is valid. */
        Class<? extends RuntimeException> expectedRejection(long pa, int k, int maxOrder) {
            if (k < 0 || k > maxOrder) {
                return IllegalArgumentException.class;
            }
            if ((pa & ((PAGE << k) - 1)) != 0) {
                return MisalignedFrameException.class;
            }
            long[] r = pa < 0 ? null : region(pa);
            if (r == null || pa + (PAGE << k) > r[1]) {
                return ForeignFrameException.class;
            }
            if (reserved(pa)) {
                return ReservedFrameException.class;
            }
            Long h = liveBlockAt(pa);
            if (h == null) {
                return DoubleFreeException.class;
            }
            return h == pa && live.get(h) == k ? null : WrongOrderException.class;
        }

        long usedFrames() {
            long n = 0;
            for (int k : live.values()) {
                n += 1L << k;
            }
            return n;
        }

        long[] usedBlocksPerOrder(int maxOrder) {
            long[] out = new long[maxOrder + 1];
            for (int k : live.values()) {
                out[k]++;
            }
            return out;
        }

        void free(long pa) {
            int k = live.remove(pa);
            recentlyFreed.add(new long[] {pa, k});
            if (recentlyFreed.size() > 8) {
                recentlyFreed.remove(0);
            }
        }
    }

    @Provide
    Arbitrary<Layout> layouts() {
        return new BuddyAllocatorProperties().layouts();
    }

    @Provide
    Arbitrary<List<Object>> ops() {
        Arbitrary<Object> alloc = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just(0)), Tuple.of(3, Arbitraries.integers().between(1, 3)))
                .map(k -> (Object) new Alloc(k));
        Arbitrary<Object> free = Arbitraries.integers().between(0, 1000).map(p -> (Object) new Free(p));
        Arbitrary<Object> bad = Combinators.combine(Arbitraries.integers().between(0, 1000),
                        Arbitraries.longs().between(-4, 4).map(d -> d * PAGE / 2), Arbitraries.integers().between(-1, 4))
                .as((p, d, k) -> (Object) new BadFree(p, d, k));
        Arbitrary<Object> drain = Arbitraries.just((Object) new Drain());
        return Arbitraries.frequencyOf(Tuple.of(6, alloc), Tuple.of(5, free), Tuple.of(2, bad), Tuple.of(1, drain))
                .list().ofMaxSize(150);
    }

    @Property(tries = 300)
    void behavesAsTheBuddyAloneWould(@ForAll("layouts") Layout layout, @ForAll("ops") List<Object> ops,
            @ForAll("batches") int batch, @ForAll("extra") int extra) {
        BuddyAllocator buddy = layout.build();
        long[][] fresh = snapshot(buddy);
        AllocatorStats freshStats = buddy.stats();
        FrameCache cache = new FrameCache(buddy, batch, batch + extra);
        Model model = new Model(layout);
        long total = buddy.totalFrames();
        int maxOrder = buddy.maxOrder();

        for (Object op : ops) {
            if (op instanceof Alloc a) {
                if (a.order() > maxOrder) {
                    assertThrows(IllegalArgumentException.class, () -> cache.tryAllocate(a.order()));
                    continue;
                }
                AllocatorStats before = cache.stats();
                long[][] lists = snapshot(buddy);
                int cached = cache.cachedFrames();
                long pa = cache.tryAllocate(a.order());
                if (pa == PageAllocator.NO_FRAME) {
                    assertTrue(!model.anyFreeBlock(a.order()), "no block handed out, but the model has a free one for " + a);
                    assertEquals(before, cache.stats(), "a refused allocation changed the statistics: " + a);
                    assertSnapshotEquals(lists, snapshot(buddy));
                    assertEquals(cached, cache.cachedFrames(), "a refused allocation drained the cache: " + a);
                } else {
                    assertTrue(model.isFreeBlock(pa, a.order()),
                            "handed out " + Long.toHexString(pa) + " order " + a.order() + ", which is not a free block");
                    model.live.put(pa, a.order());
                }
            } else if (op instanceof Free f) {
                if (model.live.isEmpty()) {
                    continue;
                }
                long pa = new ArrayList<>(model.live.keySet()).get(f.pick() % model.live.size());
                cache.free(pa, model.live.get(pa));
                model.free(pa);
            } else if (op instanceof BadFree bf) {
                long pa = BASE + bf.delta();
                if (bf.pick() % 2 == 0 && !model.live.isEmpty()) {
                    pa = new ArrayList<>(model.live.keySet()).get(bf.pick() / 2 % model.live.size()) + bf.delta();
                } else if (bf.pick() % 2 == 1 && !model.recentlyFreed.isEmpty()) {
                    pa = model.recentlyFreed.get(bf.pick() / 2 % model.recentlyFreed.size())[0] + bf.delta();
                }
                Class<? extends RuntimeException> expected = model.expectedRejection(pa, bf.order(), maxOrder);
                if (expected == null) {
                    cache.free(pa, bf.order());
                    model.free(pa);
                } else {
                    AllocatorStats before = cache.stats();
                    long[][] lists = snapshot(buddy);
                    int cached = cache.cachedFrames();
                    long at = pa;
                    RuntimeException e = assertThrows(RuntimeException.class, () -> cache.free(at, bf.order()), "should be rejected: " + bf);
                    assertEquals(expected, e.getClass(), bf + ": " + e.getMessage());
                    assertEquals(before, cache.stats(), "a rejected free changed the statistics");
                    assertSnapshotEquals(lists, snapshot(buddy));
                    assertEquals(cached, cache.cachedFrames());
                }
            } else if (op instanceof Drain) {
                cache.drain();
                assertSnapshotEquals(canonicalFreeBlocks(layout, model.live), snapshot(buddy));
            }
            assertTrue(cache.cachedFrames() <= cache.high());
            assertEquals(model.usedFrames(), cache.usedFrames());
            assertEquals(total - model.usedFrames(), cache.freeFrames());
            assertArrayEquals(model.usedBlocksPerOrder(maxOrder), cache.stats().usedBlocksPerOrder());
            cache.checkInvariants();
        }
        for (long pa : new ArrayList<>(model.live.keySet())) {
            cache.free(pa, model.live.get(pa));
            model.free(pa);
        }
        assertEquals(0, cache.usedFrames());
        assertEquals(total, cache.freeFrames());
        cache.drain();
        assertSnapshotEquals(fresh, snapshot(buddy));
        assertEquals(freshStats, cache.stats());
        assertEquals(freshStats, buddy.stats());
        cache.checkInvariants();
    }

    @Provide
    Arbitrary<Integer> batches() {
        return Arbitraries.integers().between(1, 4);
    }

    @Provide
    Arbitrary<Integer> extra() {
        return Arbitraries.integers().between(0, 4);
    }

    /**
     * The free blocks a buddy allocator without a cache has when exactly {@code live} is
     * allocated: free buddies always merge, so each free frame lies in the largest aligned block
     * of order at most maxOrder that is inside its region and entirely free.
     */
    static long[][] canonicalFreeBlocks(Layout layout, Collection<long[]> live) {
        TreeMap<Long, Integer> blocks = new TreeMap<>();
        for (long[] b : live) {
            blocks.put(b[0], (int) b[1]);
        }
        return canonicalFreeBlocks(layout, blocks);
    }

    static long[][] canonicalFreeBlocks(Layout layout, TreeMap<Long, Integer> live) {
        Model m = new Model(layout);
        m.live.putAll(live);
        List<List<Long>> out = new ArrayList<>();
        for (int k = 0; k <= layout.maxOrder(); k++) {
            out.add(new ArrayList<>());
        }
        Set<Long> covered = new HashSet<>();
        for (long[] r : layout.regions()) {
            for (long pa = r[0]; pa < r[1]; pa += PAGE) {
                if (covered.contains(pa) || !m.isFreeFrame(pa)) {
                    continue;
                }
                int k = layout.maxOrder();
                while (!m.isFreeBlock(pa & -(PAGE << k), k)) {
                    if (--k < 0) {
                        fail("free frame " + Long.toHexString(pa) + " is in no free block");
                    }
                }
                long h = pa & -(PAGE << k);
                out.get(k).add(h);
                for (long f = h; f < h + (PAGE << k); f += PAGE) {
                    covered.add(f);
                }
            }
        }
        long[][] lists = new long[out.size()][];
        for (int k = 0; k < lists.length; k++) {
            lists[k] = out.get(k).stream().mapToLong(Long::longValue).sorted().toArray();
        }
        return lists;
    }

    static long[][] snapshot(BuddyAllocator a) {
        return BuddyAllocatorProperties.snapshot(a);
    }

    static void assertSnapshotEquals(long[][] expected, long[][] actual) {
        BuddyAllocatorProperties.assertSnapshotEquals(expected, actual);
    }
}
