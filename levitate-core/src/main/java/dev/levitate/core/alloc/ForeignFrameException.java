package dev.levitate.core.alloc;

/**
 * The address is not in RAM managed by this allocator, or the block would reach past it.
 */
public final class ForeignFrameException extends InvalidFreeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param address the physical address passed to free
     * @param order the order passed to free
     * @param reason the details, for the message
     */
    public ForeignFrameException(long address, int order, String reason) {
        super(address, order, reason);
    }
}
