package dev.levitate.core.spi;

import java.util.Objects;

/**
 * One step of a scripted workload, for backends that run scripts instead of guest code (the
 * native backend's built-in script body): the same steps a kernel compiles to guest code on the
 * simulator, so one scheduling scenario runs on both.
 *
 * @param kind what the step does
 * @param value its argument: loop iterations for COMPUTE, ticks for SLEEP, the code for EXIT
 */
public record ScriptStep(Kind kind, long value) {
    /** The system call number a SLEEP step stops with (x0 holds the ticks): the kernel's sleep. */
    public static final long SLEEP_SYSCALL = 101;

    /** The kinds of steps. */
    public enum Kind {
        /** Loop {@code value} times (about two instructions per iteration). */
        COMPUTE,
        /** Give up the CPU: the context stops with YIELDED. */
        YIELD,
        /** Stop with SYSCALL {@link #SLEEP_SYSCALL}, x0 = {@code value} ticks. */
        SLEEP,
        /** End: the context stops with EXITED, code {@code value}. */
        EXIT
    }

    /**
     * Checks the step.
     *
     * @param kind the kind
     * @param value the argument
     * @throws IllegalArgumentException if a COMPUTE count is negative
     */
    public ScriptStep {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.COMPUTE && value < 0) {
            throw new IllegalArgumentException("compute needs a count of 0 or more, not " + value);
        }
    }
}
