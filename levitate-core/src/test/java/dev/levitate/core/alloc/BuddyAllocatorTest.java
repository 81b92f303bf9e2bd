package dev.levitate.core.alloc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.core.mem.PhysicalMemory;
import org.junit.jupiter.api.Test;

class BuddyAllocatorTest {
    static final long BASE = 0x4000_0000L;
    static final long PAGE = 4096;

    // ---- the original kernel's cases (offsets relative to the region base)

    @Test
    void onePageRegionGivesBaseThenNothing() {
        BuddyAllocator a = BuddyAllocator.forRegion(BASE, PAGE);
        assertEquals(BASE, a.allocate(0));
        assertEquals(PageAllocator.NO_FRAME, a.tryAllocate(0));
        assertThrows(OutOfFramesException.class, () -> a.allocate(0));
    }

    @Test
    void fourPageRegionGivesOneOrderTwoBlock() {
        BuddyAllocator a = BuddyAllocator.forRegion(BASE, 4 * PAGE);
        assertEquals(BASE, a.allocate(2));
        assertEquals(PageAllocator.NO_FRAME, a.tryAllocate(0));
    }

    @Test
    void splittingHandsOutLowestFirst() {
        BuddyAllocator a = BuddyAllocator.forRegion(BASE, 4 * PAGE);
        assertEquals(BASE, a.allocate(0));
        assertEquals(BASE + 4096, a.allocate(0));
        assertEquals(BASE + 8192, a.allocate(1));
        assertEquals(PageAllocator.NO_FRAME, a.tryAllocate(0));
        a.checkInvariants();
    }

    @Test
    void coalescingRebuildsTheOrderTwoBlock() {
        BuddyAllocator a = BuddyAllocator.forRegion(BASE, 4 * PAGE);
        a.allocate(0);
        a.allocate(0);
        a.allocate(1);
        a.free(BASE, 0);
        a.free(BASE + 4096, 0);
        a.free(BASE + 8192, 1);
        assertEquals(BASE, a.allocate(2));
        a.checkInvariants();
    }

    @Test
    void fivePageRegionServesTheOddPageAfterTheBlock() {
        BuddyAllocator a = BuddyAllocator.forRegion(BASE, 5 * PAGE);
        assertEquals(BASE, a.allocate(2));
        assertEquals(BASE + 16384, a.allocate(0));
        assertEquals(PageAllocator.NO_FRAME, a.tryAllocate(0));
    }

    // ---- validation of frees: specific exception, nothing changed

    private static BuddyAllocator withAllocations() {
        // region 1: 32 frames; region 2: 8 frames with frame 70 reserved
        BuddyAllocator a = BuddyAllocator.builder().region(BASE, 32 * PAGE)
                .region(BASE + 64 * PAGE, 8 * PAGE).reserve(BASE + 70 * PAGE, PAGE).build();
        assertEquals(BASE, a.allocate(0));
        assertEquals(BASE + 4 * PAGE, a.allocate(2));
        assertEquals(BASE + 2 * PAGE, a.allocate(1));
        return a;
    }

    private static void assertRejectedUnchanged(Class<? extends InvalidFreeException> type, long pa, int order) {
        BuddyAllocator a = withAllocations();
        AllocatorStats before = a.stats();
        long[][] lists = new long[a.maxOrder() + 1][];
        for (int k = 0; k <= a.maxOrder(); k++) {
            lists[k] = a.freeBlocks(k);
        }
        InvalidFreeException e = assertThrows(type, () -> a.free(pa, order));
        assertEquals(pa, e.address());
        assertTrue(e.getMessage().contains(String.format("%04x", pa & 0xFFFF)), e.getMessage());
        assertEquals(before, a.stats());
        for (int k = 0; k <= a.maxOrder(); k++) {
            assertArrayEquals(lists[k], a.freeBlocks(k), "free list " + k + " changed");
        }
        a.checkInvariants();
    }

    @Test
    void doubleFreeIsRejected() {
        BuddyAllocator a = withAllocations();
        a.free(BASE, 0);
        AllocatorStats before = a.stats();
        assertThrows(DoubleFreeException.class, () -> a.free(BASE, 0));
        assertEquals(before, a.stats());
        a.checkInvariants();
    }

    @Test
    void freeInsideAFreeBlockIsADoubleFree() {
        assertRejectedUnchanged(DoubleFreeException.class, BASE + 9 * PAGE, 0);
    }

    @Test
    void wrongOrderIsRejected() {
        assertRejectedUnchanged(WrongOrderException.class, BASE + 4 * PAGE, 1);
    }

    @Test
    void freeOfTheMiddleOfAnAllocatedBlockIsRejected() {
        assertRejectedUnchanged(WrongOrderException.class, BASE + 5 * PAGE, 0);
    }

