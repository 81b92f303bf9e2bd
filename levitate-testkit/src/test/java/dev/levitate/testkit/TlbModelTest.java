package dev.levitate.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.core.alloc.AllocatorStats;
import dev.levitate.core.alloc.PageAllocator;
import dev.levitate.core.mem.PhysicalMemory;
import dev.levitate.core.tlb.TlbMaintenance;
import dev.levitate.mmu.Attributes;
import dev.levitate.mmu.Descriptor;
import dev.levitate.mmu.Half;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The TLB model's scopes and checks, one rule per test, on hand-written tables: root (L0) -> L1 ->
 * L2 -> L3 with one page at VA 0x1000, ASID 7.
 */
class TlbModelTest {
    static final long ROOT = 0x4000_0000L, L1 = 0x4000_1000L, L2 = 0x4000_2000L, L3 = 0x4000_3000L;
    static final long PA = 0x4080_0000L;
    static final long VA = 0x1000;
    PhysicalMemory mem;
    TlbModel model;
    TlbMaintenance tlb;
    PageAllocator frames;

    void build(Attributes page, Half half) {
        mem = PhysicalMemory.of(0x4000_0000L, 16L << 20);
        mem.write64(ROOT + 8L * (half == Half.UPPER ? 511 : 0), Descriptor.table(L1));
        mem.write64(L1 + 8L * (half == Half.UPPER ? 511 : 0), Descriptor.table(L2));
        mem.write64(L2 + 8L * (half == Half.UPPER ? 511 : 0), Descriptor.table(L3));
        mem.write64(L3 + 8, Descriptor.page(PA, page));
        model = TlbModel.attach(mem, ROOT, half, 48, 7);
        tlb = model.tlb(TlbMaintenance.none());
        frames = model.allocator(new PageAllocator() {
            @Override public long tryAllocate(int order) { return NO_FRAME; }
            @Override public void free(long pa, int order) { }
            @Override public int maxOrder() { return 0; }
            @Override public long freeFrames() { return 0; }
            @Override public long usedFrames() { return 0; }
            @Override public AllocatorStats stats() { return null; }
        });
    }

    @BeforeEach
    void nonGlobalPage() {
        build(Attributes.USER_DATA, Half.LOWER);
    }

    private static void assertOnly(List<TlbViolation> v, TlbCheck check, String... names) {
        assertTrue(!v.isEmpty() && v.stream().allMatch(x -> x.check() == check), "expected only " + check + ": " + v);
        for (String n : names) {
            assertTrue(v.get(0).message().contains(n), "expected '" + n + "' in " + v.get(0));
        }
    }

    private void clearLeaf() {
        mem.write64(L3 + 8, 0);
    }

    private void detachL3() {
        mem.write64(L3 + 8, 0);
        mem.write64(L2, 0);
    }

    @Test
    void writeDsbVale1DsbIsClean() {
        clearLeaf();
        tlb.dsb();
        tlb.vale1(VA, 7);
        tlb.dsb();
        assertEquals(List.of(), model.endOperation());
    }

    @Test
    void aClearedLeafWithoutATlbiIsStale() {
        clearLeaf();
        tlb.dsb();
        assertOnly(model.endOperation(), TlbCheck.STALE_ENTRY, "VA 0x0000_0000_0000_1000", "level 3", "ASID 7",
                "0x0000_0000_4080_0000", "no TLBI");
    }

    @Test
    void vale1KeepsTheWalkCacheVae1DropsIt() {
        detachL3();
        tlb.dsb();
        tlb.vale1(VA, 7);
        tlb.dsb();
        assertOnly(model.endOperation(), TlbCheck.STALE_ENTRY, "walk-cache entry", "level 2", "table 0x0000_0000_4000_3000");
        build(Attributes.USER_DATA, Half.LOWER);
        detachL3();
        tlb.dsb();
        tlb.vae1(VA, 7);
        tlb.dsb();
        assertEquals(List.of(), model.endOperation());
    }

    @Test
    void anotherAsidCoversNothingOfThisOne() {
        clearLeaf();
        tlb.dsb();
        tlb.vae1(VA, 8);
        tlb.aside1(8);
        tlb.dsb();
        assertOnly(model.endOperation(), TlbCheck.STALE_ENTRY, "ASID 7");
    }

    @Test
    void anotherVaCoversNothing() {
        clearLeaf();
        tlb.dsb();
        tlb.vae1(VA + 0x1000, 7);
        tlb.vaae1(VA + 0x1000);
        tlb.dsb();
        assertOnly(model.endOperation(), TlbCheck.STALE_ENTRY);
    }

    @Test
    void aside1DropsNonGlobalLeavesAndTheWalkCache() {
        detachL3();
        tlb.dsb();
        tlb.aside1(7);
        tlb.dsb();
        assertEquals(List.of(), model.endOperation());
    }

    @Test
    void aside1LeavesGlobalLeaves() {
        build(Attributes.KERNEL_DATA, Half.LOWER);
        clearLeaf();
        tlb.dsb();
        tlb.aside1(7);
        tlb.dsb();
        assertOnly(model.endOperation(), TlbCheck.STALE_ENTRY, "global");
    }

    @Test
    void aGlobalLeafIsCoveredByVale1OfAnyAsidAndByVaale1() {
        build(Attributes.KERNEL_DATA, Half.LOWER);
        clearLeaf();
        tlb.dsb();
        tlb.vale1(VA, 99);
        tlb.dsb();
        assertEquals(List.of(), model.endOperation());
        mem.write64(L3 + 8, Descriptor.page(PA, Attributes.KERNEL_DATA));
        model.endOperation();
        clearLeaf();
        tlb.dsb();
        tlb.vaale1(VA);
        tlb.dsb();
        assertEquals(List.of(), model.endOperation());
    }

