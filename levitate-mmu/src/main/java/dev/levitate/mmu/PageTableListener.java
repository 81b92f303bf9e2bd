package dev.levitate.mmu;

/**
 * Told what a {@link PageTable} does, as it does it: for traces, pictures and the testkit's
 * invariant checks. Every method has an empty default. Listeners run on the page table's thread
 * and must not call back into it.
 */
public interface PageTableListener {

    /**
     * A leaf was written.
     *
     * @param va the first VA it maps
     * @param pa the first PA
     * @param level 1, 2 (blocks) or 3 (page)
     */
    default void mapped(long va, long pa, int level) {
    }

    /**
     * A leaf was cleared.
     *
     * @param va the first VA it mapped
     * @param pa the first PA
     * @param level 1, 2 or 3
     */
    default void unmapped(long va, long pa, int level) {
    }

    /**
     * A translation table was allocated and linked in.
     *
     * @param level the table's level (the level of the entries it holds)
     * @param tablePa the table's frame
     * @param vaStart the first VA it covers
     */
    default void tableAllocated(int level, long tablePa, long vaStart) {
    }

    /**
     * A translation table is about to go back to the allocator. By then its parent entry was
     * cleared and the TLB invalidated (the testkit checks exactly that here).
     *
     * @param level the table's level
     * @param tablePa the table's frame
     * @param vaStart the first VA it covered
     * @param vaEnd the first VA past what it covered
     */
    default void tableFreed(int level, long tablePa, long vaStart, long vaEnd) {
    }
}
