package dev.levitate.core.mem;

import dev.levitate.core.LevitateException;

/**
 * One contiguous range of physical RAM: {@code [base, base + size)}.
 *
 * <p>Both ends are 4 KiB aligned (the translation granule, ARM ARM D8.2): a frame either lies
 * wholly in RAM or not at all.
 *
 * @param base first physical address of the region, 4 KiB aligned
 * @param size length in bytes, a positive multiple of 4 KiB
 */
public record MemoryRegion(long base, long size) {

    /**
     * Validates the region.
     *
     * @throws IllegalArgumentException if base or size is not 4 KiB aligned, the size is not
     *     positive, or the region reaches past the 48-bit physical address space
     *
     * @param base the {@code base} component, as described on the record
     * @param size the {@code size} component, as described on the record
     */
    public MemoryRegion {
        if ((base & PhysicalMemory.PAGE_MASK) != 0 || (size & PhysicalMemory.PAGE_MASK) != 0 || size <= 0) {
            throw new IllegalArgumentException("RAM region " + LevitateException.hex(base) + " + " + LevitateException.hex(size)
                    + " must be 4 KiB aligned with a positive size");
        }
        if (base < 0 || base + size > PhysicalMemory.MAX_ADDRESS || base + size < base) {
            throw new IllegalArgumentException("RAM region " + LevitateException.hex(base) + " + " + LevitateException.hex(size)
                    + " reaches past the 48-bit physical address space");
        }
    }

    /**
     * Returns the first address past the region.
     *
     * @return {@code base + size}
     */
    public long limit() {
        return base + size;
    }

    /**
     * Tells whether {@code [pa, pa + length)} lies wholly inside this region.
     *
     * @param pa the first physical address
     * @param length the number of bytes, at least 1
     * @return true if every byte is inside the region
     */
    public boolean contains(long pa, long length) {
        return pa >= base && length >= 0 && pa - base <= size - length;
    }

    @Override
    public String toString() {
        return "[" + LevitateException.hex(base) + ", " + LevitateException.hex(limit()) + ")";
    }
}
