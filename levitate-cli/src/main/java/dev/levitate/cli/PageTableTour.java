package dev.levitate.cli;

import static dev.levitate.core.LevitateException.hex;

import dev.levitate.core.alloc.BuddyAllocator;
import dev.levitate.core.mem.PhysicalMemory;
import dev.levitate.core.tlb.RecordingTlbMaintenance;
import dev.levitate.core.tlb.TlbMaintenance;
import dev.levitate.core.tlb.TlbiOp;
import dev.levitate.core.tlb.TlbiRecord;
import dev.levitate.mmu.Attributes;
import dev.levitate.mmu.MappingException;
import dev.levitate.mmu.PageTable;
import dev.levitate.mmu.PageTableDump;
import dev.levitate.mmu.PageTableListener;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** The second half of the demo: a user address space, step by step, with its TLB log. */
final class PageTableTour {
    private PageTableTour() {
    }

    static void run(PrintWriter out, PhysicalMemory memory, BuddyAllocator frames) {
        out.println();
        out.println("Levitate memory tour, part 2 — translation tables (4 KiB granule, 48-bit VA, TTBR0, ASID 5)");
        // one timeline of TLB maintenance and table frees, in the order they happen
        List<String> timeline = new ArrayList<>();
        RecordingTlbMaintenance tlb = new RecordingTlbMaintenance();
        long start = frames.freeFrames();
        PageTable user = PageTable.builder(memory, frames, new TimelineTlb(tlb, timeline)).asid(5).build();
        user.addListener(new PageTableListener() {
            @Override
            public void tableFreed(int level, long tablePa, long vaStart, long vaEnd) {
                timeline.add(String.format("free L%d table %s (it covered %s..%s) -> allocator", level, hex(tablePa),
                        hex(vaStart), hex(vaEnd - 1)));
            }
        });
        long page = frames.allocatePage();
        out.printf("%n1. map(0x1234_5000 -> %s, USER_DATA): the walk needs new L1, L2 and L3 tables%n", hex(page));
        user.map(0x1234_5000L, page, Attributes.USER_DATA);
        out.print(indent(PageTableDump.tree(user)));

        out.println();
        out.println("2. mapRange(0x4000_0000, 2 MiB, blocks allowed): VA and PA are 2 MiB aligned, one block descriptor");
        long block = frames.allocate(9);
        user.mapRange(0x4000_0000L, block, 2L << 20, Attributes.USER_DATA, true);
        out.printf("   %s%n", user.translate(0x4000_0000L).orElseThrow());

        out.println();
        out.println("3. Mapping a page inside that block is refused (the original kernel silently replaced the block):");
        try {
            user.map(0x4000_3000L, page, Attributes.USER_DATA);
        } catch (MappingException e) {
            out.printf("   %s: %s%n", e.getClass().getSimpleName(), e.getMessage());
        }

        out.println();
        out.println("4. unmap(0x4000_3000): the block is split into an L3 table by break-before-make, then the page goes:");
        timeline.clear();
        user.unmap(0x4000_3000L);
        printLog(out, timeline);
        out.printf("   now: %s%n", user.stats());

        out.println();
        out.println("5. unmap(0x1234_5000): the last page under its L1 table; every emptied table is reclaimed,");
        out.println("   and only after the all-levels invalidate (VAE1) and its barrier:");
        timeline.clear();
        user.unmap(0x1234_5000L);
        printLog(out, timeline);

        out.println();
        out.println("6. unmapRange of the other 511 pages (<= 512, so one invalidate per page, no ASID flush):");
        out.println("   VALE1 where the table stays, VAE1 where it is freed too");
        int mark = tlb.mark();
        user.unmapRange(0x4000_0000L, 0x3000);
        user.unmapRange(0x4000_4000L, (2L << 20) - 0x4000);
        List<TlbiRecord> log = tlb.since(mark);
        out.printf("   %d TLB operations: %d VALE1, %d VAE1, %d DSB; %s%n", log.size(),
                log.stream().filter(r -> r.op() == TlbiOp.VALE1).count(), log.stream().filter(r -> r.op() == TlbiOp.VAE1).count(),
                log.stream().filter(r -> r.op() == TlbiOp.DSB).count(), user.stats());

        out.println();
        out.println("7. destroy(): ASIDE1 for ASID 5, then the root goes back too:");
        timeline.clear();
        user.destroy();
        printLog(out, timeline);
        frames.freePage(page);
        frames.free(block, 9);
        out.printf("%nTLB operations in all: %s%n", tlb.counts());
        out.printf("Allocator: %d frames free, as before the address space existed (%d). Nothing leaked.%n",
                frames.freeFrames(), start);
    }

    private static void printLog(PrintWriter out, List<String> timeline) {
        for (String line : timeline) {
            out.printf("   %s%n", line);
        }
    }

    /** Records each TLB operation on the timeline, then passes it on. */
    private static final class TimelineTlb implements TlbMaintenance {
        private final TlbMaintenance next;
        private final List<String> timeline;
        private final RecordingTlbMaintenance format = new RecordingTlbMaintenance();

        TimelineTlb(TlbMaintenance next, List<String> timeline) {
            this.next = next;
            this.timeline = timeline;
        }

        private void add(Runnable op) {
            int mark = format.mark();
            op.run();
            timeline.add(format.since(mark).get(0).toString());
        }

        @Override public void vae1(long va, int asid) { add(() -> format.vae1(va, asid)); next.vae1(va, asid); }
        @Override public void vale1(long va, int asid) { add(() -> format.vale1(va, asid)); next.vale1(va, asid); }
        @Override public void vaae1(long va) { add(() -> format.vaae1(va)); next.vaae1(va); }
        @Override public void vaale1(long va) { add(() -> format.vaale1(va)); next.vaale1(va); }
        @Override public void aside1(int asid) { add(() -> format.aside1(asid)); next.aside1(asid); }
        @Override public void vmalle1() { add(format::vmalle1); next.vmalle1(); }
        @Override public void dsb() { add(format::dsb); next.dsb(); }
    }

    private static String indent(String s) {
        return s.lines().map(l -> "   " + l + "\n").reduce("", String::concat);
    }
}
