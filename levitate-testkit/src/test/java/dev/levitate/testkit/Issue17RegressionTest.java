package dev.levitate.testkit;

import dev.levitate.mmu.Attributes;
import dev.levitate.mmu.Half;
import org.junit.jupiter.api.Test;

/**
 * The reproducers of issue #17 items 1 and 2, run through the harness and its TLB model at every
 * step. Before the fix each of them was reported ({@code [staleEntry]} for the global leaves that
 * one {@code TLBI ASIDE1} left cached, {@code [breakBeforeMake]} for nG going from 1 to 0 in place);
 * now each step must pass every check, and {@link #nonGlobalAboveTheThresholdAndDestroyAreClean}
 * keeps the cases that were always right.
 */
class Issue17RegressionTest {
    private static final long PA = 0x4080_0000L;

    /** Item 1: above the 512-page threshold unmapRange of global leaves in the lower half must reach them. */
    @Test
    void globalLowerHalfUnmapRangeAboveTheThresholdLeavesNothingStale() {
        PageTableHarness h = new PageTableHarness(b -> b.half(Half.LOWER).asid(42));
        h.step(new PageTableOp.MapRange(0, PA, 513 * 4096L, Attributes.KERNEL_DATA, false));
        h.step(new PageTableOp.UnmapRange(0, 513 * 4096L));
        h.destroy();
    }

    /** Item 1: protect of 600 global pages on a 39-bit table. */
    @Test
    void globalLowerHalfProtectAboveTheThresholdLeavesNothingStale() {
        PageTableHarness h = new PageTableHarness(b -> b.vaBits(39).asid(42));
        h.step(new PageTableOp.MapRange(0, PA, 600 * 4096L, Attributes.KERNEL_DATA, false));
        h.step(new PageTableOp.Protect(0, 600 * 4096L, Attributes.KERNEL_RODATA));
        h.step(new PageTableOp.UnmapRange(0, 600 * 4096L));
        h.destroy();
    }

    /** Item 1: destroy() of a lower-half table holding a global page. */
    @Test
    void destroyInvalidatesAGlobalLowerHalfPage() {
        PageTableHarness h = new PageTableHarness(b -> b.asid(42));
        h.step(new PageTableOp.Map(0x1000, PA, Attributes.KERNEL_DATA));
        h.destroy();
    }

    /** Item 2: protect from non-global to global must break before make. */
    @Test
    void protectFromNonGlobalToGlobalBreaksBeforeMake() {
        PageTableHarness h = new PageTableHarness(b -> b.asid(42));
        h.step(new PageTableOp.Map(0x1000, PA, Attributes.USER_DATA));
        h.step(new PageTableOp.Protect(0x1000, 4096, Attributes.USER_DATA.withNotGlobal(false)));
        h.step(new PageTableOp.Unmap(0x1000));
        h.destroy();
    }

    /** What was always correct: non-global above the threshold, and destroy without global pages. */
    @Test
    void nonGlobalAboveTheThresholdAndDestroyAreClean() {
        PageTableHarness h = new PageTableHarness(b -> b.asid(42));
        h.step(new PageTableOp.MapRange(0, PA, 513 * 4096L, Attributes.USER_DATA, false));
        h.step(new PageTableOp.Protect(0, 513 * 4096L, Attributes.USER_RODATA));
        h.step(new PageTableOp.UnmapRange(0, 513 * 4096L));
        h.step(new PageTableOp.Map(0x1000, PA, Attributes.USER_DATA));
        h.destroy();
    }
}
