package dev.levitate.core.alloc;

import dev.levitate.core.LevitateException;

/**
 * No free block of the requested order could be found or made by splitting. Nothing changed.
 */
public final class OutOfFramesException extends LevitateException {
    private static final long serialVersionUID = 1L;
    /** the requested order. */
    private final int order;

    /**
     * Creates the exception.
     *
     * @param order the order that was requested
     * @param freeFrames how many frames were free at the time (possibly fragmented)
     */
    public OutOfFramesException(int order, long freeFrames) {
        super("out of physical frames: no free block of order " + order + " (" + (4096L << order) + " bytes); "
                + freeFrames + " frame(s) free in smaller blocks");
        this.order = order;
    }

    /**
     * Returns the requested order.
     *
     * @return the order
     */
    public int order() {
        return order;
    }
}
