package dev.levitate.core.mem;

import dev.levitate.core.LevitateException;

/**
 * An access to physical memory that is not wholly inside a configured RAM region.
 *
 * <p>Thrown by {@link PhysicalMemory} before anything is read or written: a failed access changes
 * nothing.
 */
public final class PhysicalAddressException extends LevitateException {
    private static final long serialVersionUID = 1L;

    /** the first physical address of the access. */
    private final long address;
    /** the length of the access in bytes. */
    private final long length;

    /**
     * Creates the exception.
     *
     * @param address the first physical address of the access
     * @param length the number of bytes of the access
     * @param regions a description of the configured regions, for the message
     */
    public PhysicalAddressException(long address, long length, String regions) {
        super("physical access of " + length + " byte(s) at " + hex(address) + " is outside RAM " + regions);
        this.address = address;
        this.length = length;
    }

    /**
     * Returns the first physical address of the rejected access.
     *
     * @return the physical address
     */
    public long address() {
        return address;
    }

    /**
     * Returns the length of the rejected access in bytes.
     *
     * @return the length
     */
    public long length() {
        return length;
    }
}
