package dev.levitate.mmu;

import dev.levitate.core.alloc.OutOfFramesException;

/**
 * The page allocator ran out of frames for a translation table. Every table the operation had
 * already taken was given back, and nothing else changed.
 */
public final class PageTableOutOfMemoryException extends MappingException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param va the VA the operation was mapping when the allocator failed
     * @param tablesNeeded how many table frames the operation needed
     * @param cause the allocator's exception, or null
     */
    public PageTableOutOfMemoryException(long va, int tablesNeeded, OutOfFramesException cause) {
        super(va, "out of frames for translation tables (the operation needed " + tablesNeeded + ")");
        if (cause != null) {
            initCause(cause);
        }
    }
}
