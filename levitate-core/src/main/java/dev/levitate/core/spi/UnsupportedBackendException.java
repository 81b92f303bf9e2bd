package dev.levitate.core.spi;

import dev.levitate.core.LevitateException;

/** The backend exists but cannot run on this host; the message says why. */
public final class UnsupportedBackendException extends LevitateException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param name the backend name
     * @param reason why it is unsupported here
     */
    public UnsupportedBackendException(String name, String reason) {
        super("CPU backend '" + name + "' is not supported on this host: " + reason);
    }
}
