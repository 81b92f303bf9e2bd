package dev.levitate.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.core.alloc.BuddyAllocator;
import dev.levitate.core.mem.PhysicalMemory;
import dev.levitate.core.tlb.RecordingTlbMaintenance;
import dev.levitate.core.tlb.TlbiOp;
import dev.levitate.core.tlb.TlbiRecord;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PageTableTest {
    static final long RAM = 0x4000_0000L;

    PhysicalMemory mem;
    BuddyAllocator frames;
    RecordingTlbMaintenance tlb;
    long startFree;

    @BeforeEach
    void setUp() {
        mem = PhysicalMemory.of(RAM, 64L << 20);
        frames = BuddyAllocator.builder().regions(mem).build();
        tlb = new RecordingTlbMaintenance();
        startFree = frames.freeFrames();
    }

    PageTable table() {
        return PageTable.builder(mem, frames, tlb).asid(5).build();
    }

    // ---- the original kernel's cases

    @Test
    void indexExtractionMatchesTheOriginal() {
        assertEquals(1, PageTable.index(0x80_0000_0000L, 0));
        assertEquals(511, PageTable.index(0xFF80_0000_0000L, 0));
        assertEquals(1, PageTable.index(0x4000_0000L, 1));
        assertEquals(1, PageTable.index(0x20_0000L, 2));
        assertEquals(1, PageTable.index(0x1000L, 3));
    }

    @Test
    void identityMappingTheKernelRangeUses63BlocksAnd384Pages() {
        PageTable pt = table();
        pt.mapRange(0x4008_0000L, 0x4008_0000L, 0x4800_0000L - 0x4008_0000L, Attributes.KERNEL_DATA, true);
        PageTableStats s = pt.stats();
        assertEquals(63, s.blocks2M());
        assertEquals(384, s.pages());
        assertEquals(0, s.blocks1G());
        assertEquals(0x4123_4568L, pt.translatePa(0x4123_4568L));
    }

    @Test
    void translateAndTranslatePaAgreeOnAVaOutsideTheHalf() {
        PageTable pt = table();
        long upper = 0xFFFF_0000_0000_1000L;
        assertEquals(-1, pt.translatePa(upper));
        assertTrue(pt.translate(upper).isEmpty(), "outside the half: empty, as translatePa says -1");
        assertTrue(pt.translate(1L << 48).isEmpty());
    }

    @Test
    void mapTranslateUnmapAndTheErrorsAfter() {
        PageTable pt = table();
        pt.map(0x1234_5000L, 0x4444_5000L, Attributes.USER_DATA);
        Translation t = pt.translate(0x1234_5678L).orElseThrow();
        assertEquals(0x4444_5678L, t.pa());
        assertEquals(3, t.level());
        assertEquals(Attributes.USER_DATA, t.attributes());
        assertEquals(0x4444_5000L, pt.unmap(0x1234_5000L));
        assertTrue(pt.translate(0x1234_5000L).isEmpty());
        NotMappedException e = assertThrows(NotMappedException.class, () -> pt.unmap(0x1234_5000L));
        assertTrue(e.getMessage().contains("0x0000_0000_1234_5000"), e.getMessage());
        PageTable empty = table();
        assertThrows(NotMappedException.class, () -> empty.unmap(0x1000));
    }

    @Test
    void unmappingTheOnlyPageFreesL3L2L1AfterOneAllLevelInvalidate() {
        PageTable pt = table();
        List<String> events = new ArrayList<>();
        pt.addListener(new PageTableListener() {
            @Override
            public void tableFreed(int level, long tablePa, long vaStart, long vaEnd) {
                events.add("free L" + level + " after " + tlb.log().get(tlb.log().size() - 1).op());
            }
        });
        pt.map(0x1234_5000L, 0x4444_5000L, Attributes.USER_DATA);
        assertEquals(startFree - 4, frames.freeFrames(), "root + L1 + L2 + L3");
        int mark = tlb.mark();
        pt.unmap(0x1234_5000L);
        assertEquals(List.of(new TlbiRecord(TlbiOp.DSB, 0, -1), new TlbiRecord(TlbiOp.VAE1, 0x1234_5000L, 5),
                new TlbiRecord(TlbiOp.DSB, 0, -1)), tlb.since(mark));
        assertEquals(List.of("free L3 after DSB", "free L2 after DSB", "free L1 after DSB"), events);
        assertEquals(startFree - 1, frames.freeFrames(), "only the root remains");
        assertEquals(0, mem.read64(pt.root() + 8L * PageTable.index(0x1234_5000L, 0)), "root entry cleared");
        assertEquals(0, pt.validCount(pt.root()));
    }

    @Test
    void unmapDetachesAnEmptyChainWithOneWriteAndReusedFramesComeBackZeroed() {
        PageTable pt = table();
        pt.map(0x1000, RAM, Attributes.USER_DATA);
        long far = 0x4000_0000L + 0x20_0000L + 0x3000L; // same L0 entry, another L1 entry: L2 + L3 of its own
        pt.map(far, RAM + 0x1000, Attributes.USER_DATA);
        long l1 = Descriptor.address(mem.read64(pt.root() + 8L * PageTable.index(far, 0)));
        long l2 = Descriptor.address(mem.read64(l1 + 8L * PageTable.index(far, 1)));
        int mark = tlb.mark();
        pt.unmap(far);
        assertEquals(List.of(new TlbiRecord(TlbiOp.DSB, 0, -1), new TlbiRecord(TlbiOp.VAE1, far, 5),
                new TlbiRecord(TlbiOp.DSB, 0, -1)), tlb.since(mark));
        assertEquals(0, mem.read64(l1 + 8L * PageTable.index(far, 1)), "the entry in the table that stays is cleared");
        assertEquals(1, pt.validCount(l1));
        assertEquals(RAM, pt.translatePa(0x1000));
        assertEquals(-1, pt.translatePa(far));
        assertFalse(pt.tables().contains(l2));
        // the freed frames become tables again: every table holds exactly its counted entries
        for (long va = 0x80_0000_0000L; va < 0x80_0000_0000L + (8L << 30); va += 1L << 30) {
            pt.map(va, RAM, Attributes.USER_DATA);
        }
        for (long t : pt.tables()) {
            int nonZero = 0;
            for (int i = 0; i < 512; i++) {
                nonZero += mem.read64(t + 8L * i) != 0 ? 1 : 0;
            }
            assertEquals(pt.validCount(t), nonZero, "table " + Long.toHexString(t));
        }
    }

    @Test
    void unmapWithATableLeftIsOneLeafInvalidate() {
        PageTable pt = table();
        pt.map(0x1000, RAM, Attributes.USER_DATA);
        pt.map(0x2000, RAM + 0x1000, Attributes.USER_DATA);
        int mark = tlb.mark();
        pt.unmap(0x1000);
        assertEquals(List.of(new TlbiRecord(TlbiOp.DSB, 0, -1), new TlbiRecord(TlbiOp.VALE1, 0x1000, 5),
                new TlbiRecord(TlbiOp.DSB, 0, -1)), tlb.since(mark));
    }

    @Test
    void globalMappingsInvalidateForAllAsids() {
        PageTable kernel = PageTable.builder(mem, frames, tlb).half(Half.UPPER).build();
        long va = 0xFFFF_8000_4000_0000L;
        kernel.map(va, RAM, Attributes.KERNEL_DATA);
        kernel.map(va + 0x1000, RAM + 0x1000, Attributes.KERNEL_DATA);
        int mark = tlb.mark();
        kernel.unmap(va);
        assertEquals(new TlbiRecord(TlbiOp.VAALE1, va, -1), tlb.since(mark).get(1));
        mark = tlb.mark();
        kernel.unmap(va + 0x1000);
        assertEquals(new TlbiRecord(TlbiOp.VAAE1, va + 0x1000, -1), tlb.since(mark).get(1));
        assertEquals(0, PageTable.index(0, 0));
        assertEquals(256, PageTable.index(va, 0), "the upper half starts at L0 index 256");
    }

    @Test
    void mapIsAWriteAndABarrierWithoutAnyInvalidate() {
        PageTable pt = table();
        int mark = tlb.mark();
        pt.map(0x5000, RAM, Attributes.USER_DATA);
        assertEquals(List.of(new TlbiRecord(TlbiOp.DSB, 0, -1)), tlb.since(mark));
    }

    @Test
    void unmappingAPageInsideABlockSplitsItWithBreakBeforeMake() {
        PageTable pt = table();
        pt.mapRange(0x4000_0000L, RAM, 2L << 20, Attributes.KERNEL_DATA, true);
        assertEquals(1, pt.stats().blocks2M());
        long frame = pt.unmap(0x4000_3000L);
        assertEquals(RAM + 0x3000, frame);
        PageTableStats s = pt.stats();
        assertEquals(0, s.blocks2M());
        assertEquals(511, s.pages());
        assertEquals(RAM + 0x4000, pt.translatePa(0x4000_4000L));
        assertEquals(-1, pt.translatePa(0x4000_3000L));
        List<TlbiRecord> log = tlb.log();
        assertTrue(log.contains(new TlbiRecord(TlbiOp.VAALE1, 0x4000_0000L, -1)), "the old block was invalidated: " + log);
    }

    @Test
    void unmapFollowsTheTablesInMemoryNotTheLastWalk() {
        // unmap starts from the tables of the last walk of the same 2 MiB region when their
        // entries still lead there; here those tables were freed and rebuilt behind its back
        PageTable pt = table();
        long va = 0x4000_5000L;
        pt.map(va, RAM + 0x7000, Attributes.USER_DATA);
        pt.unmapRange(va, PageTable.PAGE_SIZE);
        assertEquals(startFree - 1, frames.freeFrames(), "only the root is left");
        // the same region again, now as a 2 MiB block (its L1 and L2 tables may be the same frames)
        pt.mapRange(0x4000_0000L, RAM, 2L << 20, Attributes.USER_DATA, true);
        assertEquals(RAM + 0x5000, pt.unmap(va), "the page of the block, not the page mapped before");
        assertEquals(0, pt.stats().blocks2M());
        assertEquals(511, pt.stats().pages());
        pt.unmapRange(0x4000_0000L, 0x5000);
        pt.unmapRange(0x4000_6000L, (2L << 20) - 0x6000);
        assertEquals(startFree - 1, frames.freeFrames());
        // freed by unmap, then rebuilt for a neighbour: the walk follows the new tables
        pt.map(va, RAM + 0x7000, Attributes.USER_DATA);
        pt.unmap(va);
        pt.map(va + 0x1000, RAM + 0x8000, Attributes.USER_DATA);
        assertThrows(NotMappedException.class, () -> pt.unmap(va));
        assertEquals(RAM + 0x8000, pt.unmap(va + 0x1000));
        assertEquals(startFree - 1, frames.freeFrames());
        assertEquals(List.of(pt.root()), pt.tables());
    }

    @Test
    void mappingAPageInsideABlockIsAConflictNotASilentReplace() {
        PageTable pt = table();
        pt.mapRange(0x4000_0000L, RAM, 2L << 20, Attributes.KERNEL_DATA, true);
        long free = frames.freeFrames();
        assertThrows(MappingConflictException.class, () -> pt.map(0x4000_1000L, RAM, Attributes.KERNEL_DATA));
        assertEquals(free, frames.freeFrames());
        assertEquals(RAM + 0x1000, pt.translatePa(0x4000_1000L), "the block still maps");
        assertThrows(AlreadyMappedException.class, () -> pt.mapRange(0x4000_0000L, RAM, 2L << 20, Attributes.KERNEL_DATA, true));
    }

    @Test
    void badAddressesAreRejectedWithTheirNames() {
        PageTable pt = table();
        assertThrows(MisalignedAddressException.class, () -> pt.map(0x1001, RAM, Attributes.USER_DATA));
        assertThrows(MisalignedAddressException.class, () -> pt.map(0x1000, RAM + 8, Attributes.USER_DATA));
        AddressRangeException e = assertThrows(AddressRangeException.class,
                () -> pt.map(0xFFFF_8000_0000_0000L, RAM, Attributes.USER_DATA));
        assertTrue(e.getMessage().contains("0xffff_8000_0000_0000"), e.getMessage());
        assertThrows(AddressRangeException.class, () -> pt.map(1L << 48, RAM, Attributes.USER_DATA));
        assertThrows(AddressRangeException.class, () -> pt.map(0x1000, 1L << 48, Attributes.USER_DATA));
        PageTable small = PageTable.builder(mem, frames, tlb).vaBits(39).build();
        assertThrows(AddressRangeException.class, () -> small.map(1L << 39, RAM, Attributes.USER_DATA));
        assertEquals(1, small.startLevel());
    }

    @Test
    void outOfFramesHalfwayChangesNothing() {
        PhysicalMemory tiny = PhysicalMemory.of(RAM, 3 * 4096);
        BuddyAllocator few = BuddyAllocator.builder().regions(tiny).build();
        PageTable pt = PageTable.builder(tiny, few, tlb).build();
        int mark = tlb.mark();
        long free = few.freeFrames();
        assertThrows(PageTableOutOfMemoryException.class, () -> pt.map(0x1000, RAM, Attributes.USER_DATA));
        assertEquals(free, few.freeFrames());
        assertEquals(0, pt.validCount(pt.root()));
        assertEquals(List.of(), tlb.since(mark));
    }

    @Test
    void blocksAreUsedOnlyWhereVaPaAndLengthAllow() {
        PageTable pt = table();
        pt.mapRange(0x4000_0000L, RAM + 0x1000, 4L << 20, Attributes.KERNEL_DATA, true);
        assertEquals(0, pt.stats().blocks2M(), "PA not 2 MiB aligned: pages only");
        PageTable pt2 = table();
        pt2.mapRange(0x4000_0000L, RAM, 4L << 20, Attributes.KERNEL_DATA, false);
        assertEquals(0, pt2.stats().blocks2M(), "blocks forbidden");
        assertEquals(1024, pt2.stats().pages());
        PageTable pt3 = table();
        pt3.mapRange(0x8000_0000L, 0x8000_0000L, 1L << 30, Attributes.KERNEL_DATA, true);
        assertEquals(1, pt3.stats().blocks1G());
    }

    @Test
    void rangeAboveTheThresholdIsOneAsidInvalidate() {
        PageTable pt = table();
        pt.mapRange(0x10_0000L, RAM, 600 * 4096L, Attributes.USER_DATA, false);
        int mark = tlb.mark();
        pt.unmapRange(0x10_0000L, 600 * 4096L);
        assertEquals(List.of(new TlbiRecord(TlbiOp.DSB, 0, -1), new TlbiRecord(TlbiOp.ASIDE1, 0, 5),
                new TlbiRecord(TlbiOp.DSB, 0, -1)), tlb.since(mark));
        assertEquals(startFree - 1, frames.freeFrames());
    }

    @Test
    void protectChangesAttributesAndInvalidatesEachPage() {
        PageTable pt = table();
        pt.mapRange(0x10_0000L, RAM, 4 * 4096L, Attributes.USER_DATA, false);
        int mark = tlb.mark();
        pt.protect(0x10_1000L, 2 * 4096L, Attributes.USER_RODATA);
        assertEquals(Attributes.USER_RODATA, pt.translate(0x10_1000L).orElseThrow().attributes());
        assertEquals(Attributes.USER_DATA, pt.translate(0x10_3000L).orElseThrow().attributes());
        assertEquals(2, tlb.since(mark).stream().filter(r -> r.op() == TlbiOp.VALE1).count());
        assertThrows(NotMappedException.class, () -> pt.protect(0x10_3000L, 2 * 4096L, Attributes.USER_DATA));
    }

    @Test
    void explicitModeKeepsEmptyTablesUntilAsked() {
        PageTable pt = PageTable.builder(mem, frames, tlb).reclaim(PageTable.ReclaimMode.EXPLICIT).build();
        pt.map(0x1234_5000L, RAM, Attributes.USER_DATA);
        pt.unmap(0x1234_5000L);
        assertEquals(4, pt.tables().size());
        assertEquals(3, pt.reclaimEmptyTables(0, 1L << 40));
        assertEquals(1, pt.tables().size());
        assertEquals(startFree - 1, frames.freeFrames());
    }

    @Test
    void destroyFreesEveryTableAfterAnAsidInvalidate() {
        PageTable pt = table();
        pt.mapRange(0x10_0000L, RAM, 64 * 4096L, Attributes.USER_DATA, false);
        pt.map(0x7f_0000_0000L, RAM, Attributes.USER_DATA);
        int mark = tlb.mark();
        assertEquals(6, pt.destroy(), "root, L1, then L2+L3 for each of the two regions");
        assertEquals(new TlbiRecord(TlbiOp.ASIDE1, 0, 5), tlb.since(mark).get(1));
        assertEquals(startFree, frames.freeFrames());
        assertThrows(IllegalStateException.class, () -> pt.map(0x1000, RAM, Attributes.USER_DATA));
    }

    @Test
    void dumpsAreDeterministicAndReadable() {
        PageTable pt = table();
        pt.map(0x1234_5000L, 0x4444_5000L, Attributes.USER_DATA);
        String tree = PageTableDump.tree(pt);
        assertTrue(tree.contains("L3[325] 0x0000_0000_1234_5000..0x0000_0000_1234_5fff  page 0x0000_0000_4444_5000 Normal-WB EL0+EL1 RW"), tree);
        assertEquals(tree, PageTableDump.tree(pt));
        String dot = PageTableDump.dot(pt);
        assertTrue(dot.startsWith("digraph pagetable {"), dot);
        assertEquals(3, dot.split("->", -1).length - 1, dot);
    }

    // ---- attributes

    @Test
    void everyAccessPermissionDecodesFromItsBits() {
        assertTrue(AccessPermission.RW_EL1.el1Writable());
        assertFalse(AccessPermission.RW_EL1.el0Readable());
        assertTrue(AccessPermission.RW_ALL.el0Writable());
        assertFalse(AccessPermission.RO_EL1.el1Writable(), "the original kernel's is_writable() said yes here");
        assertFalse(AccessPermission.RO_ALL.el0Writable());
        assertTrue(AccessPermission.RO_ALL.el0Readable());
        for (AccessPermission ap : AccessPermission.values()) {
            Attributes a = Attributes.USER_DATA.withAccess(ap);
            assertEquals(a, Attributes.fromDescriptor(Descriptor.page(RAM, a)));
        }
    }

    @Test
    void presetsAreTheOriginalKernelsBits() {
        long v = Descriptor.bit(Descriptor.VALID_BIT);
        // KERNEL_CODE = V|AF|SH_INNER|AP_RO_EL1|UXN
        assertEquals((1L << 10) | (3L << 8) | (2L << 6) | (1L << 54), Attributes.KERNEL_CODE.bits());
        // USER_DATA = V|AF|SH|AP_RW_ALL|nG|PXN|UXN
        assertEquals((1L << 10) | (3L << 8) | (1L << 6) | (1L << 11) | (1L << 53) | (1L << 54), Attributes.USER_DATA.bits());
        assertEquals(0x0000_FFFF_FFFF_F000L, Descriptor.OA_MASK);
        assertEquals(0x4404FFL, MemoryType.MAIR_EL1);
        assertEquals(3 | v, Descriptor.table(0) | v);
        assertTrue(Descriptor.isBlock(Descriptor.block(RAM, Attributes.DEVICE), 2));
        assertTrue(Attributes.DEVICE.memoryType().isDevice());
    }

    // ---- ASIDs

    @Test
    void asidsRollOverWithOneInvalidateAll() {
        AsidAllocator asids = new AsidAllocator(8, tlb);
        List<AsidAllocator.Context> ctx = new ArrayList<>();
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int i = 0; i < 255; i++) {
            AsidAllocator.Context c = asids.newContext();
            ctx.add(c);
            int a = asids.activate(c);
            assertTrue(a >= 1 && a <= 255);
            assertTrue(seen.add(a), "ASID " + a + " handed out twice");
        }
        assertEquals(0, tlb.count(TlbiOp.VMALLE1));
        AsidAllocator.Context late = asids.newContext();
        int a = asids.activate(late);
        assertEquals(1, tlb.count(TlbiOp.VMALLE1));
        assertEquals(2, asids.generation());
        assertTrue(a >= 1);
        int again = asids.activate(ctx.get(0));
        assertTrue(again != a, "a context of the old generation gets a fresh ASID");
        asids.release(late);
        assertEquals(2, asids.inUse(), "the context active at rollover kept its ASID, plus ctx 0's new one");
    }
}
