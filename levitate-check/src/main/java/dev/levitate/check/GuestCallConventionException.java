package dev.levitate.check;

/**
 * The called guest function returned, but broke the AAPCS64 procedure call standard: SP not
 * restored, a callee-saved register (x19–x28, x29) changed, or a return to another address than
 * the one in x30 at the call (seen as a stop somewhere else).
 */
public final class GuestCallConventionException extends GuestCallException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the call and the register that differs, with both values
     * @param pc where it returned
     */
    public GuestCallConventionException(String message, long pc) {
        super(message, pc);
    }
}
