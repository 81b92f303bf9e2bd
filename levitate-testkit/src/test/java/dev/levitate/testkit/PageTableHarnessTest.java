package dev.levitate.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.core.alloc.BuddyAllocator;
import dev.levitate.core.mem.PhysicalMemory;
import dev.levitate.core.tlb.RecordingTlbMaintenance;
import dev.levitate.core.tlb.TlbiOp;
import dev.levitate.mmu.Attributes;
import dev.levitate.mmu.Half;
import dev.levitate.mmu.MisalignedAddressException;
import dev.levitate.mmu.PageTable;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The harness's own behaviour: the paper cuts of issue #17, one per test. */
class PageTableHarnessTest {
    static final long PA = 0x4080_0000L;

    /** Issue #17 item 4: the harness's final reclaim used [0, 2^vaBits) and threw in the upper half. */
    @Test
    void upperHalfWithExplicitReclamationEndsCleanly() {
        long upper = -1L << 48;
        new PageTableHarness(b -> b.half(Half.UPPER).reclaim(PageTable.ReclaimMode.EXPLICIT))
                .run(List.of(new PageTableOp.Map(upper + 0x40_0000L, PA, Attributes.KERNEL_DATA)));
    }

    @Test
    void theCallersAllocatorAndTlbPortAreUsed() {
        PhysicalMemory ram = PhysicalMemory.of(0x4000_0000L, 16L << 20);
        BuddyAllocator mine = BuddyAllocator.builder().regions(ram).build();
        RecordingTlbMaintenance myTlb = new RecordingTlbMaintenance();
        PageTableHarness h = PageTableHarness.builder(PageTableHarness.pageTable(b -> b.asid(5)))
                .memory(ram).allocator(mine).tlb(myTlb).build();
        h.step(new PageTableOp.Map(0x1000, PA, Attributes.USER_DATA));
        assertEquals(4, mine.usedFrames(), "root + L1 + L2 + L3 from the caller's allocator");
        h.step(new PageTableOp.Unmap(0x1000));
        assertEquals(1, mine.usedFrames());
        assertEquals(1, myTlb.count(TlbiOp.VAE1), "the caller's port saw the invalidation: " + myTlb.log());
    }

    @Test
    void refusedOperationsAreDrivenAndMustChangeNothing() {
        PageTableHarness h = new PageTableHarness(b -> b.vaBits(39));
        h.step(new PageTableOp.Map(0x1800, PA, Attributes.USER_DATA));                 // misaligned VA
        h.step(new PageTableOp.Map(0x2000, PA + 0x10, Attributes.USER_DATA));          // misaligned PA
        h.step(new PageTableOp.Map(1L << 39, PA, Attributes.USER_DATA));               // outside a 39-bit half
        h.step(new PageTableOp.UnmapRange(0x1000, 0));                                 // empty size
        h.step(new PageTableOp.Protect(-1L << 39, 4096, Attributes.USER_DATA));        // the other half
        h.step(new PageTableOp.Unmap(0x5000));                                         // not mapped
        assertEquals(0, h.model.size());
    }

    @Test
    void aTableThatAcceptsWhatTheModelRefusesIsCaught() {
        PageTableHarness h = PageTableHarness.builder((m, f, t) -> {
            TestablePageTable real = PageTableHarness.pageTable(b -> b).build(m, f, t);
            return new DelegatingTable(real) {
                @Override
                public void map(long va, long pa, Attributes a) {
                    real.map(va & -4096L, pa, a); // rounds a misaligned VA down instead of refusing it
                }
            };
        }).build();
        AssertionError e = assertThrows(AssertionError.class, () -> h.step(new PageTableOp.Map(0x1800, PA, Attributes.USER_DATA)));
        assertTrue(e.getMessage().contains("[outcome]") && e.getMessage().contains("MISALIGNED"), e.getMessage());
    }

    @Test
    void aRefusalThatChangesSomethingIsCaught() {
        PageTableHarness h = PageTableHarness.builder((m, f, t) -> {
            TestablePageTable real = PageTableHarness.pageTable(b -> b).build(m, f, t);
            return new DelegatingTable(real) {
                @Override
                public void map(long va, long pa, Attributes a) {
                    real.map(va & -4096L, pa, a);
                    throw new MisalignedAddressException(va, "refused, after mapping it anyway");
                }
            };
        }).build();
        AssertionError e = assertThrows(AssertionError.class, () -> h.step(new PageTableOp.Map(0x1800, PA, Attributes.USER_DATA)));
        assertTrue(e.getMessage().contains("[refusalChangedNothing]"), e.getMessage());
    }

    @Test
    void protectPrintsItsWholeAttributes() {
        String s = new PageTableOp.Protect(0x1000, 3 * 4096, Attributes.USER_DATA).toString();
        assertEquals("protect(0x0000_0000_0000_1000, 0x0000_0000_0000_3000 (3 pages), " + Attributes.USER_DATA + ")", s);
        assertTrue(s.contains("nG") && s.contains("UXN") && s.contains("EL0+EL1 RW"), s);
    }

    @Test
    void attributesAreHalfGlobalAsTheJavadocSays() {
        long global = PageTableArbitraries.attributes().sampleStream().limit(4000).filter(a -> !a.notGlobal()).count();
        assertTrue(global > 1700 && global < 2300, global + " of 4000 global");
        assertTrue(PageTableArbitraries.attributes(true).sampleStream().limit(200).noneMatch(Attributes::notGlobal));
        assertTrue(PageTableArbitraries.attributes(false).sampleStream().limit(200).allMatch(Attributes::notGlobal));
    }

    @Test
    void movedOperationsLandInTheUpperHalfOfBothSizes() {
        PageTableOp op = new PageTableOp.Map(0x7F_FF00_0000L, PA, Attributes.KERNEL_DATA);
        assertEquals(0xFFFF_FFFF_FF00_0000L, PageTableArbitraries.moveTo(op, Half.UPPER, 39).va());
        assertEquals(0xFFFF_007F_FF00_0000L, PageTableArbitraries.moveTo(op, Half.UPPER, 48).va());
    }

    /** Forwards everything to another table; tests override one method to plant a mistake. */
    static class DelegatingTable implements TestablePageTable {
        final TestablePageTable inner;

        DelegatingTable(TestablePageTable inner) {
            this.inner = inner;
        }

        @Override public void map(long va, long pa, Attributes a) { inner.map(va, pa, a); }
        @Override public long unmap(long va) { return inner.unmap(va); }
        @Override public void mapRange(long va, long pa, long size, Attributes a, boolean b) { inner.mapRange(va, pa, size, a, b); }
        @Override public void unmapRange(long va, long size) { inner.unmapRange(va, size); }
        @Override public void protect(long va, long size, Attributes a) { inner.protect(va, size, a); }
        @Override public long root() { return inner.root(); }
        @Override public PhysicalMemory memory() { return inner.memory(); }
        @Override public dev.levitate.core.alloc.PageAllocator allocator() { return inner.allocator(); }
        @Override public dev.levitate.core.tlb.TlbMaintenance tlb() { return inner.tlb(); }
        @Override public Half half() { return inner.half(); }
        @Override public int vaBits() { return inner.vaBits(); }
        @Override public int asid() { return inner.asid(); }
    }
}
