package dev.levitate.mmu;

/**
 * A page was asked for inside a block, or a block over an existing table: the structure conflicts.
 */
public final class MappingConflictException extends MappingException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param va the virtual address involved
     * @param message the details
     */
    public MappingConflictException(long va, String message) {
        super(va, message);
    }
}
