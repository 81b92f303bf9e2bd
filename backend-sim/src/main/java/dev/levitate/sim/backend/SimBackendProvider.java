package dev.levitate.sim.backend;

import dev.levitate.core.spi.BackendConfig;
import dev.levitate.core.spi.CpuBackend;
import dev.levitate.core.spi.CpuBackendProvider;
import java.util.Optional;

/** Finds the simulator backend through {@link java.util.ServiceLoader} under the name "sim". */
public final class SimBackendProvider implements CpuBackendProvider {
    /** Creates the provider (ServiceLoader instantiates it). */
    public SimBackendProvider() {
    }

    @Override
    public String name() {
        return SimBackend.NAME;
    }

    /**
     * The simulator is pure Java: it is supported everywhere.
     *
     * @return empty
     */
    @Override
    public Optional<String> unsupportedReason() {
        return Optional.empty();
    }

    @Override
    public CpuBackend create(BackendConfig config) {
        return new SimBackend(config);
    }
}
