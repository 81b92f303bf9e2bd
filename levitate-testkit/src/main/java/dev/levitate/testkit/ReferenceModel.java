package dev.levitate.testkit;

import dev.levitate.mmu.AddressRangeException;
import dev.levitate.mmu.AlreadyMappedException;
import dev.levitate.mmu.Attributes;
import dev.levitate.mmu.Half;
import dev.levitate.mmu.MappingConflictException;
import dev.levitate.mmu.MappingException;
import dev.levitate.mmu.MisalignedAddressException;
import dev.levitate.mmu.NotMappedException;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The simplest correct page table: a sorted map from page VA to (PA, attributes), for one half of a
 * 39- or 48-bit VA space. It knows nothing of levels, blocks or TLBs, which is the point: a real page
 * table must translate exactly as this does after any sequence of operations, and refuse exactly
 * what this refuses.
 *
 * <p>Sizes are in bytes, as in {@link dev.levitate.mmu.PageTable}. An operation is checked in this
 * order, and the first failing check is the refusal: VA 4 KiB aligned, size a positive multiple of
 * 4 KiB, PA 4 KiB aligned ({@link Refusal#MISALIGNED}); the range inside the half, the PA range below
 * 2<sup>48</sup> ({@link Refusal#OUT_OF_RANGE}); then whether the pages are mapped. A refused
 * operation changes nothing.
 */
public final class ReferenceModel {
    private static final long PAGE = 4096;
    private static final long PA_LIMIT = 1L << 48;

    /**
     * What the model says a page maps to.
     *
     * @param pa the page's PA
     * @param attributes its attributes
     */
    public record Entry(long pa, Attributes attributes) {
    }

    /** Why the model refuses an operation: the real page table must throw one of these types. */
    public enum Refusal {
        /** An address or the size is not 4 KiB aligned (or the size is not positive): MisalignedAddress. */
        MISALIGNED(MisalignedAddressException.class, MisalignedAddressException.class),
        /** The range leaves the half, or the PA range passes 48 bits: AddressRange. */
        OUT_OF_RANGE(AddressRangeException.class, AddressRangeException.class),
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
    private final Half half;
    private final int vaBits;

    /** Creates an empty model of the lower half of a 48-bit VA space. */
    public ReferenceModel() {
        this(Half.LOWER, 48);
    }

    /**
     * Creates an empty model of one half.
     *
     * @param half the half
     * @param vaBits 39 or 48
     * @throws IllegalArgumentException if vaBits is not 39 or 48
     */
    public ReferenceModel(Half half, int vaBits) {
        if (vaBits != 39 && vaBits != 48) {
            throw new IllegalArgumentException("VA size " + vaBits + " bits: use 39 or 48");
        }
        this.half = Objects.requireNonNull(half, "half");
        this.vaBits = vaBits;
    }

    /**
     * Returns the half the model translates.
     *
     * @return the half
     */
    public Half half() {
        return half;
    }

    /**
     * Returns the VA size.
     *
     * @return 39 or 48
     */
    public int vaBits() {
        return vaBits;
    }

    private Refusal checkVa(long va, long size) {
        if ((va & (PAGE - 1)) != 0 || size <= 0 || (size & (PAGE - 1)) != 0) {
            return Refusal.MISALIGNED;
        }
        long last = va + size - 1;
        if (!TableWalk.inHalf(half, vaBits, va) || !TableWalk.inHalf(half, vaBits, last) || Long.compareUnsigned(last, va) < 0) {
            return Refusal.OUT_OF_RANGE;
        }
        return null;
    }

    /**
     * Tells what an operation on {@code [va, va + size)} is refused for before the mapped state is
     * looked at, or null.
     *
     * @param va the first VA
     * @param pa the first PA, or -1 when the operation takes none
     * @param size the length in bytes
     * @return {@link Refusal#MISALIGNED}, {@link Refusal#OUT_OF_RANGE} or null
     */
    public Refusal checkArguments(long va, long pa, long size) {
        Refusal r = checkVa(va, size);
        if (r != null || pa == -1) {
            return r;
        }
        if ((pa & (PAGE - 1)) != 0) {
            return Refusal.MISALIGNED;
        }
        if (pa < 0 || pa + size > PA_LIMIT || pa + size < pa) {
            return Refusal.OUT_OF_RANGE;
        }
        return null;
    }

    /**
     * Maps {@code [va, va + size)} to {@code [pa, pa + size)}, or refuses.
     *
     * @param va first VA
     * @param pa first PA
     * @param size bytes
     * @param attributes attributes
     * @return null on success, else the refusal
     */
    public Refusal mapRange(long va, long pa, long size, Attributes attributes) {
        Refusal r = checkArguments(va, pa, size);
        if (r != null) {
            return r;
        }
        if (!pages.subMap(va, true, va + size - PAGE, true).isEmpty()) {
            return Refusal.MAPPED;
        }
        for (long off = 0; off < size; off += PAGE) {
            pages.put(va + off, new Entry(pa + off, attributes));
        }
        return null;
    }

    /**
     * Unmaps {@code [va, va + size)}, or refuses if any page is not mapped.
     *
     * @param va first VA
     * @param size bytes
     * @return null on success, else the refusal
     */
    public Refusal unmapRange(long va, long size) {
        Refusal r = checkArguments(va, -1, size);
        if (r != null) {
            return r;
        }
        var range = pages.subMap(va, true, va + size - PAGE, true);
        if (range.size() != size / PAGE) {
            return Refusal.NOT_MAPPED;
        }
        range.clear();
        return null;
    }

    /**
     * Changes the attributes of {@code [va, va + size)}, or refuses if any page is not mapped.
     *
     * @param va first VA
     * @param size bytes
     * @param attributes new attributes
     * @return null on success, else the refusal
     */
    public Refusal protect(long va, long size, Attributes attributes) {
        Refusal r = checkArguments(va, -1, size);
        if (r != null) {
            return r;
        }
        var range = pages.subMap(va, true, va + size - PAGE, true);
        if (range.size() != size / PAGE) {
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
