package dev.levitate.core.spi;

/**
 * Names an execution context created by one {@link CpuBackend}. Only the backend that made it
 * accepts it; any other is rejected with {@link UnknownContextException}.
 *
 * @param backendName the name of the backend that created it
 * @param value the backend's own number for it
 */
public record ContextId(String backendName, long value) {
    @Override
    public String toString() {
        return backendName + "#" + value;
    }
}
