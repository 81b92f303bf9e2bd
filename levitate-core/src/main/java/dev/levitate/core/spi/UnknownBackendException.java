package dev.levitate.core.spi;

import dev.levitate.core.LevitateException;
import java.util.List;

/** No backend provider has the requested name. The message lists the providers there are. */
public final class UnknownBackendException extends LevitateException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param name the requested name
     * @param available the providers found, described
     */
    public UnknownBackendException(String name, List<String> available) {
        super("no CPU backend named '" + name + "'; available: " + (available.isEmpty()
                ? "none (add backend-sim or backend-native to the class path)" : String.join(", ", available)));
    }
}
