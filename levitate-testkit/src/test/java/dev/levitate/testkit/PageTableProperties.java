package dev.levitate.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.mmu.PageTable;
import dev.levitate.mmu.PageTableDump;
import dev.levitate.mmu.PageTableOutOfMemoryException;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** SC1 and SC2 as properties: random operation sequences against the reference model. */
class PageTableProperties {

    @Provide
    Arbitrary<List<PageTableOp>> sequences() {
        return PageTableArbitraries.opSequences(40);
    }

    @Property(tries = 150)
    void fourLevelEagerTablesAgreeWithTheModel(@ForAll("sequences") List<PageTableOp> ops) {
        new PageTableHarness(b -> b.vaBits(48).asid(7)).run(ops);
    }

    @Property(tries = 100)
    void threeLevelTablesAgreeWithTheModel(@ForAll("sequences") List<PageTableOp> ops) {
        new PageTableHarness(b -> b.vaBits(39).asid(3)).run(ops);
    }

    @Property(tries = 60)
    void explicitReclamationAgreesWithTheModel(@ForAll("sequences") List<PageTableOp> ops) {
        new PageTableHarness(b -> b.reclaim(PageTable.ReclaimMode.EXPLICIT).rangeThreshold(64)).run(ops);
    }

    @Property(tries = 40)
    void rescanningForEmptyTablesGivesTheSameTables(@ForAll("sequences") List<PageTableOp> ops) {
        new PageTableHarness(b -> b.emptyTableDetection(PageTable.EmptyTableDetection.RESCAN)).run(ops);
    }

    @Property(tries = 60)
    void kernelHalfWithGlobalMappingsAgreesWithTheModel(@ForAll("sequences") List<PageTableOp> ops) {
        long upper = 0xFFFF_8000_0000_0000L;
        List<PageTableOp> moved = ops.stream().map(op -> PageTableArbitraries.shift(op, upper)).toList();
        new PageTableHarness(b -> b.half(dev.levitate.mmu.Half.UPPER)).run(moved);
    }

    @Provide
    Arbitrary<PageTableOp> anyOp() {
        return PageTableArbitraries.ops();
    }

    /** An allocator that fails at the k-th allocation: the operation throws and nothing changed. */
    @Property(tries = 150)
    void runningOutOfFramesHalfwayChangesNothing(@ForAll("sequences") List<PageTableOp> setup, @ForAll("anyOp") PageTableOp op,
                                                 @ForAll @IntRange(min = 1, max = 4) int k) {
        PageTableHarness h = new PageTableHarness(b -> b);
        for (PageTableOp s : setup) {
            h.step(s);
        }
        String before = PageTableDump.tree(h.table);
        long free = h.frames.freeFrames();
        int tlbMark = h.tlb.mark();
        h.frames.failAt(k);
        try {
            op.applyTo(h.table);
            h.frames.stopFailing();
            assertTrue(op.applyTo(h.model) == null, op + " succeeded on the table but the model refuses it");
        } catch (PageTableOutOfMemoryException e) {
            h.frames.stopFailing();
            assertEquals(before, PageTableDump.tree(h.table), "tables changed by a failed " + op);
            assertEquals(free, h.frames.freeFrames(), "allocator changed by a failed " + op);
            assertEquals(tlbMark, h.tlb.mark(), "TLB log changed by a failed " + op);
        } catch (dev.levitate.mmu.MappingException e) {
            h.frames.stopFailing();
            assertTrue(op.applyTo(h.model) != null, op + " was refused (" + e.getMessage() + ") but the model accepts it");
        }
        PageTableInvariants.checkAll(h.table, h.frames, h.model);
    }

    @Property(tries = 20)
    void aDoubleUnmapIsAlwaysRefused(@ForAll("sequences") List<PageTableOp> ops) {
        PageTableHarness h = new PageTableHarness(b -> b);
        h.step(new PageTableOp.Map(0x1000, 0x4000_0000L, dev.levitate.mmu.Attributes.USER_DATA));
        h.step(new PageTableOp.Unmap(0x1000));
        assertThrows(dev.levitate.mmu.NotMappedException.class, () -> h.table.unmap(0x1000));
        h.run(ops);
    }

    @Property(tries = 10)
    void arbitraryVasArePageAligned(@ForAll("vas") long va) {
        assertEquals(0, va & 0xFFF);
    }

    @Provide
    Arbitrary<Long> vas() {
        return Arbitraries.oneOf(PageTableArbitraries.pageVas(), PageTableArbitraries.blockVas());
    }
}
