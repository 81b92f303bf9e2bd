package dev.levitate.sim.gdb;

/**
 * A packet whose payload does not parse (bad hex, a missing field, a number too wide, a length
 * that does not match its data). The stub answers it with an error reply; it never leaves the
 * stub.
 */
final class MalformedPacketException extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was wrong, and where
     */
    MalformedPacketException(String message) {
        super(message);
    }
}
