package dev.levitate.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.levitate.mmu.Attributes;
import dev.levitate.mmu.Half;
import dev.levitate.mmu.PageTable;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The harness's own end-of-run reclamation works in both halves (issue 17, item 4). */
class PageTableHarnessHalvesTest {

    @Test
    void theUpperHalfWithExplicitReclamationEndsWithOnlyTheRoot() {
        for (int bits : new int[] {48, 39}) {
            long base = -1L << bits;
            PageTableHarness h = new PageTableHarness(b -> b.half(Half.UPPER).vaBits(bits).reclaim(PageTable.ReclaimMode.EXPLICIT));
            h.run(List.of(new PageTableOp.Map(base + 0x1234_5000L, 0x4000_0000L, Attributes.KERNEL_DATA),
                    new PageTableOp.Map(base + 0x7_0000_0000L, 0x4000_1000L, Attributes.KERNEL_DATA)));
            assertEquals(List.of(h.pageTable().root()), h.pageTable().tables(), bits + "-bit upper half");
            assertEquals(h.freeAtStart() - 1, h.frames.freeFrames());
        }
    }

    @Test
    void theLowerHalfWithExplicitReclamationStillEndsWithOnlyTheRoot() {
        PageTableHarness h = new PageTableHarness(b -> b.reclaim(PageTable.ReclaimMode.EXPLICIT));
        h.run(List.of(new PageTableOp.Map(0x1234_5000L, 0x4000_0000L, Attributes.USER_DATA)));
        assertEquals(List.of(h.pageTable().root()), h.pageTable().tables());
    }
}
