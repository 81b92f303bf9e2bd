package dev.levitate.core.alloc;

/**
 * The address is not aligned to the size of a block of the given order.
 */
public final class MisalignedFrameException extends InvalidFreeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param address the physical address passed to free
     * @param order the order passed to free
     * @param reason the details, for the message
     */
    public MisalignedFrameException(long address, int order, String reason) {
        super(address, order, reason);
    }
}