    @Test
    void orderOutOfRangeIsAnIllegalArgumentAsThePageAllocatorContractSays() {
        for (int order : new int[] {21, -1, 31, 32, Integer.MIN_VALUE}) {
            BuddyAllocator a = withAllocations();
            AllocatorStats before = a.stats();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.free(BASE, order));
            assertTrue(e.getMessage().contains("0x0000_0000_4000_0000") && e.getMessage().contains("order " + order), e.getMessage());
            assertEquals(before, a.stats());
            a.checkInvariants();
            assertThrows(IllegalArgumentException.class, () -> a.tryAllocate(order), "allocation and free agree");
        }
    }

    @Test
    void misalignedAddressIsRejected() {
        assertRejectedUnchanged(MisalignedFrameException.class, BASE + 4 * PAGE + 8, 0);
        assertRejectedUnchanged(MisalignedFrameException.class, BASE + 2 * PAGE, 2);
    }

    @Test
    void foreignAddressIsRejected() {
        assertRejectedUnchanged(ForeignFrameException.class, 0x1000, 0);
        assertRejectedUnchanged(ForeignFrameException.class, BASE + 32 * PAGE, 0);
        assertRejectedUnchanged(ForeignFrameException.class, BASE + 64 * PAGE, 4);
        assertRejectedUnchanged(ForeignFrameException.class, BASE, 7);
    }

    @Test
    void reservedFrameIsRejected() {
        assertRejectedUnchanged(ReservedFrameException.class, BASE + 70 * PAGE, 0);
    }

    // ---- regions, holes, reserved ranges, limits

    @Test
    void unalignedRegionEdgesAreCarvedIntoAlignedBlocks() {
        BuddyAllocator a = BuddyAllocator.forRegion(BASE + 3 * PAGE, 13 * PAGE);
        assertEquals(13, a.freeFrames());
        a.checkInvariants();
        // 3 -> o0, 4..7 -> o2, 8..15 -> o3: 1 + 4 + 8 = 13 frames
        assertArrayEquals(new long[] {BASE + 3 * PAGE}, a.freeBlocks(0));
        assertArrayEquals(new long[] {BASE + 4 * PAGE}, a.freeBlocks(2));
        assertArrayEquals(new long[] {BASE + 8 * PAGE}, a.freeBlocks(3));
    }

    @Test
    void blocksNeverSpanAHoleOrAReservedFrame() {
        BuddyAllocator a = BuddyAllocator.builder()
                .region(BASE, 8 * PAGE).region(BASE + 8 * PAGE + 0x10_0000, 8 * PAGE)
                .reserve(BASE + 2 * PAGE, 100).build();
        a.checkInvariants();
        assertEquals(15, a.freeFrames());
        assertEquals(PageAllocator.NO_FRAME, a.tryAllocate(4));
        assertEquals(BASE + 8 * PAGE + 0x10_0000, a.allocate(3), "the only whole order-3 block is in the second region");
        assertEquals(PageAllocator.NO_FRAME, a.tryAllocate(3));
        int pages = 0;
        for (long pa = a.tryAllocate(0); pa != PageAllocator.NO_FRAME; pa = a.tryAllocate(0)) {
            assertFalse(pa == BASE + 2 * PAGE, "the reserved frame was handed out");
            assertTrue(pa >= BASE && pa < BASE + 8 * PAGE, "frame in the hole: " + Long.toHexString(pa));
            pages++;
        }
        assertEquals(7, pages);
    }

    @Test
    void mergingStopsAtMaxOrder() {
        BuddyAllocator a = BuddyAllocator.builder().region(BASE, 16 * PAGE).maxOrder(2).build();
        assertEquals(4, a.freeBlocks(2).length);
        long x = a.allocate(2);
        a.free(x, 2);
        assertEquals(4, a.freeBlocks(2).length);
        a.checkInvariants();
    }

    @Test
    void fourGibRegionCostsOnlyItsSideArrays() {
        BuddyAllocator a = BuddyAllocator.forRegion(0x1_0000_0000L, 4L << 30);
        assertEquals(1, a.freeBlocks(20).length, "one 4 GiB block");
        long x = a.allocate(0);
        assertEquals(0x1_0000_0000L, x);
        for (int k = 0; k < 20; k++) {
            assertEquals(1, a.freeBlocks(k).length);
        }
        a.free(x, 0);
        assertEquals(1, a.freeBlocks(20).length);
    }

    @Test
    void zeroOnAllocateClearsOldContents() {
        PhysicalMemory mem = PhysicalMemory.of(BASE, 16 * PAGE);
        BuddyAllocator a = BuddyAllocator.builder().regions(mem).zeroOnAllocate(mem).build();
        long x = a.allocate(1);
        mem.write64(x + PAGE + 8, 0xdead_beefL);
        a.free(x, 1);
        long y = a.allocate(1);
        assertEquals(x, y);
        assertEquals(0, mem.read64(y + PAGE + 8));
    }

    @Test
    void statisticsCountFramesAndBlocks() {
        BuddyAllocator a = BuddyAllocator.forRegion(BASE, 16 * PAGE);
        a.allocate(0);
        a.allocate(2);
        AllocatorStats s = a.stats();
        assertEquals(5, s.usedFrames());
        assertEquals(11, s.freeFrames());
        assertEquals(16, a.totalFrames());
        assertEquals(1, s.usedBlocksPerOrder()[0]);
        assertEquals(1, s.usedBlocksPerOrder()[2]);
        assertTrue(s.toString().contains("free 11 frames"));
    }

    @Test
    void badAllocateOrderIsAnArgumentError() {
        BuddyAllocator a = BuddyAllocator.forRegion(BASE, PAGE);
        assertThrows(IllegalArgumentException.class, () -> a.tryAllocate(-1));
        assertThrows(IllegalArgumentException.class, () -> a.tryAllocate(21));
        assertEquals(1, a.freeFrames());
    }

    @Test
    void overlappingRegionsAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> BuddyAllocator.builder().region(BASE, 8 * PAGE).region(BASE + 4 * PAGE, 8 * PAGE).build());
        assertThrows(IllegalArgumentException.class, () -> BuddyAllocator.forRegion(BASE + 1, PAGE));
    }
}
