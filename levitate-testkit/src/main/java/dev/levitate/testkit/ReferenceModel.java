package dev.levitate.testkit;

import dev.levitate.mmu.AlreadyMappedException;
import dev.levitate.mmu.Attributes;
import dev.levitate.mmu.MappingConflictException;
import dev.levitate.mmu.MappingException;
import dev.levitate.mmu.NotMappedException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The simplest correct page table: a sorted map from page VA to (PA, attributes). It knows
 * nothing of levels, blocks or TLBs, which is the point: a real {@link dev.levitate.mmu.PageTable}
 * must translate exactly as this does after any sequence of operations.
 */
public final class ReferenceModel {

    /** What the model says a page maps to. */
    public record Entry(long pa, Attributes attributes) {
    }

    /** Why the model refuses an operation: the real page table must throw one of these types. */
    public enum Refusal {
        /** Some page of the range is mapped: AlreadyMapped (or MappingConflict inside a block). */
        MAPPED(AlreadyMappedException.class, MappingConflictException.class),
        /** Some page of the range is not mapped: NotMapped. */
        NOT_MAPPED(NotMappedException.class, NotMappedException.class);

        private final Class<? extends MappingException> main;
        private final Class<? extends MappingException> alternative;

        Refusal(Class<? extends MappingException> main, Class<? extends MappingException> alternative) {
            this.main = main;
            this.alternative = alternative;
        }

        /**
         * Tells whether a thrown exception is the one this refusal predicts.
         *
         * @param e what the real page table threw
         * @return true if it matches
         */
        public boolean matches(Throwable e) {
            return main.isInstance(e) || alternative.isInstance(e);
        }
    }

    private final TreeMap<Long, Entry> pages = new TreeMap<>();

    /** Creates an empty model. */
    public ReferenceModel() {
    }

    /**
     * Maps {@code n} pages, or refuses if any is mapped.
     *
     * @param va first VA
     * @param pa first PA
     * @param n pages
     * @param attributes attributes
     * @return null on success, else the refusal
     */
    public Refusal mapRange(long va, long pa, int n, Attributes attributes) {
        if (!pages.subMap(va, true, va + (n - 1) * 4096L, true).isEmpty()) {
            return Refusal.MAPPED;
        }
        for (int i = 0; i < n; i++) {
            pages.put(va + i * 4096L, new Entry(pa + i * 4096L, attributes));
        }
        return null;
    }

    /**
     * Unmaps {@code n} pages, or refuses if any is not mapped.
     *
     * @param va first VA
     * @param n pages
     * @return null on success, else the refusal
     */
    public Refusal unmapRange(long va, int n) {
        if (pages.subMap(va, true, va + (n - 1) * 4096L, true).size() != n) {
            return Refusal.NOT_MAPPED;
        }
        pages.subMap(va, true, va + (n - 1) * 4096L, true).clear();
        return null;
    }

    /**
     * Changes the attributes of {@code n} pages, or refuses if any is not mapped.
     *
     * @param va first VA
     * @param n pages
     * @param attributes new attributes
     * @return null on success, else the refusal
     */
    public Refusal protect(long va, int n, Attributes attributes) {
        var range = pages.subMap(va, true, va + (n - 1) * 4096L, true);
        if (range.size() != n) {
            return Refusal.NOT_MAPPED;
        }
        range.replaceAll((k, e) -> new Entry(e.pa(), attributes));
        return null;
    }

    /**
     * Returns the entry of a page.
     *
     * @param pageVa the page's VA
     * @return the entry, or null if unmapped
     */
    public Entry get(long pageVa) {
        return pages.get(pageVa);
    }

    /**
     * Returns every mapped page in VA order.
     *
     * @return an unmodifiable view
     */
    public Map<Long, Entry> pages() {
        return java.util.Collections.unmodifiableMap(pages);
    }

    /**
     * Returns the number of mapped pages.
     *
     * @return the count
     */
    public int size() {
        return pages.size();
    }
}
