package dev.levitate.core.alloc;

/**
 * The block is allocated, but with another order than the one passed to free (or the address is
 * inside an allocated block, not at its start). The order passed is inside {@code 0..maxOrder}: an
 * order outside it is an {@link IllegalArgumentException}, as the {@link PageAllocator} contract says.
 */
public final class WrongOrderException extends InvalidFreeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param address the physical address passed to free
     * @param order the order passed to free
     * @param reason the details, for the message
     */
    public WrongOrderException(long address, int order, String reason) {
        super(address, order, reason);
    }
}