    @Test
    void vaale1KeepsTheWalkCacheVaae1AndVmalle1DropIt() {
        detachL3();
        tlb.dsb();
        tlb.vaale1(VA);
        tlb.dsb();
        assertOnly(model.endOperation(), TlbCheck.STALE_ENTRY, "walk-cache entry");
        build(Attributes.USER_DATA, Half.LOWER);
        detachL3();
        tlb.dsb();
        tlb.vaae1(VA);
        tlb.dsb();
        assertEquals(List.of(), model.endOperation());
        build(Attributes.KERNEL_DATA, Half.LOWER);
        detachL3();
        tlb.dsb();
        tlb.vmalle1();
        tlb.dsb();
        assertEquals(List.of(), model.endOperation());
    }

    @Test
    void aTlbiBeforeTheDsbOfTheWriteIsReported() {
        clearLeaf();
        tlb.vale1(VA, 7);
        tlb.dsb();
        List<TlbViolation> v = model.endOperation();
        assertEquals(TlbCheck.TLBI_BEFORE_DSB, v.get(0).check(), v.toString());
        assertTrue(v.get(0).message().contains("TLBI VALE1 va=0x0000_0000_0000_1000 asid=7"), v.toString());
    }

    @Test
    void aTlbiWithoutATrailingDsbLeavesTheEntryCached() {
        clearLeaf();
        tlb.dsb();
        tlb.vale1(VA, 7);
        assertOnly(model.endOperation(), TlbCheck.STALE_ENTRY, "never completed by a DSB");
    }

    @Test
    void aTableFreedBeforeItsInvalidationCompletedIsReported() {
        detachL3();
        tlb.dsb();
        tlb.vae1(VA, 7);
        frames.free(L3, 0);
        tlb.dsb();
        List<TlbViolation> v = model.endOperation();
        assertEquals(TlbCheck.FREED_BEFORE_INVALIDATE, v.get(0).check(), v.toString());
        assertTrue(v.get(0).message().contains("0x0000_0000_4000_3000") && v.get(0).message().contains("not yet completed"), v.toString());
    }

    @Test
    void aTableFreedAfterItsInvalidationIsClean() {
        detachL3();
        tlb.dsb();
        tlb.vae1(VA, 7);
        tlb.dsb();
        frames.free(L3, 0);
        assertEquals(List.of(), model.endOperation());
    }

    @Test
    void aLinkedTableOrTheRootFreedIsReported() {
        frames.free(L3, 0);
        frames.free(ROOT, 0);
        List<TlbViolation> v = model.endOperation();
        assertEquals(2, v.size(), v.toString());
        assertTrue(v.stream().allMatch(x -> x.check() == TlbCheck.FREED_WHILE_LINKED), v.toString());
        assertTrue(v.get(1).message().contains("the root"), v.toString());
    }

    @Test
    void aNewOutputAddressInPlaceNeedsBreakBeforeMake() {
        mem.write64(L3 + 8, Descriptor.page(PA + 0x1000, Attributes.USER_DATA));
        tlb.dsb();
        tlb.vale1(VA, 7);
        tlb.dsb();
        assertOnly(model.endOperation(), TlbCheck.BREAK_BEFORE_MAKE, "a new output address", "0x0000_0000_4080_1000");
    }

    @Test
    void aPermissionChangeInPlaceThenVale1IsClean() {
        mem.write64(L3 + 8, Descriptor.page(PA, Attributes.USER_RODATA));
        tlb.dsb();
        tlb.vale1(VA, 7);
        tlb.dsb();
        assertEquals(List.of(), model.endOperation());
    }

    @Test
    void breakBeforeMakeDoneRightIsClean() {
        clearLeaf();
        tlb.dsb();
        tlb.vale1(VA, 7);
        tlb.dsb();
        mem.write64(L3 + 8, Descriptor.page(PA + 0x1000, Attributes.DEVICE.withNotGlobal(true)));
        tlb.dsb();
        assertEquals(List.of(), model.endOperation());
    }

    @Test
    void aTableReplacedByABlockWithoutBreakBeforeMakeIsReported() {
        mem.write64(L2, Descriptor.block(0x4020_0000L, Attributes.USER_DATA));
        tlb.dsb();
        tlb.vae1(VA, 7);
        tlb.dsb();
        List<TlbViolation> v = model.endOperation();
        assertTrue(v.stream().anyMatch(x -> x.check() == TlbCheck.BREAK_BEFORE_MAKE && x.message().contains("a table replaced by a block")),
                v.toString());
    }

    @Test
    void upperHalfEntriesAreNotCoveredByLowerHalfVas() {
        build(Attributes.KERNEL_DATA, Half.UPPER);
        long va = 0xFFFF_FFFF_FFE0_1000L;
        mem.write64(L3 + 8, 0);
        tlb.dsb();
        tlb.vaale1(VA);
        tlb.dsb();
        assertOnly(model.endOperation(), TlbCheck.STALE_ENTRY, "0xffff_ffff_ffe0_1000");
        build(Attributes.KERNEL_DATA, Half.UPPER);
        mem.write64(L3 + 8, 0);
        tlb.dsb();
        tlb.vaale1(va);
        tlb.dsb();
        assertEquals(List.of(), model.endOperation());
    }
}
