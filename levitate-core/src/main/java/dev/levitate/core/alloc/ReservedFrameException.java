package dev.levitate.core.alloc;

/**
 * The block covers a reserved frame, which the allocator never hands out.
 */
public final class ReservedFrameException extends InvalidFreeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param address the physical address passed to free
     * @param order the order passed to free
     * @param reason the details, for the message
     */
    public ReservedFrameException(long address, int order, String reason) {
        super(address, order, reason);
    }
}
