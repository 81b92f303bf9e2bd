package example;

import dev.levitate.core.alloc.BuddyAllocator;
import dev.levitate.core.mem.PhysicalMemory;
import dev.levitate.core.tlb.RecordingTlbMaintenance;
import dev.levitate.core.tlb.TlbMaintenance;
import dev.levitate.mmu.Attributes;
import dev.levitate.mmu.PageTable;
import dev.levitate.mmu.PageTableDump;
import dev.levitate.mmu.PageTableListener;
import java.io.PrintStream;

/**
 * Teaches one thing: what an unmap does to the translation tables and the TLB. Two pages share
 * an L3 table; unmapping the first needs one leaf invalidate (TLBI VALE1), unmapping the second
 * empties the L3, L2 and L1 tables, so they are unlinked, invalidated at all levels (TLBI VAE1)
 * and only then given back to the allocator.
 */
public final class UnmapAndReclaim {
    private UnmapAndReclaim() {
    }

    /**
     * Runs the lesson.
     *
     * @param out where to print
     * @return the TLB log, for the test
     */
    public static RecordingTlbMaintenance lesson(PrintStream out) {
        PhysicalMemory ram = PhysicalMemory.of(0x4000_0000L, 16L << 20);
        BuddyAllocator frames = BuddyAllocator.builder().regions(ram).build();
        RecordingTlbMaintenance tlb = new RecordingTlbMaintenance();
        long before = frames.freeFrames();
        // print each TLB operation as it happens, so it interleaves with the frees below
        TlbMaintenance printing = new TlbMaintenance() {
            private void print() {
                out.println("   " + tlb.log().get(tlb.log().size() - 1));
            }

            @Override public void vae1(long va, int asid) { tlb.vae1(va, asid); print(); }
            @Override public void vale1(long va, int asid) { tlb.vale1(va, asid); print(); }
            @Override public void vaae1(long va) { tlb.vaae1(va); print(); }
            @Override public void vaale1(long va) { tlb.vaale1(va); print(); }
            @Override public void aside1(int asid) { tlb.aside1(asid); print(); }
            @Override public void vmalle1() { tlb.vmalle1(); print(); }
            @Override public void dsb() { tlb.dsb(); print(); }
        };
        PageTable space = PageTable.builder(ram, frames, printing).asid(7).build();
        space.addListener(new PageTableListener() {
            @Override
            public void tableFreed(int level, long tablePa, long vaStart, long vaEnd) {
                out.printf("      -> L%d table %#x goes back to the allocator%n", level, tablePa);
            }
        });

        out.println("Two user pages, one L3 table (a map needs no TLB invalidate, only a barrier):");
        space.map(0x1000_0000L, 0x4010_0000L, Attributes.USER_DATA);
        space.map(0x1000_1000L, 0x4010_1000L, Attributes.USER_DATA);
        out.print(PageTableDump.tree(space));

        out.println("\nunmap(0x1000_0000): the L3 table still maps the other page: one leaf invalidate");
        space.unmap(0x1000_0000L);

        out.println("\nunmap(0x1000_1000): the L3 table empties, then the L2 and L1 above it:");
        out.println("one all-levels invalidate, and only then the frees");
        space.unmap(0x1000_1000L);

        out.println();
        out.print(PageTableDump.tree(space));
        out.println("\ndestroy(): the whole ASID, then the root");
        space.destroy();
        out.printf("%nAllocator: %d frames free, %d before the address space: nothing leaked.%n", frames.freeFrames(), before);
        return tlb;
    }

    /**
     * Entry point.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        lesson(System.out);
    }
}
