package dev.levitate.testkit;

import dev.levitate.core.alloc.PageAllocator;
import dev.levitate.core.mem.PhysicalMemory;
import dev.levitate.core.tlb.TlbMaintenance;
import dev.levitate.mmu.Attributes;
import dev.levitate.mmu.Half;
import dev.levitate.mmu.PageTable;

/**
 * What the testkit needs of a page-table implementation to check it: the operations, and where its
 * tables, frames and invalidations go. levitate-mmu's {@link PageTable} is one
 * ({@link #of(PageTable, PageAllocator, TlbMaintenance)}); your own Java code is another: implement
 * this, hand {@link PageTableHarness} a {@link Factory} that builds it over the memory, allocator and
 * TLB port it is given, and every property, invariant and the {@link TlbModel} run on your code.
 *
 * <h2>Contract (the one levitate-mmu's tables keep)</h2>
 * <ul>
 *   <li>VMSAv8-64 stage-1 tables, 4 KiB granule, in {@link #memory()} from {@link #root()}: 512
 *       little-endian descriptors per table (ARM ARM D8.3); every table frame but those the caller
 *       gave comes from {@link #allocator()} and goes back to it.</li>
 *   <li>Sizes are in bytes, positive multiples of 4 KiB; VAs lie in {@link #half()} of a
 *       {@link #vaBits()}-bit space.</li>
 *   <li>Bad input throws the levitate-mmu exception that names it ({@code MisalignedAddressException},
 *       {@code AddressRangeException}, {@code AlreadyMappedException} or {@code MappingConflictException},
 *       {@code NotMappedException}, {@code PageTableOutOfMemoryException}) and changes nothing: tables,
 *       allocator, TLB port.</li>
 *   <li>Changes follow the Arm ARM's TLB maintenance rules through {@link #tlb()}: write, DSB, TLBI,
 *       DSB; break-before-make where required; a table frame is freed only after an invalidation
 *       covering it completed.</li>
 * </ul>
 */
public interface TestablePageTable {

    /**
     * Builds the implementation under test over what the harness gives it.
     */
    @FunctionalInterface
    interface Factory {
        /**
         * Builds a page table.
         *
         * @param memory where the tables live
         * @param frames where table frames come from (the harness tracks and checks it)
         * @param tlb where invalidations and barriers go (the harness models and records it)
         * @return the page table, with its root allocated
         */
        TestablePageTable build(PhysicalMemory memory, PageAllocator frames, TlbMaintenance tlb);
    }

    /**
     * Maps one 4 KiB page.
     *
     * @param va the page's VA
     * @param pa the frame's PA
     * @param attributes the leaf attributes
     */
    void map(long va, long pa, Attributes attributes);

    /**
     * Unmaps one 4 KiB page (splitting a block that holds it) and frees tables that became empty,
     * if it reclaims eagerly.
     *
     * @param va the page's VA
     * @return the PA it mapped
     */
    long unmap(long va);

    /**
     * Maps {@code [va, va + size)} to {@code [pa, pa + size)}.
     *
     * @param va the first VA
     * @param pa the first PA
     * @param size the length in bytes
     * @param attributes the leaf attributes
     * @param allowBlocks whether 2 MiB / 1 GiB blocks may be used
     */
    void mapRange(long va, long pa, long size, Attributes attributes, boolean allowBlocks);

    /**
     * Unmaps every page of {@code [va, va + size)}; every page must be mapped.
     *
     * @param va the first VA
     * @param size the length in bytes
     */
    void unmapRange(long va, long size);

    /**
     * Gives every page of {@code [va, va + size)} new attributes, keeping its PA.
     *
     * @param va the first VA
     * @param size the length in bytes
     * @param attributes the new attributes
     */
    void protect(long va, long size, Attributes attributes);

    /**
     * Returns the root table's frame (what TTBRn_EL1.BADDR holds).
     *
     * @return the root's PA
     */
    long root();

    /**
     * Returns the memory the tables live in.
     *
     * @return the memory
     */
    PhysicalMemory memory();

    /**
     * Returns the allocator table frames come from.
     *
     * @return the allocator
     */
    PageAllocator allocator();

    /**
     * Returns the TLB maintenance port the implementation invalidates through.
     *
     * @return the port
     */
    TlbMaintenance tlb();

    /**
     * Returns the half it translates.
     *
     * @return the half
     */
    Half half();

    /**
     * Returns the VA size.
     *
     * @return 39 or 48
     */
    int vaBits();

    /**
     * Returns the ASID its non-global entries are tagged with.
     *
     * @return the ASID
     */
    int asid();

    /**
     * Tells whether tables that become empty are freed by the unmap that empties them (the
     * harness then checks that no empty table but the root is left after each step).
     *
     * @return true by default
     */
    default boolean reclaimsEagerly() {
        return true;
    }

    /**
     * Frees the empty tables covering part of a range, for implementations that reclaim explicitly.
     *
     * @param va the first VA
     * @param size the length in bytes
     * @return the number of tables freed (0 by default)
     */
    default int reclaimEmptyTables(long va, long size) {
        return 0;
    }

    /**
     * Returns the table frames that did not come from {@link #allocator()}: tables built at boot
     * (the kernel image's, say). They may be linked in the tables but must never be freed to the
     * allocator; the harness reports a free of one as {@code [foreignFree]}.
     *
     * @return the frames, empty by default
     */
    default java.util.Set<Long> bootTables() {
        return java.util.Set.of();
    }

    /**
     * Frees every table, the root included, after invalidating what they may have left cached.
     *
     * @return the number of table frames freed
     * @throws UnsupportedOperationException by default
     */
    default int destroy() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not implement destroy()");
    }

    /**
     * Adapts levitate-mmu's {@link PageTable}.
     *
     * @param table the page table
     * @param frames the allocator it was built with
     * @param tlb the TLB port it was built with
     * @return the adapter
     */
    static TestablePageTable of(PageTable table, PageAllocator frames, TlbMaintenance tlb) {
        return new PageTableAdapter(java.util.Objects.requireNonNull(table, "table"), java.util.Objects.requireNonNull(frames, "frames"),
                java.util.Objects.requireNonNull(tlb, "tlb"));
    }
}
