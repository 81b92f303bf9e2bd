package dev.levitate.core.spi;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Finds CPU backends with {@link ServiceLoader} and opens them by name.
 */
public final class CpuBackends {
    private CpuBackends() {
    }

    /**
     * Lists every provider on the class path, sorted by name.
     *
     * @return the providers (possibly empty)
     */
    public static List<CpuBackendProvider> providers() {
        List<CpuBackendProvider> out = new ArrayList<>();
        for (CpuBackendProvider p : ServiceLoader.load(CpuBackendProvider.class, CpuBackends.class.getClassLoader())) {
            out.add(p);
        }
        out.sort(Comparator.comparing(CpuBackendProvider::name));
        return out;
    }

    /**
     * Finds a provider by name.
     *
     * @param name the backend name
     * @return the provider
     * @throws UnknownBackendException if no provider has that name; the message lists those there are
     */
    public static CpuBackendProvider provider(String name) {
        List<CpuBackendProvider> all = providers();
        for (CpuBackendProvider p : all) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        List<String> names = new ArrayList<>();
        for (CpuBackendProvider p : all) {
            names.add(p.name() + (p.isSupported() ? "" : " (unsupported: " + p.unsupportedReason().orElse("") + ")"));
        }
        throw new UnknownBackendException(name, names);
    }

    /**
     * Opens a backend by name.
     *
     * @param name the backend name ("sim", "native")
     * @param config its configuration
     * @return a new backend
     * @throws UnknownBackendException if no provider has that name
     * @throws UnsupportedBackendException if the provider cannot run on this host
     */
    public static CpuBackend open(String name, BackendConfig config) {
        CpuBackendProvider p = provider(name);
        if (!p.isSupported()) {
            throw new UnsupportedBackendException(name, p.unsupportedReason().orElse("unknown reason"));
        }
        return p.create(config);
    }
}
