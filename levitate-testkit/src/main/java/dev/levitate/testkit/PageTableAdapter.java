package dev.levitate.testkit;

import dev.levitate.core.alloc.PageAllocator;
import dev.levitate.core.tlb.TlbMaintenance;
import dev.levitate.core.mem.PhysicalMemory;
import dev.levitate.mmu.Attributes;
import dev.levitate.mmu.Half;
import dev.levitate.mmu.PageTable;
import java.util.Objects;

/** levitate-mmu's {@link PageTable} as a {@link TestablePageTable}: every call forwarded. */
final class PageTableAdapter implements TestablePageTable {
    private final PageTable table;
    private final PageAllocator frames;
    private final TlbMaintenance tlb;

    PageTableAdapter(PageTable table, PageAllocator frames, TlbMaintenance tlb) {
        this.table = Objects.requireNonNull(table, "table");
        this.frames = frames;
        this.tlb = tlb;
    }

    PageTable pageTable() {
        return table;
    }

    @Override public void map(long va, long pa, Attributes attributes) { table.map(va, pa, attributes); }
    @Override public long unmap(long va) { return table.unmap(va); }
    @Override public void mapRange(long va, long pa, long size, Attributes a, boolean blocks) { table.mapRange(va, pa, size, a, blocks); }
    @Override public void unmapRange(long va, long size) { table.unmapRange(va, size); }
    @Override public void protect(long va, long size, Attributes attributes) { table.protect(va, size, attributes); }
    @Override public long root() { return table.root(); }
    @Override public PhysicalMemory memory() { return table.memory(); }
    @Override public PageAllocator allocator() { return frames; }
    @Override public TlbMaintenance tlb() { return tlb; }
    @Override public Half half() { return table.half(); }
    @Override public int vaBits() { return table.vaBits(); }
    @Override public int asid() { return table.asid(); }
    @Override public boolean reclaimsEagerly() { return table.reclaimMode() == PageTable.ReclaimMode.EAGER; }
    @Override public int reclaimEmptyTables(long va, long size) { return table.reclaimEmptyTables(va, size); }
    @Override public int destroy() { return table.destroy(); }

    @Override
    public String toString() {
        return table.toString();
    }
}
