package dev.levitate.testkit;

import java.util.Objects;

/**
 * One violation found by the {@link TlbModel}: which check and what happened, naming the VA, the
 * ASID, the level and the descriptors involved.
 *
 * @param check the check that caught it
 * @param message the description
 */
public record TlbViolation(TlbCheck check, String message) {
    /**
     * Validates the value.
     *
     * @param check the check that caught it
     * @param message the description
     */
    public TlbViolation {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return "[" + check.label() + "] " + message;
    }
}
