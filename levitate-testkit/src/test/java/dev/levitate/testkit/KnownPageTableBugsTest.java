package dev.levitate.testkit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.mmu.Attributes;
import dev.levitate.mmu.Half;
import org.junit.jupiter.api.Test;

/**
 * KNOWN BUGS of today's levitate-mmu {@code PageTable}, issue #17 items 1 and 2, fixed on another
 * branch. Each test asserts that the TLB model REPORTS the bug, naming the check. After the fix is
 * merged these tests fail: flip each one to {@code harness.run(...)} / {@code harness.destroy()}
 * passing (the comment on each says how), and enable
 * {@code PageTableProperties.lowerHalfMixedMappingsAfterTheFix}.
 */
class KnownPageTableBugsTest {
    private static final long PA = 0x4080_0000L;

    private static void assertCaught(Runnable r, TlbCheck check, String... mustName) {
        AssertionError e = assertThrows(AssertionError.class, r::run);
        String m = e.getMessage();
        assertTrue(m.contains("[" + check.label() + "]"), "expected [" + check.label() + "] in:\n" + m);
        for (String s : mustName) {
            assertTrue(m.contains(s), "expected '" + s + "' in:\n" + m);
        }
    }

    /**
     * Issue #17 item 1: above the 512-page threshold unmapRange invalidates with one ASIDE1, which
     * leaves global (nG = 0) leaves cached. FLIP: the same calls must pass.
     */
    @Test
    void knownBugGlobalLowerHalfUnmapRangeAboveTheThresholdLeavesStaleEntries() {
        PageTableHarness h = new PageTableHarness(b -> b.half(Half.LOWER).asid(42));
        h.step(new PageTableOp.MapRange(0, PA, 513 * 4096L, Attributes.KERNEL_DATA, false));
        assertCaught(() -> h.step(new PageTableOp.UnmapRange(0, 513 * 4096L)), TlbCheck.STALE_ENTRY,
                "VA 0x0000_0000_0000_0000", "global", "TLBI");
    }

    /** Issue #17 item 1, protect of 600 global pages on a 39-bit table: ASIDE1 again. FLIP: must pass. */
    @Test
    void knownBugGlobalLowerHalfProtectAboveTheThresholdLeavesStaleEntries() {
        PageTableHarness h = new PageTableHarness(b -> b.vaBits(39).asid(42));
        h.step(new PageTableOp.MapRange(0, PA, 600 * 4096L, Attributes.KERNEL_DATA, false));
        assertCaught(() -> h.step(new PageTableOp.Protect(0, 600 * 4096L, Attributes.KERNEL_RODATA)), TlbCheck.STALE_ENTRY,
                "global", "EL1 RW");
    }

    /** Issue #17 item 1, destroy() of a lower-half table holding a global page: ASIDE1 again. FLIP: must pass. */
    @Test
    void knownBugDestroyLeavesAGlobalLowerHalfPageCached() {
        PageTableHarness h = new PageTableHarness(b -> b.asid(42));
        h.step(new PageTableOp.Map(0x1000, PA, Attributes.KERNEL_DATA));
        assertCaught(h::destroy, TlbCheck.STALE_ENTRY, "VA 0x0000_0000_0000_1000", "global", "retired");
    }

    /**
     * Issue #17 item 2: protect from non-global to global rewrites the leaf in place; the old per-ASID
     * entry and the new global one can both be cached. FLIP: must pass.
     */
    @Test
    void knownBugProtectFromNonGlobalToGlobalSkipsBreakBeforeMake() {
        PageTableHarness h = new PageTableHarness(b -> b.asid(42));
        h.step(new PageTableOp.Map(0x1000, PA, Attributes.USER_DATA));
        assertCaught(() -> h.step(new PageTableOp.Protect(0x1000, 4096, Attributes.USER_DATA.withNotGlobal(false))),
                TlbCheck.BREAK_BEFORE_MAKE, "VA 0x0000_0000_0000_1000", "ASID 42", "nG from 1 to 0");
    }

    /** What stays correct today and after the fix: non-global above the threshold, and destroy without global pages. */
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
