package dev.levitate.check;

/**
 * A call into guest code did not return as the AAPCS64 calling convention requires: it faulted, ran
 * out of its instruction budget, or came back with its stack or callee-saved registers changed. The
 * message names the call, the PC and its symbol.
 */
public class GuestCallException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** The guest PC the report is about. */
    private final long pc;

    /**
     * Creates the exception.
     *
     * @param message what happened, where
     * @param pc the guest PC the report is about
     */
    public GuestCallException(String message, long pc) {
        super(message);
        this.pc = pc;
    }

    /**
     * Returns the guest PC the report is about (the faulting instruction, where the budget ran out,
     * or where the function returned).
     *
     * @return the PC
     */
    public long pc() {
        return pc;
    }
}
