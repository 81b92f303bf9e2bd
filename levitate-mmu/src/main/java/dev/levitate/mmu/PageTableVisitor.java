package dev.levitate.mmu;

/** Visits the valid entries of a {@link PageTable}, depth first, in VA order. */
@FunctionalInterface
public interface PageTableVisitor {
    /**
     * Called for each valid entry.
     *
     * @param level the entry's level (0..3)
     * @param index its index in its table (0..511)
     * @param va the first VA the entry covers
     * @param tablePa the table holding the entry
     * @param descriptor the entry
     */
    void visit(int level, int index, long va, long tablePa, long descriptor);
}
