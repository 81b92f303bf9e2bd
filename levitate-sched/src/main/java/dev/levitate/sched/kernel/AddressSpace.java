package dev.levitate.sched.kernel;

import dev.levitate.core.alloc.PageAllocator;
import dev.levitate.mmu.AsidAllocator;
import dev.levitate.mmu.Attributes;
import dev.levitate.mmu.PageTable;
import java.util.Map;
import java.util.TreeMap;

/**
 * A user task's address space: its TTBR0 {@link PageTable} with its ASID, and the frames it owns,
 * by VA. The ASID is the table's ({@link PageTable#asid()}): the kernel retags the table when the
 * ASID allocator hands the space a new one (see {@code Kernel}, activation), so it is
 * {@link PageTable#NO_ASID} until the task first runs. Code, stack and anonymous pages are all 4 KiB pages here; the frames go back to the
 * allocator when the pages are unmapped or the space is destroyed (after the TLB invalidations
 * that {@link PageTable} issues — free only after invalidate).
 */
public final class AddressSpace {
    /** Where user code is mapped. */
    public static final long CODE_BASE = 0x0040_0000L;
    /** The top of the user stack (exclusive). */
    public static final long STACK_TOP = 0x0000_7FFF_FFFF_0000L;
    /** The lowest address anonymous mappings may use. */
    public static final long MMAP_BASE = 0x1000_0000L;
    /** The end of the anonymous mapping area (exclusive). */
    public static final long MMAP_LIMIT = 0x7000_0000L;

    private final PageTable table;
    private final AsidAllocator.Context asidContext;
    private final PageAllocator frames;
    /** Owned frames by VA; the value's low bit says whether it is anonymous (munmap-able). */
    private final TreeMap<Long, Long> pages = new TreeMap<>();

    AddressSpace(PageTable table, AsidAllocator.Context asidContext, PageAllocator frames) {
        this.table = table;
        this.asidContext = asidContext;
        this.frames = frames;
    }

    /** The space's state in the kernel's ASID allocator (Linux's {@code mm->context.id}). */
    AsidAllocator.Context asidContext() {
        return asidContext;
    }

    /**
     * Returns the page table.
     *
     * @return the TTBR0 table
     */
    public PageTable table() {
        return table;
    }

    /**
     * Returns the ASID the space holds now (it changes after an ASID rollover).
     *
     * @return the ASID, or {@link PageTable#NO_ASID} before the task first ran or after its ASID
     *     went stale
     */
    public int asid() {
        return table.asid();
    }

    /**
     * Returns the pages mapped, VA to PA.
     *
     * @return a snapshot
     */
    public Map<Long, Long> pages() {
        Map<Long, Long> out = new TreeMap<>();
        pages.forEach((va, v) -> out.put(va, v & ~1L));
        return out;
    }

    /** Maps a freshly allocated frame at va; on failure nothing is left behind. */
    void mapNew(long va, Attributes attributes, boolean anonymous) {
        long pa = frames.allocatePage();
        try {
            table.map(va, pa, attributes);
        } catch (RuntimeException e) {
            frames.freePage(pa);
            throw e;
        }
        pages.put(va, pa | (anonymous ? 1 : 0));
    }

    boolean isAnonymous(long va) {
        Long v = pages.get(va);
        return v != null && (v & 1) != 0;
    }

    /** Unmaps one owned page and frees its frame (after the table's TLB maintenance). */
    void unmapPage(long va) {
        Long v = pages.remove(va);
        if (v == null) {
            throw new IllegalArgumentException("0x" + Long.toHexString(va) + " is not a page of this address space");
        }
        table.unmap(va);
        frames.freePage(v & ~1L);
    }

    /** Unmaps everything and frees the tables (the ASID's entries are invalidated by destroy). */
    void destroy() {
        for (Long va : pages.keySet().toArray(new Long[0])) {
            unmapPage(va);
        }
        table.destroy();
    }
}
