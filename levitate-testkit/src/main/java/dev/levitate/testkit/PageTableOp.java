package dev.levitate.testkit;

import static dev.levitate.core.LevitateException.hex;

import dev.levitate.mmu.Attributes;
import java.util.Objects;

/**
 * One operation on a page table, as a value: jqwik generates lists of them and prints the shrunk
 * list when a property fails, so every record prints as the call it stands for. Sizes are in bytes,
 * as in {@link dev.levitate.mmu.PageTable} (printed with their page count).
 */
public sealed interface PageTableOp {

    /** The size of a page. */
    long PAGE = 4096;

    /**
     * Applies the operation to a page table under test.
     *
     * @param table the page table
     */
    void applyTo(TestablePageTable table);

    /**
     * Returns the first VA the operation touches.
     *
     * @return the VA
     */
    long va();

    /**
     * Applies the operation to the reference model.
     *
     * @param model the model
     * @return the outcome the model predicts: null on success, else the kind of error
     */
    ReferenceModel.Refusal applyTo(ReferenceModel model);

    /**
     * Returns the same operation at {@code va + offset}, with the attributes {@code attributes}
     * makes of its own.
     *
     * @param offset added to the VA
     * @param attributes maps the attributes (identity to keep them)
     * @return the moved operation
     */
    PageTableOp moved(long offset, java.util.function.UnaryOperator<Attributes> attributes);

    /** Prints a size in bytes with its page count. */
    private static String printSize(long bytes) {
        return hex(bytes) + (bytes % PAGE == 0 ? " (" + bytes / PAGE + (bytes == PAGE ? " page)" : " pages)") : "");
    }

    /**
     * {@code map(va, pa, attributes)}.
     *
     * @param va page VA
     * @param pa page PA
     * @param attributes leaf attributes
     */
    record Map(long va, long pa, Attributes attributes) implements PageTableOp {
        @Override
        public void applyTo(TestablePageTable t) {
            t.map(va, pa, attributes);
        }

        @Override
        public ReferenceModel.Refusal applyTo(ReferenceModel m) {
            return m.mapRange(va, pa, PAGE, attributes);
        }

        @Override
        public PageTableOp moved(long offset, java.util.function.UnaryOperator<Attributes> a) {
            return new Map(va + offset, pa, a.apply(attributes));
        }

        @Override
        public String toString() {
            return "map(" + hex(va) + ", " + hex(pa) + ", " + attributes + ")";
        }
    }

    /**
     * {@code mapRange(va, pa, size, attributes, blocks)}.
     *
     * @param va first VA
     * @param pa first PA
     * @param size bytes
     * @param attributes leaf attributes
     * @param blocks whether blocks are allowed
     */
    record MapRange(long va, long pa, long size, Attributes attributes, boolean blocks) implements PageTableOp {
        @Override
        public void applyTo(TestablePageTable t) {
            t.mapRange(va, pa, size, attributes, blocks);
        }

        @Override
        public ReferenceModel.Refusal applyTo(ReferenceModel m) {
            return m.mapRange(va, pa, size, attributes);
        }

        @Override
        public PageTableOp moved(long offset, java.util.function.UnaryOperator<Attributes> a) {
            return new MapRange(va + offset, pa, size, a.apply(attributes), blocks);
        }

        @Override
        public String toString() {
            return "mapRange(" + hex(va) + ", " + hex(pa) + ", " + PageTableOp.printSize(size) + ", " + attributes + (blocks ? ", blocks)" : ")");
        }
    }

    /**
     * {@code unmap(va)}.
     *
     * @param va page VA
     */
    record Unmap(long va) implements PageTableOp {
        @Override
        public void applyTo(TestablePageTable t) {
            t.unmap(va);
        }

        @Override
        public ReferenceModel.Refusal applyTo(ReferenceModel m) {
            return m.unmapRange(va, PAGE);
        }

        @Override
        public PageTableOp moved(long offset, java.util.function.UnaryOperator<Attributes> a) {
            return new Unmap(va + offset);
        }

        @Override
        public String toString() {
            return "unmap(" + hex(va) + ")";
        }
    }

    /**
     * {@code unmapRange(va, size)}.
     *
     * @param va first VA
     * @param size bytes
     */
    record UnmapRange(long va, long size) implements PageTableOp {
        @Override
        public void applyTo(TestablePageTable t) {
            t.unmapRange(va, size);
        }

        @Override
        public ReferenceModel.Refusal applyTo(ReferenceModel m) {
            return m.unmapRange(va, size);
        }

        @Override
        public PageTableOp moved(long offset, java.util.function.UnaryOperator<Attributes> a) {
            return new UnmapRange(va + offset, size);
        }

        @Override
        public String toString() {
            return "unmapRange(" + hex(va) + ", " + PageTableOp.printSize(size) + ")";
        }
    }

    /**
     * {@code protect(va, size, attributes)}.
     *
     * @param va first VA
     * @param size bytes
     * @param attributes new attributes
     */
    record Protect(long va, long size, Attributes attributes) implements PageTableOp {
        @Override
        public void applyTo(TestablePageTable t) {
            t.protect(va, size, attributes);
        }

        @Override
        public ReferenceModel.Refusal applyTo(ReferenceModel m) {
            return m.protect(va, size, attributes);
        }

        @Override
        public PageTableOp moved(long offset, java.util.function.UnaryOperator<Attributes> a) {
            return new Protect(va + offset, size, a.apply(attributes));
        }

        @Override
        public String toString() {
            return "protect(" + hex(va) + ", " + PageTableOp.printSize(size) + ", " + attributes + ")";
        }
    }

    /**
     * Another operation run while the {@code failAt}-th table allocation from now fails: the
     * operation either succeeds without that allocation or throws
     * {@code PageTableOutOfMemoryException} and changes nothing.
     *
     * @param failAt 1 = the next allocation
     * @param op the operation
     */
    record WithAllocationFailure(int failAt, PageTableOp op) implements PageTableOp {
        /**
         * Validates the value.
         *
         * @param failAt at least 1
         * @param op the operation, not itself a {@code WithAllocationFailure}
         */
        public WithAllocationFailure {
            if (failAt < 1) {
                throw new IllegalArgumentException("failAt must be at least 1, got " + failAt);
            }
            if (Objects.requireNonNull(op, "op") instanceof WithAllocationFailure) {
                throw new IllegalArgumentException("nested allocation failures");
            }
        }

        @Override
        public long va() {
            return op.va();
        }

        @Override
        public void applyTo(TestablePageTable t) {
            op.applyTo(t);
        }

        @Override
        public ReferenceModel.Refusal applyTo(ReferenceModel m) {
            return op.applyTo(m);
        }

        @Override
        public PageTableOp moved(long offset, java.util.function.UnaryOperator<Attributes> a) {
            return new WithAllocationFailure(failAt, op.moved(offset, a));
        }

        @Override
        public String toString() {
            return op + " with table allocation #" + failAt + " failing";
        }
    }
}
