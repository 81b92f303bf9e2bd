package dev.levitate.mmu;

/**
 * The VA is not mapped (unmap, protect or a range that covers an unmapped page).
 */
public final class NotMappedException extends MappingException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param va the virtual address involved
     * @param message the details
     */
    public NotMappedException(long va, String message) {
        super(va, message);
    }
}
