package dev.levitate.check;

/**
 * The called guest function took an exception (an abort, an UNDEFINED instruction, a BRK, an SVC,
 * an alignment fault): while a call runs, VBAR_EL1 points at a hole, so every synchronous exception
 * stops the machine with its syndrome (ESR_EL1 layout, Arm ARM D17.2.37) instead of entering the
 * guest's own vectors.
 */
public final class GuestFaultException extends GuestCallException {
    private static final long serialVersionUID = 1L;
    /** The ESR value. */
    private final long syndrome;
    /** FAR, or the stop value. */
    private final long faultAddress;

    /**
     * Creates the exception.
     *
     * @param message what happened, where, with the ESR decoded
     * @param pc the instruction that faulted
     * @param syndrome the ESR value
     * @param faultAddress the FAR value (or the stop's value when the exception has none)
     */
    public GuestFaultException(String message, long pc, long syndrome, long faultAddress) {
        super(message, pc);
        this.syndrome = syndrome;
        this.faultAddress = faultAddress;
    }

    /**
     * Returns the syndrome, in the ESR_EL1 layout.
     *
     * @return the ESR value
     */
    public long syndrome() {
        return syndrome;
    }

    /**
     * Returns the faulting address of an abort (FAR_EL1), else the stop's value.
     *
     * @return the address
     */
    public long faultAddress() {
        return faultAddress;
    }
}
