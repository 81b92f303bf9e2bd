package dev.levitate.core;

/**
 * Root of every exception Levitate throws on bad input.
 *
 * <p>The contract shared by all modules (see {@code DESIGN.md}, "Contracts"): an operation that
 * throws a {@code LevitateException} has changed nothing — memory, allocator, tables and TLB are
 * exactly as before the call. Subclasses name the address, order or register involved in their
 * message and expose it as a field.
 */
public abstract class LevitateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message that names what went wrong and where.
     *
     * @param message the message, naming the offending address, order or register
     */
    protected LevitateException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a message and the exception that caused it.
     *
     * @param message the message, naming the offending address, order or register
     * @param cause the underlying cause
     */
    protected LevitateException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Formats an address the way the Arm ARM and every debugger print it: {@code 0x} and 16 hex
     * digits with an underscore between each group of four, e.g. {@code 0x0000_0000_4008_0000}.
     *
     * @param address the address (physical or virtual)
     * @return the formatted address
     */
    public static String hex(long address) {
        String h = String.format("%016x", address);
        return "0x" + h.substring(0, 4) + "_" + h.substring(4, 8) + "_" + h.substring(8, 12) + "_" + h.substring(12);
    }
}
