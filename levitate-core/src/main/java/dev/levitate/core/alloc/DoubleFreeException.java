package dev.levitate.core.alloc;

/**
 * The block is already free (or lies inside a free block): freeing it again would put it on a free list twice.
 */
public final class DoubleFreeException extends InvalidFreeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param address the physical address passed to free
     * @param order the order passed to free
     * @param reason the details, for the message
     */
    public DoubleFreeException(long address, int order, String reason) {
        super(address, order, reason);
    }
}
