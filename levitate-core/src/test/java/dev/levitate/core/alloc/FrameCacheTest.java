package dev.levitate.core.alloc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.core.mem.PhysicalMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FrameCacheTest {
    static final long BASE = 0x4000_0000L;
    static final long PAGE = 4096;

    private static long[][] freeLists(BuddyAllocator b) {
        long[][] out = new long[b.maxOrder() + 1][];
        for (int k = 0; k <= b.maxOrder(); k++) {
            out[k] = b.freeBlocks(k);
        }
        return out;
    }

    private static void assertListsEqual(long[][] expected, long[][] actual) {
        for (int k = 0; k < expected.length; k++) {
            assertArrayEquals(expected[k], actual[k], "free blocks of order " + k);
        }
    }

    // ---- the rules: LIFO reuse, refill, high watermark, drain on failure

    @Test
    void aFreedFrameIsTheNextOneHandedOut() {
        FrameCache c = new FrameCache(BuddyAllocator.forRegion(BASE, 64 * PAGE), 4, 8);
        long a = c.allocate(0);
        long b = c.allocate(0);
        c.free(a, 0);
        c.free(b, 0);
        assertEquals(b, c.allocate(0));
        assertEquals(a, c.allocate(0));
        c.checkInvariants();
    }

    @Test
    void anEmptyCacheRefillsOneBatchInTheBuddysOrder() {
        BuddyAllocator buddy = BuddyAllocator.forRegion(BASE, 64 * PAGE);
        FrameCache c = new FrameCache(buddy, 4, 8);
        assertEquals(BASE, c.allocate(0));
        assertEquals(3, c.cachedFrames());
        assertEquals(4, buddy.usedFrames(), "the buddy sees the whole batch as allocated");
        assertEquals(1, c.usedFrames());
        assertEquals(63, c.freeFrames());
        assertEquals(BASE + PAGE, c.allocate(0));
        assertEquals(BASE + 2 * PAGE, c.allocate(0));
        assertEquals(BASE + 3 * PAGE, c.allocate(0));
        assertEquals(0, c.cachedFrames());
        assertEquals(BASE + 4 * PAGE, c.allocate(0), "the second refill");
        assertEquals(3, c.cachedFrames());
        c.checkInvariants();
    }

    @Test
    void aRefillTakesWhatIsLeftWhenTheBuddyHasLessThanABatch() {
        FrameCache c = new FrameCache(BuddyAllocator.forRegion(BASE, 2 * PAGE), 4, 8);
        assertEquals(BASE, c.allocate(0));
        assertEquals(BASE + PAGE, c.allocate(0));
        assertEquals(PageAllocator.NO_FRAME, c.tryAllocate(0));
        OutOfFramesException e = assertThrows(OutOfFramesException.class, () -> c.allocate(0));
        assertEquals(0, e.order());
        assertEquals(2, c.usedFrames());
        c.checkInvariants();
    }

    @Test
    void passingTheHighWatermarkGivesTheOldestBatchBack() {
        BuddyAllocator buddy = BuddyAllocator.forRegion(BASE, 64 * PAGE);
        FrameCache c = new FrameCache(buddy, 4, 8);
        long[] f = new long[9];
        for (int i = 0; i < f.length; i++) {
            f[i] = c.allocate(0);
            assertEquals(BASE + i * PAGE, f[i]);
        }
        assertEquals(3, c.drain(), "the spare frames of the last refill");
        for (int i = 0; i < 8; i++) {
            c.free(f[i], 0);
        }
        assertEquals(8, c.cachedFrames(), "at the watermark, not past it: all kept");
        assertFalse(contains(buddy.freeBlocks(2), BASE));
        c.free(f[8], 0);
        assertEquals(5, c.cachedFrames(), "past the watermark: the batch of the four oldest went back");
        assertTrue(contains(buddy.freeBlocks(2), BASE), "frames 0..3 merged back into one order-2 block");
        for (int i = 4; i < 9; i++) {
            long pa = f[i];
            assertThrows(DoubleFreeException.class, () -> c.free(pa, 0), "still cached, still free");
        }
        assertEquals(f[8], c.allocate(0), "LIFO: the last freed first");
        assertEquals(f[7], c.allocate(0));
        assertEquals(2, c.usedFrames());
        assertEquals(62, c.freeFrames());
        c.checkInvariants();
    }

    private static boolean contains(long[] blocks, long pa) {
        for (long b : blocks) {
            if (b == pa) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aHigherOrderAllocationThatFailsDrainsTheCacheAndRetries() {
        BuddyAllocator buddy = BuddyAllocator.forRegion(BASE, 8 * PAGE);
        FrameCache c = new FrameCache(buddy, 4, 8);
        long[] f = new long[8];
        for (int i = 0; i < 8; i++) {
            f[i] = c.allocate(0);
        }
        for (long pa : f) {
            c.free(pa, 0);
        }
        assertEquals(8, c.cachedFrames());
        assertEquals(0, buddy.freeFrames(), "every frame sits in the cache");
        assertEquals(BASE, c.allocate(3), "drained, merged, and served");
        assertEquals(0, c.cachedFrames());
        assertEquals(8, c.usedFrames());
        c.free(BASE, 3);
        assertEquals(8, buddy.freeFrames());
        c.checkInvariants();
    }

    @Test
    void aHigherOrderAllocationThatDrainingCannotServeChangesNothing() {
        BuddyAllocator buddy = BuddyAllocator.forRegion(BASE, 8 * PAGE);
        FrameCache c = new FrameCache(buddy, 4, 8);
        long held = c.allocate(0);
        c.allocate(0);
        c.free(held, 0);
        assertEquals(3, c.cachedFrames());
        assertEquals(7, c.freeFrames());
        AllocatorStats before = c.stats();
        long[][] lists = freeLists(buddy);
        assertEquals(PageAllocator.NO_FRAME, c.tryAllocate(3));
        assertThrows(OutOfFramesException.class, () -> c.allocate(3));
        assertEquals(3, c.cachedFrames(), "a refusal changes nothing: the cache was not drained");
        assertEquals(before, c.stats(), "the free blocks per order are as before");
        assertListsEqual(lists, freeLists(buddy));
        assertEquals(1, c.usedFrames());
        assertTrue(c.isAllocated(BASE + PAGE, 0));
        c.checkInvariants();
        assertEquals(BASE + 4 * PAGE, c.allocate(2), "order 2 is served by the buddy without a drain");
        c.free(BASE + 4 * PAGE, 2);
        assertEquals(3, c.cachedFrames());
    }

    @Test
    void aRefusedHigherOrderAllocationLeavesTheCacheAndTheStatisticsAlone() {
        // 8 frames, all order 0 through the cache; 0 and 1 go back to the cache: a drain would
        // merge them into an order-1 block, which is no order-2 block
        BuddyAllocator buddy = BuddyAllocator.forRegion(BASE, 8 * PAGE);
        FrameCache c = new FrameCache(buddy, 2, 4);
        for (int i = 0; i < 8; i++) {
            assertEquals(BASE + i * PAGE, c.allocate(0));
        }
        c.free(BASE, 0);
        c.free(BASE + PAGE, 0);
        AllocatorStats before = c.stats();
        assertEquals(PageAllocator.NO_FRAME, c.tryAllocate(2));
        assertEquals(2, c.cachedFrames());
        assertEquals(before, c.stats());
        c.checkInvariants();
        // order 1 is served by draining: the refusal above did not spend the cache
        assertEquals(BASE, c.allocate(1));
        assertEquals(0, c.cachedFrames());
        c.checkInvariants();
    }

    @Test
    void higherOrdersGoStraightToTheBuddy() {
        BuddyAllocator buddy = BuddyAllocator.forRegion(BASE, 64 * PAGE);
        FrameCache c = new FrameCache(buddy, 4, 8);
        long b = c.allocate(2);
        assertEquals(0, c.cachedFrames());
        assertTrue(buddy.isAllocated(b, 2));
        c.free(b, 2);
        assertEquals(0, c.cachedFrames());
        assertEquals(64, buddy.freeFrames());
        assertThrows(IllegalArgumentException.class, () -> c.tryAllocate(21));
        assertThrows(IllegalArgumentException.class, () -> c.tryAllocate(-1));
    }

    // ---- contracts: validation, statistics, drain, zeroing

    @Test
    void freeingACachedFrameAgainIsADoubleFreeAndChangesNothing() {
        BuddyAllocator buddy = BuddyAllocator.forRegion(BASE, 64 * PAGE);
        FrameCache c = new FrameCache(buddy, 4, 8);
        long a = c.allocate(0);
        long b = c.allocate(0);
        c.free(a, 0);
        AllocatorStats before = c.stats();
        long[][] lists = freeLists(buddy);
        int cached = c.cachedFrames();
        DoubleFreeException e = assertThrows(DoubleFreeException.class, () -> c.free(a, 0));
        assertEquals(a, e.address());
        assertTrue(e.getMessage().contains("cache"), e.getMessage());
        assertThrows(DoubleFreeException.class, () -> c.free(a, 1), "a cached frame is free whatever the order");
        assertThrows(DoubleFreeException.class, () -> buddy.free(a, 0), "the buddy alone refuses it too");
        assertEquals(before, c.stats());
        assertListsEqual(lists, freeLists(buddy));
        assertEquals(cached, c.cachedFrames());
        assertFalse(c.isAllocated(a, 0));
        assertTrue(c.isAllocated(b, 0));
        c.checkInvariants();
    }

    @Test
    void invalidFreesThrowWhatTheBuddyAloneThrowsAndChangeNothing() {
        record Case(Class<? extends InvalidFreeException> type, long pa, int order) {
        }
        // after the history below, without a cache: frames 0..3 allocated as 0 (order 0), 2 (order 1);
        // 1 free (cached with the cache), 4..7 allocated as one order-2 block; 70 reserved
        List<Case> cases = List.of(
                new Case(DoubleFreeException.class, BASE + PAGE, 0),
                new Case(DoubleFreeException.class, BASE + 9 * PAGE, 0),
                new Case(DoubleFreeException.class, BASE + 24 * PAGE, 3),
                new Case(WrongOrderException.class, BASE + 4 * PAGE, 1),
                new Case(WrongOrderException.class, BASE + 5 * PAGE, 0),
                new Case(WrongOrderException.class, BASE, 1),
                new Case(MisalignedFrameException.class, BASE + 4 * PAGE + 8, 0),
                new Case(MisalignedFrameException.class, BASE + PAGE, 1),
                new Case(MisalignedFrameException.class, BASE + 2 * PAGE, 2),
                new Case(ForeignFrameException.class, 0x1000, 0),
                new Case(ForeignFrameException.class, -PAGE, 0),
                new Case(ForeignFrameException.class, BASE + 32 * PAGE, 0),
                new Case(ForeignFrameException.class, BASE + 64 * PAGE, 4),
                new Case(ForeignFrameException.class, BASE, 7),
                new Case(ReservedFrameException.class, BASE + 70 * PAGE, 0));
        for (Case k : cases) {
            for (boolean cached : new boolean[] {false, true}) {
                BuddyAllocator buddy = BuddyAllocator.builder().region(BASE, 32 * PAGE)
                        .region(BASE + 64 * PAGE, 8 * PAGE).reserve(BASE + 70 * PAGE, PAGE).build();
                PageAllocator a = cached ? new FrameCache(buddy, 2, 4) : buddy;
                assertEquals(BASE, a.allocate(0));
                assertEquals(BASE + PAGE, a.allocate(0));
                assertEquals(BASE + 2 * PAGE, a.allocate(1));
                assertEquals(BASE + 4 * PAGE, a.allocate(2));
                a.free(BASE + PAGE, 0);
                AllocatorStats before = a.stats();
                long[][] lists = freeLists(buddy);
                InvalidFreeException e = assertThrows(InvalidFreeException.class, () -> a.free(k.pa(), k.order()));
                assertEquals(k.type(), e.getClass(), (cached ? "with" : "without") + " the cache: " + k + ": " + e.getMessage());
                assertEquals(before, a.stats());
                assertListsEqual(lists, freeLists(buddy));
                if (a instanceof FrameCache c) {
                    assertEquals(1, c.cachedFrames());
                    c.checkInvariants();
                } else {
                    buddy.checkInvariants();
                }
            }
        }
    }

    @Test
    void statisticsCountCachedFramesAsFreeOrderZeroBlocks() {
        BuddyAllocator buddy = BuddyAllocator.forRegion(BASE, 16 * PAGE);
        FrameCache c = new FrameCache(buddy, 4, 8);
        long a = c.allocate(0);
        c.allocate(2);
        AllocatorStats s = c.stats();
        assertEquals(5, s.usedFrames());
        assertEquals(11, s.freeFrames());
        assertEquals(16, c.totalFrames());
        assertEquals(1, s.usedBlocksPerOrder()[0]);
        assertEquals(1, s.usedBlocksPerOrder()[2]);
        assertEquals(3, s.freeBlocksPerOrder()[0], "the three frames of the refill still cached");
        c.free(a, 0);
        s = c.stats();
        assertEquals(4, s.usedFrames());
        assertEquals(0, s.usedBlocksPerOrder()[0]);
        assertEquals(4, s.freeBlocksPerOrder()[0]);
        assertEquals(4, c.cachedFrames());
    }

    @Test
    void afterDrainTheBuddyIsWhatItWouldBeWithoutTheCache() {
        BuddyAllocatorProperties.Layout layout = new BuddyAllocatorProperties.Layout(
                List.of(new long[] {BASE, BASE + 256 * PAGE}, new long[] {BASE + 300 * PAGE, BASE + 337 * PAGE}),
                List.of(new long[] {BASE + 17 * PAGE, BASE + 18 * PAGE}), BuddyAllocator.DEFAULT_MAX_ORDER);
        BuddyAllocator plain = layout.build();
        BuddyAllocator buddy = layout.build();
        long[][] fresh = freeLists(plain);
        FrameCache c = new FrameCache(buddy, 5, 12);
        SplittableRandom rnd = new SplittableRandom(42);
        List<long[]> live = new ArrayList<>();
        for (int step = 0; step < 5000; step++) {
            if (live.isEmpty() || rnd.nextInt(10) < 5) {
                int order = rnd.nextInt(4) == 0 ? rnd.nextInt(4) : 0;
                long pa = c.tryAllocate(order);
                if (pa != PageAllocator.NO_FRAME) {
                    live.add(new long[] {pa, order});
                }
            } else {
                long[] b = live.remove(rnd.nextInt(live.size()));
                c.free(b[0], (int) b[1]);
            }
        }
        c.checkInvariants();
        // free buddies always merge, so without a cache the free lists would be the maximal
        // aligned free blocks around the allocated ones
        int cached = c.cachedFrames();
        assertEquals(cached, c.drain());
        assertEquals(0, c.cachedFrames());
        assertEquals(0, buddy.countCachedFrames());
        assertListsEqual(FrameCacheProperties.canonicalFreeBlocks(layout, live), freeLists(buddy));
        assertEquals(c.stats(), buddy.stats());
        for (long[] b : live) {
            c.free(b[0], (int) b[1]);
        }
        c.drain();
        assertListsEqual(fresh, freeLists(buddy));
        assertEquals(plain.stats(), buddy.stats());
        c.checkInvariants();
    }

    @Test
    void framesServedFromTheCacheAreZeroedWhenTheBuddyZeroes() {
        PhysicalMemory mem = PhysicalMemory.of(BASE, 16 * PAGE);
        FrameCache c = new FrameCache(BuddyAllocator.builder().regions(mem).zeroOnAllocate(mem).build(), 4, 8);
        long x = c.allocate(0);
        mem.write64(x + 64, 0xdead_beefL);
        mem.write64(x + PAGE - 8, 0x1234L);
        c.free(x, 0);
        assertEquals(1 + 3, c.cachedFrames());
        long y = c.allocate(0);
        assertEquals(x, y, "served from the cache");
        assertEquals(0, mem.read64(y + 64));
        assertEquals(0, mem.read64(y + PAGE - 8));
        // and frames refilled from the buddy (never zeroed there) are zeroed when handed out
        long z = c.allocate(0);
        mem.write64(z, 7);
        c.free(z, 0);
        c.drain();
        long w = c.allocate(0);
        assertEquals(0, mem.read64(w));
    }

    @Test
    void aBuddyTakesOneCacheAndTheLimitsAreChecked() {
        BuddyAllocator buddy = BuddyAllocator.forRegion(BASE, 16 * PAGE);
        new FrameCache(buddy);
        assertThrows(IllegalArgumentException.class, () -> new FrameCache(buddy));
        BuddyAllocator other = BuddyAllocator.forRegion(BASE, 16 * PAGE);
        assertThrows(IllegalArgumentException.class, () -> new FrameCache(other, 0, 8));
        assertThrows(IllegalArgumentException.class, () -> new FrameCache(other, 8, 7));
        assertThrows(IllegalArgumentException.class, () -> new FrameCache(other, 1, FrameCache.MAX_HIGH + 1));
        FrameCache c = new FrameCache(other, 1, 1);
        assertEquals(1, c.batch());
        assertEquals(1, c.high());
        assertEquals(other, c.buddy());
        assertTrue(c.toString().startsWith("FrameCache(0 of 1 frames"), c.toString());
    }
}
