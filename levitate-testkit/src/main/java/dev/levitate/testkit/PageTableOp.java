package dev.levitate.testkit;

import static dev.levitate.core.LevitateException.hex;

import dev.levitate.mmu.Attributes;
import dev.levitate.mmu.PageTable;

/**
 * One operation on a {@link PageTable}, as a value: jqwik generates lists of them and prints the
 * shrunk list when a property fails, so every record prints as the call it stands for.
 */
public sealed interface PageTableOp {

    /** The size of a page. */
    long PAGE = PageTable.PAGE_SIZE;

    /**
     * Applies the operation to a real page table.
     *
     * @param table the page table
     */
    void applyTo(PageTable table);

    /**
     * Applies the operation to the reference model.
     *
     * @param model the model
     * @return the outcome the model predicts: null on success, else the kind of error
     */
    ReferenceModel.Refusal applyTo(ReferenceModel model);

    /**
     * {@code map(va, pa, attributes)}.
     *
     * @param va page VA
     * @param pa page PA
     * @param attributes leaf attributes
     */
    record Map(long va, long pa, Attributes attributes) implements PageTableOp {
        @Override
        public void applyTo(PageTable t) {
            t.map(va, pa, attributes);
        }

        @Override
        public ReferenceModel.Refusal applyTo(ReferenceModel m) {
            return m.mapRange(va, pa, 1, attributes);
        }

        @Override
        public String toString() {
            return "map(" + hex(va) + ", " + hex(pa) + ")";
        }
    }

    /**
     * {@code mapRange(va, pa, pages * 4096, attributes, blocks)}.
     *
     * @param va first VA
     * @param pa first PA
     * @param pages number of pages
     * @param attributes leaf attributes
     * @param blocks whether blocks are allowed
     */
    record MapRange(long va, long pa, int pages, Attributes attributes, boolean blocks) implements PageTableOp {
        @Override
        public void applyTo(PageTable t) {
            t.mapRange(va, pa, pages * PAGE, attributes, blocks);
        }

        @Override
        public ReferenceModel.Refusal applyTo(ReferenceModel m) {
            return m.mapRange(va, pa, pages, attributes);
        }

        @Override
        public String toString() {
            return "mapRange(" + hex(va) + ", " + hex(pa) + ", " + pages + " pages" + (blocks ? ", blocks)" : ")");
        }
    }

    /**
     * {@code unmap(va)}.
     *
     * @param va page VA
     */
    record Unmap(long va) implements PageTableOp {
        @Override
        public void applyTo(PageTable t) {
            t.unmap(va);
        }

        @Override
        public ReferenceModel.Refusal applyTo(ReferenceModel m) {
            return m.unmapRange(va, 1);
        }

        @Override
        public String toString() {
            return "unmap(" + hex(va) + ")";
        }
    }

    /**
     * {@code unmapRange(va, pages * 4096)}.
     *
     * @param va first VA
     * @param pages number of pages
     */
    record UnmapRange(long va, int pages) implements PageTableOp {
        @Override
        public void applyTo(PageTable t) {
            t.unmapRange(va, pages * PAGE);
        }

        @Override
        public ReferenceModel.Refusal applyTo(ReferenceModel m) {
            return m.unmapRange(va, pages);
        }

        @Override
        public String toString() {
            return "unmapRange(" + hex(va) + ", " + pages + " pages)";
        }
    }

    /**
     * {@code protect(va, pages * 4096, attributes)}.
     *
     * @param va first VA
     * @param pages number of pages
     * @param attributes new attributes
     */
    record Protect(long va, int pages, Attributes attributes) implements PageTableOp {
        @Override
        public void applyTo(PageTable t) {
            t.protect(va, pages * PAGE, attributes);
        }

        @Override
        public ReferenceModel.Refusal applyTo(ReferenceModel m) {
            return m.protect(va, pages, attributes);
        }

        @Override
        public String toString() {
            return "protect(" + hex(va) + ", " + pages + " pages, " + attributes.access() + ")";
        }
    }
}
