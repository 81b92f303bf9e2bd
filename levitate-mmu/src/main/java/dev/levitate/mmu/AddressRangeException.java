package dev.levitate.mmu;

/**
 * A VA outside this table's half (TTBR0 or TTBR1) or not canonical for its size, or a PA beyond 48 bits.
 */
public final class AddressRangeException extends MappingException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param va the virtual address involved
     * @param message the details
     */
    public AddressRangeException(long va, String message) {
        super(va, message);
    }
}
