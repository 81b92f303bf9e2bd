package dev.levitate.check;

/** The called guest function did not return within its instruction budget (a hang, a runaway loop). */
public final class GuestBudgetException extends GuestCallException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the call, the budget, where it was
     * @param pc where the budget ran out
     */
    public GuestBudgetException(String message, long pc) {
        super(message, pc);
    }
}
