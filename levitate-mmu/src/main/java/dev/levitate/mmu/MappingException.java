package dev.levitate.mmu;

import dev.levitate.core.LevitateException;

/**
 * A page-table operation refused. The tables, the allocator and the TLB log are exactly as they
 * were before the call.
 */
public abstract class MappingException extends LevitateException {
    private static final long serialVersionUID = 1L;
    /** The virtual address the operation failed at. */
    private final long va;

    /**
     * Creates the exception.
     *
     * @param va the virtual address the operation failed at
     * @param message what went wrong (the VA is prefixed)
     */
    protected MappingException(long va, String message) {
        super("VA " + hex(va) + ": " + message);
        this.va = va;
    }

    /**
     * Returns the virtual address the operation failed at.
     *
     * @return the VA
     */
    public long va() {
        return va;
    }
}
