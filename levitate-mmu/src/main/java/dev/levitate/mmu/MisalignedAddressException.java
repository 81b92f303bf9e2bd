package dev.levitate.mmu;

/**
 * A VA, PA or size is not aligned to the granule (4 KiB) or to the block size asked for.
 */
public final class MisalignedAddressException extends MappingException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param va the virtual address involved
     * @param message the details
     */
    public MisalignedAddressException(long va, String message) {
        super(va, message);
    }
}
