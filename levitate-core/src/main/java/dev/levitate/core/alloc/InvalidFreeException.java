package dev.levitate.core.alloc;

import dev.levitate.core.LevitateException;

/**
 * A free that the allocator rejected because it would corrupt its state. The allocator is
 * unchanged. Subclasses say why: {@link DoubleFreeException}, {@link WrongOrderException},
 * {@link MisalignedFrameException}, {@link ForeignFrameException}, {@link ReservedFrameException}.
 */
public abstract class InvalidFreeException extends LevitateException {
    private static final long serialVersionUID = 1L;
    /** the physical address passed to free. */
    private final long address;
    /** the order passed to free. */
    private final int order;

    /**
     * Creates the exception.
     *
     * @param address the physical address passed to free
     * @param order the order passed to free
     * @param reason why the free is invalid
     */
    protected InvalidFreeException(long address, int order, String reason) {
        super("invalid free of " + hex(address) + " order " + order + ": " + reason);
        this.address = address;
        this.order = order;
    }

    /**
     * Returns the physical address passed to free.
     *
     * @return the address
     */
    public long address() {
        return address;
    }

    /**
     * Returns the order passed to free.
     *
     * @return the order
     */
    public int order() {
        return order;
    }
}
