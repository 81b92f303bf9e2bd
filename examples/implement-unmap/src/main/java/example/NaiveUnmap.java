package example;

import dev.levitate.core.alloc.PageAllocator;
import dev.levitate.core.mem.PhysicalMemory;
import dev.levitate.core.tlb.TlbMaintenance;

/**
 * A first attempt at the assignment, as students often write it: it clears the leaf, frees the
 * tables that became empty, and invalidates the page with {@code TLBI VALE1} — the last level only.
 * The walk cache may still hold the table entries that pointed at the freed tables, so the next walk
 * can go through a frame that is already someone else's.
 */
public final class NaiveUnmap extends AssignmentPageTable {
    /**
     * Creates it.
     *
     * @param memory where the tables live
     * @param frames where table frames come from
     * @param tlb where invalidations go
     */
    public NaiveUnmap(PhysicalMemory memory, PageAllocator frames, TlbMaintenance tlb) {
        super(memory, frames, tlb, 7);
    }

    @Override
    public long unmap(long va) {
        checkVa(va);
        long[] tables = new long[4];
        long leaf = walk(va, tables);
        write(tables[3], index(va, 3), 0);
        for (int level = 3; level > 0 && empty(tables[level]); level--) {
            write(tables[level - 1], index(va, level - 1), 0);
            frames.free(tables[level], 0);
        }
        tlb.dsb();
        tlb.vale1(va, asid);
        tlb.dsb();
        return leaf & 0x0000_FFFF_FFFF_F000L;
    }
}
