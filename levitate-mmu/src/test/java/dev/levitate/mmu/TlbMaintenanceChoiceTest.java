package dev.levitate.mmu;

import static dev.levitate.core.LevitateException.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.core.alloc.BuddyAllocator;
import dev.levitate.core.mem.PageWriteObserver;
import dev.levitate.core.mem.PhysicalAddressException;
import dev.levitate.core.mem.PhysicalMemory;
import dev.levitate.core.tlb.RecordingTlbMaintenance;
import dev.levitate.core.tlb.TlbMaintenance;
import dev.levitate.core.tlb.TlbiOp;
import dev.levitate.core.tlb.TlbiRecord;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which TLBIs each operation issues, asserted as exact logs: the reproducers of issue 17 (global
 * leaves in the lower half above the range threshold and at destroy, protect from non-global to
 * global), the upper half, break-before-make in protect, and {@link PageTable#retag(int)}.
 */
class TlbMaintenanceChoiceTest {
    static final long RAM = 0x4000_0000L;
    static final TlbiRecord DSB = new TlbiRecord(TlbiOp.DSB, 0, -1);
    static final TlbiRecord VMALLE1 = new TlbiRecord(TlbiOp.VMALLE1, 0, -1);

    PhysicalMemory mem;
    BuddyAllocator frames;
    RecordingTlbMaintenance tlb;
    /** Table frees, each with the size of the TLB log at that moment. */
    List<String> frees;

    @BeforeEach
    void setUp() {
        mem = PhysicalMemory.of(RAM, 64L << 20);
        frames = BuddyAllocator.builder().regions(mem).build();
        tlb = new RecordingTlbMaintenance();
        frees = new ArrayList<>();
    }

    PageTable lower(int vaBits) {
        PageTable pt = PageTable.builder(mem, frames, tlb).half(Half.LOWER).vaBits(vaBits).asid(42).build();
        pt.addListener(new PageTableListener() {
            @Override
            public void tableFreed(int level, long tablePa, long vaStart, long vaEnd) {
                frees.add("L" + level + " after " + tlb.mark() + " records");
            }
        });
        return pt;
    }

    static TlbiRecord aside1(int asid) {
        return new TlbiRecord(TlbiOp.ASIDE1, 0, asid);
    }

    static TlbiRecord op(TlbiOp op, long va) {
        return new TlbiRecord(op, va, -1);
    }

    static TlbiRecord op(TlbiOp op, long va, int asid) {
        return new TlbiRecord(op, va, asid);
    }

    // ---- issue 17, item 1: global leaves in the lower half

    @Test
    void unmapRangeOfMoreGlobalPagesThanTheThresholdIsOneVmalle1ThenTheFrees() {
        PageTable pt = lower(48);
        pt.mapRange(0, 0x8000_0000L, 513 * 4096L, Attributes.KERNEL_DATA, false);
        int mark = tlb.mark();
        pt.unmapRange(0, 513 * 4096L);
        assertEquals(List.of(DSB, VMALLE1, DSB), tlb.since(mark), "ASIDE1 would leave the 513 global entries cached");
        int end = mark + 3;
        assertEquals(List.of("L3 after " + end + " records", "L3 after " + end + " records", "L2 after " + end + " records",
                "L1 after " + end + " records"), frees, "four tables freed, after the invalidation and its DSB");
    }

    @Test
    void protectOf600GlobalPagesOnA39BitTableIsOneVmalle1() {
        PageTable pt = lower(39);
        pt.mapRange(0x10_0000L, RAM, 600 * 4096L, Attributes.KERNEL_DATA, false);
        int mark = tlb.mark();
        pt.protect(0x10_0000L, 600 * 4096L, Attributes.KERNEL_RODATA);
        assertEquals(List.of(DSB, VMALLE1, DSB), tlb.since(mark));
        assertEquals(Attributes.KERNEL_RODATA, pt.translate(0x10_0000L + 599 * 4096L).orElseThrow().attributes());
    }

    @Test
    void destroyInvalidatesAGlobalLeafByVaBesidesTheAsid() {
        PageTable pt = lower(48);
        pt.map(0x1000, RAM, Attributes.KERNEL_DATA);
        int mark = tlb.mark();
        assertEquals(4, pt.destroy());
        assertEquals(List.of(DSB, aside1(42), op(TlbiOp.VAAE1, 0x1000), DSB), tlb.since(mark));
        assertEquals(4, frees.size());
    }

    @Test
    void destroyWithMoreGlobalLeavesThanTheThresholdIsOneVmalle1() {
        PageTable pt = lower(48);
        pt.mapRange(0x10_0000L, RAM, 513 * 4096L, Attributes.KERNEL_DATA, false);
        pt.map(0x7f_0000_0000L, RAM, Attributes.USER_DATA);
        int mark = tlb.mark();
        pt.destroy();
        assertEquals(List.of(DSB, VMALLE1, DSB), tlb.since(mark));
    }

    @Test
    void destroyOfOnlyNonGlobalLeavesIsOneAside1() {
        PageTable pt = lower(48);
        pt.mapRange(0x10_0000L, RAM, 600 * 4096L, Attributes.USER_DATA, false);
        int mark = tlb.mark();
        pt.destroy();
        assertEquals(List.of(DSB, aside1(42), DSB), tlb.since(mark));
    }

    @Test
    void aRangeAboveTheThresholdWithAFewGlobalLeavesIsAside1PlusEachGlobalLeaf() {
        PageTable pt = lower(48);
        pt.mapRange(0x10_0000L, RAM, 600 * 4096L, Attributes.USER_DATA, false);
        long g = 0x10_0000L + 600 * 4096L;
        pt.mapRange(g, RAM, 3 * 4096L, Attributes.KERNEL_DATA, false);
        pt.map(0x4000_0000L, RAM, Attributes.USER_DATA); // keeps the L1 table alive
        int mark = tlb.mark();
        pt.unmapRange(0x10_0000L, 603 * 4096L);
        // 600 non-global leaves: ASIDE1; 3 global ones whose L3 table was freed: VAAE1 each
        assertEquals(List.of(DSB, aside1(42), op(TlbiOp.VAAE1, g), op(TlbiOp.VAAE1, g + 0x1000), op(TlbiOp.VAAE1, g + 0x2000), DSB),
                tlb.since(mark));
        assertEquals(3, frees.size(), "two L3 tables and the L2 table");
    }

    @Test
    void aRangeAboveTheThresholdWithAGlobalLeafWhoseTableStaysIsAside1PlusVaale1() {
        PageTable pt = lower(48);
        pt.map(0x60_0000L, RAM, Attributes.USER_DATA); // outside the range: its L3 table stays
        pt.mapRange(0x60_1000L, RAM, 4096L, Attributes.KERNEL_DATA, false);
        pt.mapRange(0x60_2000L, RAM, 510 * 4096L, Attributes.USER_DATA, false);
        pt.mapRange(0x80_0000L, RAM, 101 * 4096L, Attributes.USER_DATA, false);
        pt.map(0x80_0000L + 200 * 4096L, RAM, Attributes.USER_DATA); // and this L3 table stays too
        int mark = tlb.mark();
        pt.unmapRange(0x60_1000L, 612 * 4096L);
        assertEquals(List.of(DSB, aside1(42), op(TlbiOp.VAALE1, 0x60_1000L), DSB), tlb.since(mark));
        assertEquals(List.of(), frees);
    }

    @Test
    void rangesUpToTheThresholdInvalidateEachLeafAsBefore() {
        PageTable pt = lower(48);
        pt.mapRange(0x10_0000L, RAM, 2 * 4096L, Attributes.KERNEL_DATA, false);
        pt.mapRange(0x10_2000L, RAM, 2 * 4096L, Attributes.USER_DATA, false);
        int mark = tlb.mark();
        pt.unmapRange(0x10_1000L, 2 * 4096L);
        assertEquals(List.of(DSB, op(TlbiOp.VAALE1, 0x10_1000L), op(TlbiOp.VALE1, 0x10_2000L, 42), DSB), tlb.since(mark));
    }

    // ---- the upper half: every invalidation is for all ASIDs

    @Test
    void theUpperHalfInvalidatesForAllAsidsEvenNonGlobalLeaves() {
        PageTable k = PageTable.builder(mem, frames, tlb).half(Half.UPPER).asid(9).build();
        long va = 0xFFFF_8000_0000_0000L;
        k.map(va, RAM, Attributes.USER_DATA);
        k.map(va + 0x1000, RAM, Attributes.USER_DATA);
        int mark = tlb.mark();
        k.unmap(va);
        assertEquals(List.of(DSB, op(TlbiOp.VAALE1, va), DSB), tlb.since(mark),
                "a non-global TTBR1 entry is tagged with the ASID TCR_EL1.A1 selects, which the table does not know");
        mark = tlb.mark();
        k.unmap(va + 0x1000);
        assertEquals(List.of(DSB, op(TlbiOp.VAAE1, va + 0x1000), DSB), tlb.since(mark));
        k.mapRange(va, RAM, 600 * 4096L, Attributes.USER_DATA, false);
        mark = tlb.mark();
        k.unmapRange(va, 600 * 4096L);
        assertEquals(List.of(DSB, VMALLE1, DSB), tlb.since(mark), "ASIDE1 is never right for the upper half");
        k.map(va, RAM, Attributes.USER_DATA);
        mark = tlb.mark();
        k.destroy();
        assertEquals(List.of(DSB, VMALLE1, DSB), tlb.since(mark));
    }

    // ---- issue 17, item 2: protect does break-before-make unless the change is safe in place

    /** One ordered log of descriptor writes (to watched pages) and TLB maintenance. */
    static final class OrderedLog implements TlbMaintenance, PageWriteObserver {
        final List<String> log = new ArrayList<>();
        final RecordingTlbMaintenance rec = new RecordingTlbMaintenance();
        final PhysicalMemory mem;

        OrderedLog(PhysicalMemory mem) {
            this.mem = mem;
            mem.setWriteObserver(this);
        }

        private void last() {
            log.add(rec.log().get(rec.log().size() - 1).toString());
        }

        @Override public void written(long pa, int length) { log.add("write " + hex(pa) + " = " + hex(mem.read64(pa))); }
        @Override public void vae1(long va, int asid) { rec.vae1(va, asid); last(); }
        @Override public void vale1(long va, int asid) { rec.vale1(va, asid); last(); }
        @Override public void vaae1(long va) { rec.vaae1(va); last(); }
        @Override public void vaale1(long va) { rec.vaale1(va); last(); }
        @Override public void aside1(int asid) { rec.aside1(asid); last(); }
        @Override public void vmalle1() { rec.vmalle1(); last(); }
        @Override public void dsb() { rec.dsb(); last(); }
    }

    /** The L3 table and the address of the descriptor that maps {@code va}. */
    static long leafSlot(PageTable pt, long va) {
        long[] slot = {-1};
        pt.walk((level, index, eva, tablePa, d) -> {
            if (level == 3 && eva == va) {
                slot[0] = tablePa + 8L * index;
            }
        });
        return slot[0];
    }

    @Test
    void protectFromNonGlobalToGlobalIsBreakBeforeMake() {
        OrderedLog o = new OrderedLog(mem);
        PageTable pt = PageTable.builder(mem, frames, o).asid(5).build();
        long va = 0x1234_5000L;
        pt.map(va, RAM + 0x7000, Attributes.USER_DATA);
        long slot = leafSlot(pt, va);
        mem.watchPage(slot);
        long before = mem.read64(slot);
        Attributes global = Attributes.USER_DATA.withNotGlobal(false);
        long after = Descriptor.page(RAM + 0x7000, global);
        assertEquals(0x0800, before ^ after, "only nG changes");
        o.log.clear();
        pt.protect(va, 4096, global);
        assertEquals(List.of(
                "write " + hex(slot) + " = " + hex(0),
                "DSB ISH",
                "TLBI VALE1IS va=" + hex(va) + " asid=5",
                "DSB ISH",
                "write " + hex(slot) + " = " + hex(after),
                "DSB ISH"), o.log, "the per-ASID entry is gone before the global one can be cached");
        assertEquals(global, pt.translate(va).orElseThrow().attributes());
    }

    @Test
    void protectFromGlobalToNonGlobalIsSafeInPlace() {
        OrderedLog o = new OrderedLog(mem);
        PageTable pt = PageTable.builder(mem, frames, o).asid(5).build();
        long va = 0x1234_5000L;
        pt.map(va, RAM + 0x7000, Attributes.KERNEL_DATA);
        long slot = leafSlot(pt, va);
        mem.watchPage(slot);
        Attributes nonGlobal = Attributes.KERNEL_DATA.withNotGlobal(true);
        o.log.clear();
        pt.protect(va, 4096, nonGlobal);
        assertEquals(List.of(
                "write " + hex(slot) + " = " + hex(Descriptor.page(RAM + 0x7000, nonGlobal)),
                "DSB ISH",
                "TLBI VAALE1IS va=" + hex(va),
                "DSB ISH"), o.log, "in place, then the old global entry is invalidated for all ASIDs");
    }

    @Test
    void protectOfPermissionsIsInPlaceAndOfMemoryTypeIsBreakBeforeMake() {
        OrderedLog o = new OrderedLog(mem);
        PageTable pt = PageTable.builder(mem, frames, o).asid(5).build();
        long va = 0x1234_5000L;
        pt.map(va, RAM, Attributes.USER_DATA);
        long slot = leafSlot(pt, va);
        mem.watchPage(slot);
        o.log.clear();
        pt.protect(va, 4096, Attributes.USER_RODATA);
        assertEquals(List.of("write " + hex(slot) + " = " + hex(Descriptor.page(RAM, Attributes.USER_RODATA)), "DSB ISH",
                "TLBI VALE1IS va=" + hex(va) + " asid=5", "DSB ISH"), o.log);
        Attributes device = new Attributes(MemoryType.DEVICE_NGNRE, AccessPermission.RO_ALL, Shareability.INNER,
                true, true, true, true, 0);
        o.log.clear();
        pt.protect(va, 4096, device);
        assertEquals(List.of("write " + hex(slot) + " = " + hex(0), "DSB ISH", "TLBI VALE1IS va=" + hex(va) + " asid=5", "DSB ISH",
                "write " + hex(slot) + " = " + hex(Descriptor.page(RAM, device)), "DSB ISH"), o.log);
        o.log.clear();
        pt.protect(va, 4096, device);
        assertEquals(List.of("DSB ISH"), o.log, "nothing changes: nothing written, nothing invalidated");
    }

    @Test
    void theInPlaceRuleIsLinuxsPgattrChangeIsSafe() {
        long ng = Descriptor.bit(Descriptor.NG_BIT);
        long page = Descriptor.page(RAM, Attributes.USER_DATA);
        assertTrue(PageTable.changeIsSafeInPlace(page, Descriptor.page(RAM, Attributes.USER_RODATA)), "AP");
        assertTrue(PageTable.changeIsSafeInPlace(page, page ^ Descriptor.bit(Descriptor.UXN_BIT)), "UXN");
        assertTrue(PageTable.changeIsSafeInPlace(page, page ^ Descriptor.bit(Descriptor.PXN_BIT)), "PXN");
        assertTrue(PageTable.changeIsSafeInPlace(page & ~ng, page), "global -> non-global");
        assertFalse(PageTable.changeIsSafeInPlace(page, page & ~ng), "non-global -> global");
        assertFalse(PageTable.changeIsSafeInPlace(page, page ^ (1L << Descriptor.ATTR_INDX_SHIFT)), "memory type");
        assertFalse(PageTable.changeIsSafeInPlace(page, page ^ (1L << Descriptor.SH_SHIFT)), "shareability");
        assertFalse(PageTable.changeIsSafeInPlace(page, page + 0x1000), "output address");
        assertFalse(PageTable.changeIsSafeInPlace(Descriptor.block(RAM, Attributes.USER_DATA), Descriptor.table(RAM)), "block -> table");
    }

    // ---- retag and NO_ASID

    @Test
    void retagChangesTheAsidOfLaterInvalidationsOnly() {
        PageTable pt = lower(48);
        pt.map(0x1000, RAM, Attributes.USER_DATA);
        pt.map(0x2000, RAM, Attributes.USER_DATA);
        long l0 = mem.read64(pt.root());
        int mark = tlb.mark();
        pt.retag(7);
        assertEquals(List.of(), tlb.since(mark), "retagging issues nothing");
        assertEquals(l0, mem.read64(pt.root()), "and writes nothing");
        assertEquals(7, pt.asid());
        assertEquals((7L << 48) | pt.root(), pt.ttbr());
        pt.unmap(0x1000);
        assertEquals(List.of(DSB, op(TlbiOp.VALE1, 0x1000, 7), DSB), tlb.since(mark));
        assertThrows(IllegalArgumentException.class, () -> pt.retag(0x1_0000));
        assertThrows(IllegalArgumentException.class, () -> pt.retag(-2));
        assertEquals(7, pt.asid(), "a refused retag changes nothing");
    }

    @Test
    void aTableWithNoAsidSkipsByAsidInvalidationsButNotGlobalOnes() {
        PageTable pt = PageTable.builder(mem, frames, tlb).asid(PageTable.NO_ASID).build();
        assertEquals(pt.root(), pt.ttbr(), "ASID field 0");
        pt.map(0x1000, RAM, Attributes.USER_DATA);
        pt.map(0x2000, RAM, Attributes.USER_DATA);
        pt.map(0x3000, RAM, Attributes.KERNEL_DATA);
        int mark = tlb.mark();
        pt.unmap(0x1000);
        assertEquals(List.of(DSB), tlb.since(mark), "nothing of it can be cached under an ASID");
        mark = tlb.mark();
        pt.unmap(0x3000);
        assertEquals(List.of(DSB, op(TlbiOp.VAALE1, 0x3000), DSB), tlb.since(mark));
        pt.map(0x3000, RAM, Attributes.KERNEL_DATA);
        mark = tlb.mark();
        pt.destroy();
        assertEquals(List.of(DSB, op(TlbiOp.VAAE1, 0x3000), DSB), tlb.since(mark));
        assertEquals(frames.totalFrames(), frames.freeFrames());
    }

    // ---- issue 17, item 4: build() does not leak the root

    @Test
    void buildGivesTheRootBackWhenZeroingItFails() {
        PhysicalMemory small = PhysicalMemory.of(RAM, 64 * 1024);
        BuddyAllocator elsewhere = BuddyAllocator.forRegion(RAM + (1L << 20), 16 * 4096L); // frames outside `small`
        assertThrows(PhysicalAddressException.class, () -> PageTable.builder(small, elsewhere, tlb).build());
        assertEquals(16, elsewhere.freeFrames(), "the root frame went back");
        assertEquals(0, elsewhere.usedFrames());
        assertEquals(0, tlb.mark());
    }
}
