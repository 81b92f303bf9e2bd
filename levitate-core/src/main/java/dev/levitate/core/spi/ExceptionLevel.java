package dev.levitate.core.spi;

/**
 * The AArch64 exception levels an execution context can run at (ARM ARM D1.1). Levitate models
 * the EL1&amp;0 regime: a kernel at EL1 and user code at EL0.
 */
public enum ExceptionLevel {
    /** EL0: unprivileged (user tasks). */
    EL0,
    /** EL1: the kernel. */
    EL1;

    /**
     * Returns the value CurrentEL.EL reads at this level.
     *
     * @return 0 or 1
     */
    public int number() {
        return ordinal();
    }
}
