package example;

import dev.levitate.core.alloc.PageAllocator;
import dev.levitate.mmu.Attributes;
import dev.levitate.mmu.PageTable;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * "Your" address-space code, the thing the property test checks: an anonymous-memory area in the
 * style of mmap/munmap/mprotect, over a levitate-mmu {@link PageTable}.
 *
 * <ul>
 *   <li>{@link #mmap(int, Attributes)} finds the lowest free run of pages in {@code [base, limit)}
 *       (first fit), takes one data frame per page from its own allocator and maps them; if the
 *       page table runs out of frames for its tables halfway, it undoes what it did and rethrows,
 *       so a failed mmap changes nothing.</li>
 *   <li>{@link #munmap(long, int)} unmaps any run of mapped pages (it may split a mapping) and
 *       gives their data frames back; a run with a hole is refused and nothing changes.</li>
 *   <li>{@link #mprotect(long, int, Attributes)} changes the attributes of a mapped run.</li>
 * </ul>
 * The tables themselves come from the page table's allocator; the data frames come from a
 * separate one, so a test can count each.
 *
 * <p>Planting a bug: run with {@code -Dexample.bug=munmap-keeps-last-page} and {@code munmap} of
 * two pages or more leaves the last page of the run mapped in the table while dropping it from the
 * bookkeeping and freeing its frame (a use-after-free waiting to happen). The property test finds
 * it and shrinks it.
 */
public final class MmapArea {
    private static final long PAGE = PageTable.PAGE_SIZE;
    private static final boolean BUG_KEEPS_LAST_PAGE = "munmap-keeps-last-page".equals(System.getProperty("example.bug"));

    private final PageTable table;
    private final PageAllocator dataFrames;
    private final long base;
    private final long limit;
    /** Mapped page VA → its data frame PA. */
    private final NavigableMap<Long, Long> pages = new TreeMap<>();

    /**
     * Creates an empty area.
     *
     * @param table the page table to map into
     * @param dataFrames where the pages' frames come from
     * @param base the first VA of the area, page aligned
     * @param limit the end of the area (exclusive), page aligned
     */
    public MmapArea(PageTable table, PageAllocator dataFrames, long base, long limit) {
        if ((base | limit) % PAGE != 0 || base >= limit) {
            throw new IllegalArgumentException("bad area [" + Long.toHexString(base) + ", " + Long.toHexString(limit) + ")");
        }
        this.table = Objects.requireNonNull(table);
        this.dataFrames = Objects.requireNonNull(dataFrames);
        this.base = base;
        this.limit = limit;
    }

    /**
     * Maps {@code n} fresh pages at the lowest free VA run of the area.
     *
     * @param n pages, at least 1
     * @param attributes their attributes
     * @return the first VA
     * @throws IllegalStateException if no free run of {@code n} pages is left
     * @throws dev.levitate.core.alloc.OutOfFramesException if data frames run out (nothing changed)
     * @throws dev.levitate.mmu.PageTableOutOfMemoryException if table frames run out (nothing changed)
     */
    public long mmap(int n, Attributes attributes) {
        if (n < 1) {
            throw new IllegalArgumentException("map at least one page, not " + n);
        }
        long va = firstFit(n);
        int done = 0;
        try {
            for (; done < n; done++) {
                long pa = dataFrames.allocatePage();
                try {
                    table.map(va + done * PAGE, pa, attributes);
                } catch (RuntimeException e) {
                    dataFrames.freePage(pa);
                    throw e;
                }
                pages.put(va + done * PAGE, pa);
            }
        } catch (RuntimeException e) {
            if (done > 0) {
                release(va, done, false);
            }
            throw e;
        }
        return va;
    }

    /**
     * Unmaps {@code n} mapped pages from {@code va} and frees their frames.
     *
     * @param va the first VA, page aligned
     * @param n pages, at least 1
     * @throws IllegalArgumentException if a page of the run is not mapped (nothing changed)
     */
    public void munmap(long va, int n) {
        requireMapped(va, n);
        release(va, n, BUG_KEEPS_LAST_PAGE && n > 1);
    }

    /**
     * Changes the attributes of {@code n} mapped pages.
     *
     * @param va the first VA, page aligned
     * @param n pages, at least 1
     * @param attributes the new attributes
     * @throws IllegalArgumentException if a page of the run is not mapped (nothing changed)
     */
    public void mprotect(long va, int n, Attributes attributes) {
        requireMapped(va, n);
        table.protect(va, n * PAGE, attributes);
    }

    /**
     * Returns the mapped pages, VA → data frame, in VA order.
     *
     * @return an unmodifiable view
     */
    public Map<Long, Long> pages() {
        return Collections.unmodifiableMap(pages);
    }

    /**
     * Returns the area's first VA.
     *
     * @return the base
     */
    public long base() {
        return base;
    }

    /**
     * Returns the end of the area (exclusive).
     *
     * @return the limit
     */
    public long limit() {
        return limit;
    }

    private void release(long va, int n, boolean keepLastPage) {
        table.unmapRange(va, (keepLastPage ? n - 1 : n) * PAGE);
        for (int i = 0; i < n; i++) {
            dataFrames.freePage(pages.remove(va + i * PAGE));
        }
    }

    private void requireMapped(long va, int n) {
        if (n < 1 || va % PAGE != 0 || pages.subMap(va, true, va + (n - 1) * PAGE, true).size() != n) {
            throw new IllegalArgumentException(n + " page(s) at 0x" + Long.toHexString(va) + " are not all mapped");
        }
    }

    private long firstFit(int n) {
        long candidate = base;
        for (long mapped : pages.keySet()) {
            if (mapped - candidate >= n * PAGE) {
                break;
            }
            candidate = Math.max(candidate, mapped + PAGE);
        }
        if (limit - candidate < n * PAGE) {
            throw new IllegalStateException("no free run of " + n + " pages left in the area");
        }
        return candidate;
    }
}
