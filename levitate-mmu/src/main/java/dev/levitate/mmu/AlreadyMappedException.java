package dev.levitate.mmu;

/**
 * The VA is already mapped (ARM ARM: changing a live entry needs break-before-make; unmap first).
 */
public final class AlreadyMappedException extends MappingException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param va the virtual address involved
     * @param message the details
     */
    public AlreadyMappedException(long va, String message) {
        super(va, message);
    }
}
