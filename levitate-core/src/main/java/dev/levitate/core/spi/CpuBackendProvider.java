package dev.levitate.core.spi;

import java.util.Optional;

/**
 * Makes {@link CpuBackend}s of one kind. Providers are found with {@link java.util.ServiceLoader}
 * (list the class in {@code META-INF/services/dev.levitate.core.spi.CpuBackendProvider}) and chosen
 * by name through {@link CpuBackends}.
 */
public interface CpuBackendProvider {

    /**
     * Returns the backend's name ("sim", "native").
     *
     * @return the name, unique among providers
     */
    String name();

    /**
     * Says whether this provider can create a backend on this host, and if not, why.
     *
     * @return empty if supported, else the reason (for example "no native library for linux-riscv64")
     */
    Optional<String> unsupportedReason();

    /**
     * Tells whether this provider can create a backend on this host.
     *
     * @return true if {@link #unsupportedReason()} is empty
     */
    default boolean isSupported() {
        return unsupportedReason().isEmpty();
    }

    /**
     * Creates a backend.
     *
     * @param config the memory and options
     * @return a new backend, owned by the caller (close it)
     * @throws UnsupportedBackendException if the backend is not supported here
     */
    CpuBackend create(BackendConfig config);
}
