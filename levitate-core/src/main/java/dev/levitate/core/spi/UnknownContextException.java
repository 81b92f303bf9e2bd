package dev.levitate.core.spi;

import dev.levitate.core.LevitateException;

/** A context id that the backend did not create, or that was destroyed. Nothing changed. */
public final class UnknownContextException extends LevitateException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param backend the backend that rejected it
     * @param id the rejected id (may be null)
     */
    public UnknownContextException(String backend, ContextId id) {
        super("CPU backend '" + backend + "' has no live context " + id);
    }
}
