package dev.levitate.testkit;

import dev.levitate.core.alloc.BuddyAllocator;
import dev.levitate.core.alloc.PageAllocator;
import dev.levitate.core.mem.PhysicalMemory;
import dev.levitate.core.tlb.RecordingTlbMaintenance;
import dev.levitate.mmu.Half;
import dev.levitate.mmu.MappingException;
import dev.levitate.mmu.PageTable;
import dev.levitate.mmu.PageTableDump;
import java.util.List;
import java.util.function.Function;

/**
 * Runs operation sequences on a real {@link PageTable} and the {@link ReferenceModel} side by
 * side, checking after every step that they agree, that a refused operation changed nothing
 * (tables, allocator, TLB log), that every invariant holds, and that no table was freed before
 * its invalidation. At the end it unmaps everything and checks that only the root remains and
 * the allocator is back where it started.
 *
 * <p>One harness per property try; not thread-safe.
 */
public final class PageTableHarness {
    /** Physical memory the tables live in. */
    public final PhysicalMemory memory;
    /** The allocator, tracked. */
    public final TrackingAllocator frames;
    /** The recording TLB port. */
    public final RecordingTlbMaintenance tlb;
    /** The page table under test. */
    public final PageTable table;
    /** The model. */
    public final ReferenceModel model = new ReferenceModel();
    private final FreeAfterInvalidateAudit audit;
    private final long freeAtStart;

    /**
     * Creates a harness over 64 MiB of RAM at 0x4000_0000 with a buddy allocator.
     *
     * @param configure chooses the page table's options on the builder it is given
     */
    public PageTableHarness(Function<PageTable.Builder, PageTable.Builder> configure) {
        this.memory = PhysicalMemory.of(0x4000_0000L, 64L << 20);
        this.frames = new TrackingAllocator(BuddyAllocator.builder().regions(memory).build());
        this.tlb = new RecordingTlbMaintenance();
        this.freeAtStart = frames.freeFrames();
        this.table = configure.apply(PageTable.builder(memory, frames, tlb)).build();
        this.audit = FreeAfterInvalidateAudit.attach(table, tlb);
    }

    /**
     * Applies one operation to both sides and checks everything.
     *
     * @param op the operation
     * @throws AssertionError if the table and the model disagree or an invariant breaks
     */
    public void step(PageTableOp op) {
        ReferenceModel.Refusal expected = op.applyTo(model);
        String before = expected == null ? null : PageTableDump.tree(table);
        long freeBefore = frames.freeFrames();
        int tlbBefore = tlb.mark();
        audit.beginOperation();
        try {
            op.applyTo(table);
            if (expected != null) {
                throw new AssertionError(op + " succeeded, but the model refuses it: " + expected);
            }
        } catch (MappingException e) {
            if (expected == null || !expected.matches(e)) {
                throw new AssertionError(op + " threw " + e + ", the model expected " + (expected == null ? "success" : expected), e);
            }
            if (!before.equals(PageTableDump.tree(table)) || freeBefore != frames.freeFrames() || tlbBefore != tlb.mark()) {
                throw new AssertionError(op + " was refused (" + e.getMessage() + ") but changed the tables, the allocator or the TLB log");
            }
        }
        PageTableInvariants.checkAll(table, frames, model);
        audit.assertClean();
    }

    /**
     * Runs a sequence, then unmaps everything that is left and checks the end state.
     *
     * @param ops the operations
     * @throws AssertionError on the first disagreement
     */
    public void run(List<PageTableOp> ops) {
        for (PageTableOp op : ops) {
            step(op);
        }
        for (long va : List.copyOf(model.pages().keySet())) {
            step(new PageTableOp.Unmap(va));
        }
        if (table.reclaimMode() == PageTable.ReclaimMode.EXPLICIT) {
            audit.beginOperation();
            table.reclaimEmptyTables(table.half() == Half.UPPER ? -1L << table.vaBits() : 0, 1L << table.vaBits());
            audit.assertClean();
        }
        if (table.tables().size() != 1) {
            throw new AssertionError("after unmapping everything " + table.tables().size() + " tables remain:\n" + PageTableDump.tree(table));
        }
        if (frames.freeFrames() != freeAtStart - 1) {
            throw new AssertionError("after unmapping everything the allocator has " + frames.freeFrames() + " free frames, expected "
                    + (freeAtStart - 1) + " (all but the root)");
        }
    }

    /**
     * Returns the allocator's free frames before the page table took its root.
     *
     * @return the count
     */
    public long freeAtStart() {
        return freeAtStart;
    }

    /**
     * Returns the allocator in use (tracked).
     *
     * @return the allocator
     */
    public PageAllocator allocator() {
        return frames;
    }
}
