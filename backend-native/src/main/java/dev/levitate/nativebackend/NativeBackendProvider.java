package dev.levitate.nativebackend;

import dev.levitate.core.spi.BackendConfig;
import dev.levitate.core.spi.CpuBackend;
import dev.levitate.core.spi.CpuBackendProvider;
import dev.levitate.core.spi.UnsupportedBackendException;
import java.util.Optional;

/** Provides {@link NativeBackend} as "native" through {@link java.util.ServiceLoader}. */
public final class NativeBackendProvider implements CpuBackendProvider {

    /** Creates the provider (ServiceLoader instantiates it). */
    public NativeBackendProvider() {
    }

    @Override
    public String name() {
        return NativeBackend.NAME;
    }

    @Override
    public Optional<String> unsupportedReason() {
        return Shim.unavailableReason();
    }

    /**
     * {@inheritDoc}
     *
     * <p>The native backend ignores the configuration's memory: tasks run in the host's.
     */
    @Override
    public CpuBackend create(BackendConfig config) {
        if (!isSupported()) {
            throw new UnsupportedBackendException(NAME_FOR_MESSAGES, unsupportedReason().orElse(""));
        }
        return new NativeBackend();
    }

    private static final String NAME_FOR_MESSAGES = NativeBackend.NAME;
}
