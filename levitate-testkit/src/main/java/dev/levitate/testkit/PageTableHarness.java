package dev.levitate.testkit;

import static dev.levitate.core.LevitateException.hex;

import dev.levitate.core.alloc.BuddyAllocator;
import dev.levitate.core.alloc.PageAllocator;
import dev.levitate.core.mem.PhysicalMemory;
import dev.levitate.core.tlb.RecordingTlbMaintenance;
import dev.levitate.core.tlb.TlbMaintenance;
import dev.levitate.mmu.MappingException;
import dev.levitate.mmu.PageTable;
import dev.levitate.mmu.PageTableOutOfMemoryException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Runs operation sequences on a page table under test (levitate-mmu's {@link PageTable} or your
 * own {@link TestablePageTable}) and the {@link ReferenceModel} side by side, with the
 * {@link TlbModel} watching every descriptor write, TLBI, DSB and table free. After every step it
 * checks, in this order:
 * <ol>
 *   <li>the outcome: the table refuses exactly what the model refuses (misaligned, outside the
 *       half, already mapped, not mapped), and a refused operation changed nothing — tables,
 *       allocator, TLB log;</li>
 *   <li>the TLB model ({@link TlbCheck}): no stale entry left, break-before-make, no TLBI before the
 *       DSB of its write, no table freed while linked or before its invalidation completed;</li>
 *   <li>the invariants ({@link PageTableInvariants}): translations agree with the model, allocated
 *       frames = reachable tables, no empty table left (eager reclamation), counts = a rescan;</li>
 *   <li>the allocator: no frame freed that it never handed out.</li>
 * </ol>
 * At the end of {@link #run(List)} it unmaps everything and checks that only the root remains and
 * the allocator is back where it started. A failure is an {@link AssertionError} that names the
 * check, the step and the operations so far.
 *
 * <p>One harness per property try; not thread-safe.
 */
public final class PageTableHarness {
    /** Physical memory the tables live in. */
    public final PhysicalMemory memory;
    /** The allocator the table is given, tracked (and checked by the TLB model on every free). */
    public final TrackingAllocator frames;
    /** The recording TLB port the table is given (it forwards to the model, then to the caller's port). */
    public final RecordingTlbMaintenance tlb;
    /** The page table under test. */
    public final TestablePageTable table;
    /** The model. */
    public final ReferenceModel model;
    /** The TLB and walk-cache model, or null if it was switched off. */
    public final TlbModel tlbModel;
    private final FreeAfterInvalidateAudit audit;
    private final long freeAtStart;
    private final List<PageTableOp> done = new ArrayList<>();
    private boolean noRanges;

    /**
     * Creates a harness on levitate-mmu's {@link PageTable} over 64 MiB of RAM at 0x4000_0000 with a
     * buddy allocator and no TLB behind the model.
     *
     * @param configure chooses the page table's options on the builder it is given
     */
    public PageTableHarness(Function<PageTable.Builder, PageTable.Builder> configure) {
        this(builder(pageTable(configure)));
    }

    private PageTableHarness(Builder b) {
        this.memory = b.memory != null ? b.memory : PhysicalMemory.of(0x4000_0000L, 64L << 20);
        PageAllocator callerFrames = b.frames != null ? b.frames : BuddyAllocator.builder().regions(memory).build();
        TlbMaintenance callerTlb = b.tlb != null ? b.tlb : TlbMaintenance.none();
        // the table gets its ports before the model can exist (the model needs the root): they
        // forward to the caller's until the model is attached, then through it
        LatePort port = new LatePort(callerTlb);
        LateAllocator alloc = new LateAllocator(callerFrames);
        this.frames = new TrackingAllocator(alloc);
        this.tlb = new RecordingTlbMaintenance(port);
        this.freeAtStart = frames.freeFrames();
        this.table = Objects.requireNonNull(b.factory.build(memory, frames, tlb), "the factory returned null");
        this.model = new ReferenceModel(table.half(), table.vaBits());
        this.tlbModel = b.tlbModel ? TlbModel.attach(memory, table.root(), table.half(), table.vaBits(), table.asid()) : null;
        if (tlbModel != null) {
            port.target = tlbModel.tlb(callerTlb);
            alloc.freeTarget = tlbModel.allocator(callerFrames);
        }
        this.audit = table instanceof PageTableAdapter a ? FreeAfterInvalidateAudit.attach(a.pageTable(), tlb) : null;
    }

    /** A TLB port whose target is set once the model exists. */
    private static final class LatePort implements TlbMaintenance {
        TlbMaintenance target;

        LatePort(TlbMaintenance target) {
            this.target = target;
        }

        @Override public void vae1(long va, int asid) { target.vae1(va, asid); }
        @Override public void vale1(long va, int asid) { target.vale1(va, asid); }
        @Override public void vaae1(long va) { target.vaae1(va); }
        @Override public void vaale1(long va) { target.vaale1(va); }
        @Override public void aside1(int asid) { target.aside1(asid); }
        @Override public void vmalle1() { target.vmalle1(); }
        @Override public void dsb() { target.dsb(); }
    }

    /** An allocator whose frees go through the model's check once the model exists. */
    private static final class LateAllocator implements PageAllocator {
        private final PageAllocator next;
        PageAllocator freeTarget;

        LateAllocator(PageAllocator next) {
            this.next = next;
            this.freeTarget = next;
        }

        @Override public long tryAllocate(int order) { return next.tryAllocate(order); }
        @Override public void free(long pa, int order) { freeTarget.free(pa, order); }
        @Override public int maxOrder() { return next.maxOrder(); }
        @Override public long freeFrames() { return next.freeFrames(); }
        @Override public long usedFrames() { return next.usedFrames(); }
        @Override public dev.levitate.core.alloc.AllocatorStats stats() { return next.stats(); }
    }

    /**
     * A factory for levitate-mmu's {@link PageTable}.
     *
     * @param configure chooses the options on the builder it is given
     * @return the factory
     */
    public static TestablePageTable.Factory pageTable(Function<PageTable.Builder, PageTable.Builder> configure) {
        Objects.requireNonNull(configure, "configure");
        return (m, f, t) -> TestablePageTable.of(configure.apply(PageTable.builder(m, f, t)).build(), f, t);
    }

    /**
     * Starts configuring a harness for any implementation.
     *
     * @param factory builds the page table under test over what it is given
     * @return a builder (64 MiB of RAM at 0x4000_0000, a buddy allocator over it, no TLB behind the
     *     model, the TLB model on)
     */
    public static Builder builder(TestablePageTable.Factory factory) {
        return new Builder(factory);
    }

    /** Configures a {@link PageTableHarness}. */
    public static final class Builder {
        private final TestablePageTable.Factory factory;
        private PhysicalMemory memory;
        private PageAllocator frames;
        private TlbMaintenance tlb;
        private boolean tlbModel = true;

        private Builder(TestablePageTable.Factory factory) {
            this.factory = Objects.requireNonNull(factory, "factory");
        }

        /**
         * Uses your memory (default: 64 MiB at 0x4000_0000). The TLB model takes its write observer.
         *
         * @param m the memory
         * @return this builder
         */
        public Builder memory(PhysicalMemory m) {
            this.memory = Objects.requireNonNull(m, "memory");
            return this;
        }

        /**
         * Uses your allocator for table frames (default: a buddy allocator over the memory); the
         * harness wraps it to track and check it.
         *
         * @param a the allocator
         * @return this builder
         */
        public Builder allocator(PageAllocator a) {
            this.frames = Objects.requireNonNull(a, "allocator");
            return this;
        }

        /**
         * Forwards every TLBI and DSB to your port too (a simulated TLB, your own recorder) after
         * the harness's model and recorder saw it.
         *
         * @param t the port
         * @return this builder
         */
        public Builder tlb(TlbMaintenance t) {
            this.tlb = Objects.requireNonNull(t, "tlb");
            return this;
        }

        /**
         * Switches the TLB model on (default) or off.
         *
         * @param on whether to run it
         * @return this builder
         */
        public Builder tlbModel(boolean on) {
            this.tlbModel = on;
            return this;
        }

        /**
         * Builds the harness and the page table under test.
         *
         * @return the harness
         */
        public PageTableHarness build() {
            return new PageTableHarness(this);
        }
    }

    /**
     * Applies one operation to both sides and checks everything.
     *
     * @param op the operation
     * @throws AssertionError naming the check that failed, the step and the operations so far
     */
    public void step(PageTableOp op) {
        done.add(op);
        try {
            AssertionError outcome = null;
            try {
                apply(op);
            } catch (AssertionError e) {
                outcome = e;
            }
            // what the TLB model saw happened during the operation: it is reported first
            if (tlbModel != null) {
                tlbModel.assertClean(op.toString());
            }
            if (outcome != null) {
                throw outcome;
            }
            checkAfter(op.toString());
        } catch (AssertionError e) {
            throw failure(e);
        }
    }

    private void apply(PageTableOp op) {
        long before = TableWalk.fingerprint(table);
        long freeBefore = frames.freeFrames();
        int tlbBefore = tlb.mark();
        if (audit != null) {
            audit.beginOperation();
        }
        int failAt = op instanceof PageTableOp.WithAllocationFailure w ? w.failAt() : 0;
        if (failAt > 0) {
            frames.failAt(failAt);
        }
        MappingException thrown = null;
        try {
            op.applyTo(table);
        } catch (MappingException e) {
            thrown = e;
        } finally {
            frames.stopFailing();
        }
        if (thrown instanceof PageTableOutOfMemoryException && failAt > 0) {
            unchanged(op, thrown, before, freeBefore, tlbBefore);
            return; // the model is not told: nothing happened
        }
        ReferenceModel.Refusal expected = op.applyTo(model);
        if (thrown == null && expected != null) {
            throw new AssertionError("[outcome] " + op + " succeeded, but the model refuses it: " + expected);
        }
        if (thrown != null) {
            if (expected == null || !expected.matches(thrown)) {
                throw new AssertionError("[outcome] " + op + " threw " + thrown + ", the model expected "
                        + (expected == null ? "success" : expected), thrown);
            }
            unchanged(op, thrown, before, freeBefore, tlbBefore);
        }
    }

    private void unchanged(PageTableOp op, MappingException e, long before, long freeBefore, int tlbBefore) {
        if (before != TableWalk.fingerprint(table)) {
            throw new AssertionError("[refusalChangedNothing] " + op + " was refused (" + e.getMessage() + ") but changed the tables");
        }
        if (freeBefore != frames.freeFrames()) {
            throw new AssertionError("[refusalChangedNothing] " + op + " was refused (" + e.getMessage() + ") but the allocator has "
                    + frames.freeFrames() + " free frames, " + freeBefore + " before");
        }
        if (tlbBefore != tlb.mark()) {
            throw new AssertionError("[refusalChangedNothing] " + op + " was refused (" + e.getMessage()
                    + ") but issued TLB maintenance: " + tlb.since(tlbBefore));
        }
    }

    private void checkAfter(String what) {
        if (tlbModel != null) {
            tlbModel.assertClean(what);
        }
        PageTableInvariants.checkAll(table, frames, model);
        if (audit != null) {
            audit.assertClean();
        }
        if (!frames.foreignFrees().isEmpty()) {
            throw new AssertionError("[foreignFree] frames freed that the allocator never handed out (boot-time tables?): "
                    + frames.foreignFrees().stream().map(dev.levitate.core.LevitateException::hex).toList());
        }
    }

    private AssertionError failure(AssertionError e) {
        if (e.getMessage() != null && e.getMessage().contains("\n  operations: ")) {
            return e;
        }
        AssertionError out = new AssertionError(e.getMessage() + "\n  at step " + done.size() + " of " + table
                + "\n  operations: " + done, e.getCause());
        out.setStackTrace(e.getStackTrace());
        return out;
    }

    /**
     * Runs a sequence, then unmaps everything that is left (and reclaims, for explicit
     * reclamation) and checks the end state: only the root is left, the allocator is back where it
     * started.
     *
     * @param ops the operations
     * @throws AssertionError on the first disagreement
     */
    public void run(List<PageTableOp> ops) {
        for (PageTableOp op : ops) {
            step(op);
        }
        unmapEverything();
        try {
            if (!table.reclaimsEagerly()) {
                long start = TableWalk.halfStart(table.half(), table.vaBits());
                if (audit != null) {
                    audit.beginOperation();
                }
                table.reclaimEmptyTables(start, 1L << table.vaBits());
                checkAfter("reclaimEmptyTables(" + hex(start) + ", " + hex(1L << table.vaBits()) + ")");
            }
            List<Long> left = TableWalk.tables(table);
            if (left.size() != 1) {
                throw new AssertionError("[everythingBack] after unmapping everything " + left.size() + " tables remain:\n"
                        + TableWalk.dump(table));
            }
            long kept = frames.liveFrames().size(); // the root, unless it is a boot-time table
            if (frames.freeFrames() != freeAtStart - kept) {
                throw new AssertionError("[everythingBack] after unmapping everything the allocator has " + frames.freeFrames()
                        + " free frames, expected " + (freeAtStart - kept) + " (all but the root)");
            }
        } catch (AssertionError e) {
            throw failure(e);
        }
    }

    /**
     * Unmaps every page the model maps, by runs of up to 256 pages (page by page for an
     * implementation whose {@code unmapRange} throws {@link UnsupportedOperationException}), below levitate-mmu's 512-page
     * threshold so each page gets its own invalidation; each run is one checked {@link #step}.
     */
    public void unmapEverything() {
        while (model.size() > 0) {
            long va = model.pages().keySet().iterator().next();
            long n = 1;
            while (n < 256 && model.get(va + n * PageTableOp.PAGE) != null) {
                n++;
            }
            if (n > 1 && !noRanges) {
                try {
                    step(new PageTableOp.UnmapRange(va, n * PageTableOp.PAGE));
                    continue;
                } catch (UnsupportedOperationException e) {
                    noRanges = true; // an implementation without unmapRange: page by page, as it refused before changing anything
                    done.remove(done.size() - 1);
                }
            }
            step(new PageTableOp.Unmap(va));
        }
    }

    /**
     * Destroys the table as a kernel would when its address space dies: the model first retires it
     * (its TTBR no longer points at it, but whatever it mapped may still be cached), then
     * {@link TestablePageTable#destroy()} must invalidate all of it before freeing the frames.
     * Then every frame must be back.
     *
     * @throws AssertionError if the TLB model or the allocator finds something
     * @throws UnsupportedOperationException if the implementation has no destroy
     */
    public void destroy() {
        try {
            if (tlbModel != null) {
                tlbModel.retire();
            }
            table.destroy();
            if (tlbModel != null) {
                tlbModel.assertClean("destroy()");
            }
            if (frames.freeFrames() != freeAtStart) {
                throw new AssertionError("[everythingBack] after destroy() the allocator has " + frames.freeFrames()
                        + " free frames, expected " + freeAtStart);
            }
        } catch (AssertionError e) {
            throw failure(e);
        } finally {
            if (tlbModel != null) {
                tlbModel.detach();
            }
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

    /**
     * Returns levitate-mmu's page table under test, when that is what the harness runs.
     *
     * @return the page table
     * @throws IllegalStateException if the harness runs another implementation
     */
    public PageTable pageTable() {
        if (table instanceof PageTableAdapter a) {
            return a.pageTable();
        }
        throw new IllegalStateException("the harness runs " + table + ", not levitate-mmu's PageTable");
    }

    /**
     * Returns the operations applied so far (including the one that failed, if any).
     *
     * @return a copy
     */
    public List<PageTableOp> operations() {
        return List.copyOf(done);
    }
}
