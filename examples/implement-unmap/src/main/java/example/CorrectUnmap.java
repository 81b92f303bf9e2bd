package example;

import dev.levitate.core.alloc.PageAllocator;
import dev.levitate.core.mem.PhysicalMemory;
import dev.levitate.core.tlb.TlbMaintenance;

/**
 * The assignment done right: clear the leaf and unlink the tables that became empty (never the
 * root); DSB so the walker sees the writes; one TLBI — VALE1 if only the leaf changed, VAE1 (all
 * levels, walk cache included) if a table was unlinked; DSB so the invalidation is complete; only
 * then give the tables back.
 */
public final class CorrectUnmap extends AssignmentPageTable {
    /**
     * Creates it.
     *
     * @param memory where the tables live
     * @param frames where table frames come from
     * @param tlb where invalidations go
     */
    public CorrectUnmap(PhysicalMemory memory, PageAllocator frames, TlbMaintenance tlb) {
        super(memory, frames, tlb, 7);
    }

    @Override
    public long unmap(long va) {
        checkVa(va);
        long[] tables = new long[4];
        long leaf = walk(va, tables);
        write(tables[3], index(va, 3), 0);
        int lowestKept = 3;
        while (lowestKept > 0 && empty(tables[lowestKept])) {
            write(tables[lowestKept - 1], index(va, lowestKept - 1), 0);
            lowestKept--;
        }
        tlb.dsb();
        if (lowestKept < 3) {
            tlb.vae1(va, asid);
        } else {
            tlb.vale1(va, asid);
        }
        tlb.dsb();
        for (int level = 3; level > lowestKept; level--) {
            frames.free(tables[level], 0);
        }
        return leaf & 0x0000_FFFF_FFFF_F000L;
    }
}
