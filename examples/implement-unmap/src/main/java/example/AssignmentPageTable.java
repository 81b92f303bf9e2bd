package example;

import dev.levitate.core.alloc.OutOfFramesException;
import dev.levitate.core.alloc.PageAllocator;
import dev.levitate.core.mem.PhysicalMemory;
import dev.levitate.core.tlb.TlbMaintenance;
import dev.levitate.mmu.AddressRangeException;
import dev.levitate.mmu.AlreadyMappedException;
import dev.levitate.mmu.Attributes;
import dev.levitate.mmu.Descriptor;
import dev.levitate.mmu.Half;
import dev.levitate.mmu.MisalignedAddressException;
import dev.levitate.mmu.NotMappedException;
import dev.levitate.mmu.PageTableOutOfMemoryException;
import dev.levitate.testkit.TestablePageTable;

/**
 * The code an OS course hands out with an "implement unmap" assignment: a four-level, 4 KiB-granule,
 * 48-bit lower-half page table in {@link PhysicalMemory} with {@link #map} written, and
 * {@link #unmap} left to the student. Because it implements {@link TestablePageTable}, the
 * levitate-testkit harness (reference model, invariants, TLB model) runs on it unchanged.
 *
 * <p>The assignment: {@code unmap(va)} clears the page's leaf, frees every table that becomes
 * empty (never the root), and keeps the TLB right: write, DSB, TLBI, DSB — VALE1 if only the leaf
 * changed, VAE1 (all levels: the walk cache too) if a table was unlinked — and only then frees.
 */
public abstract class AssignmentPageTable implements TestablePageTable {
    static final long PAGE = 4096;
    static final int START_LEVEL = 0;
    static final int LEAF_LEVEL = 3;

    protected final PhysicalMemory memory;
    protected final PageAllocator frames;
    protected final TlbMaintenance tlb;
    protected final int asid;
    protected final long root;

    /**
     * Allocates and zeroes the root.
     *
     * @param memory where the tables live
     * @param frames where table frames come from
     * @param tlb where invalidations go
     * @param asid the ASID of this address space
     */
    protected AssignmentPageTable(PhysicalMemory memory, PageAllocator frames, TlbMaintenance tlb, int asid) {
        this.memory = memory;
        this.frames = frames;
        this.tlb = tlb;
        this.asid = asid;
        this.root = frames.allocatePage();
        memory.zeroPage(root);
    }

    /** VA[shift + 8 : shift] for the level. */
    static int index(long va, int level) {
        return (int) (va >>> (12 + 9 * (LEAF_LEVEL - level))) & 511;
    }

    long read(long table, int i) {
        return memory.read64(table + 8L * i);
    }

    void write(long table, int i, long d) {
        memory.write64(table + 8L * i, d);
    }

    /** Refuses a misaligned VA or one outside the lower half. */
    static void checkVa(long va) {
        if ((va & (PAGE - 1)) != 0) {
            throw new MisalignedAddressException(va, "not 4 KiB aligned");
        }
        if ((va >>> 48) != 0) {
            throw new AddressRangeException(va, "outside the lower half of a 48-bit VA space");
        }
    }

    @Override
    public void map(long va, long pa, Attributes attributes) {
        checkVa(va);
        if ((pa & (PAGE - 1)) != 0) {
            throw new MisalignedAddressException(va, "PA 0x" + Long.toHexString(pa) + " is not 4 KiB aligned");
        }
        if (pa < 0 || pa >= 1L << 48) {
            throw new AddressRangeException(va, "PA past 48 bits");
        }
        // walk, counting the tables that are missing
        long table = root;
        int level = START_LEVEL;
        while (level < LEAF_LEVEL && (read(table, index(va, level)) & 1) != 0) {
            table = Descriptor.address(read(table, index(va, level)));
            level++;
        }
        if (level == LEAF_LEVEL && (read(table, index(va, LEAF_LEVEL)) & 1) != 0) {
            throw new AlreadyMappedException(va, "already mapped");
        }
        // take every missing table first, so running out changes nothing
        int missing = LEAF_LEVEL - level;
        long[] fresh = new long[missing];
        for (int i = 0; i < missing; i++) {
            fresh[i] = frames.tryAllocate(0);
            if (fresh[i] == PageAllocator.NO_FRAME) {
                for (int j = 0; j < i; j++) {
                    frames.free(fresh[j], 0);
                }
                throw new PageTableOutOfMemoryException(va, missing, new OutOfFramesException(0, frames.freeFrames()));
            }
            memory.zeroPage(fresh[i]);
        }
        // fill the new chain bottom-up, then publish it with one write
        long entry = Descriptor.page(pa, attributes);
        for (int l = LEAF_LEVEL, i = missing - 1; l > level; l--, i--) {
            write(fresh[i], index(va, l), entry);
            entry = Descriptor.table(fresh[i]);
        }
        write(table, index(va, level), entry);
        tlb.dsb(); // the entry was invalid: nothing to invalidate
    }

    /**
     * Walks to the leaf of {@code va}: fills {@code tables[level]} with the table of each level.
     *
     * @return the leaf descriptor
     * @throws NotMappedException if the page is not mapped
     */
    long walk(long va, long[] tables) {
        long table = root;
        for (int level = START_LEVEL; ; level++) {
            tables[level] = table;
            long d = read(table, index(va, level));
            if ((d & 1) == 0) {
                throw new NotMappedException(va, "not mapped (no entry at level " + level + ")");
            }
            if (level == LEAF_LEVEL) {
                return d;
            }
            table = Descriptor.address(d);
        }
    }

    /** Tells whether a table has no valid entry. */
    boolean empty(long table) {
        for (int i = 0; i < 512; i++) {
            if ((read(table, i) & 1) != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void mapRange(long va, long pa, long size, Attributes attributes, boolean allowBlocks) {
        throw new UnsupportedOperationException("not part of this assignment");
    }

    @Override
    public void unmapRange(long va, long size) {
        throw new UnsupportedOperationException("not part of this assignment");
    }

    @Override
    public void protect(long va, long size, Attributes attributes) {
        throw new UnsupportedOperationException("not part of this assignment");
    }

    @Override public long root() { return root; }
    @Override public PhysicalMemory memory() { return memory; }
    @Override public PageAllocator allocator() { return frames; }
    @Override public TlbMaintenance tlb() { return tlb; }
    @Override public Half half() { return Half.LOWER; }
    @Override public int vaBits() { return 48; }
    @Override public int asid() { return asid; }
}
