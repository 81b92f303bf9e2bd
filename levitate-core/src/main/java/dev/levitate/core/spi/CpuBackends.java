package dev.levitate.core.spi;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds CPU backends with {@link ServiceLoader} and opens them by name.
 */
public final class CpuBackends {
    private static final Logger LOG = LoggerFactory.getLogger(CpuBackends.class);

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
            String why = p.unsupportedReason().orElse("unknown reason");
            LOG.debug("CPU backend '{}' is not supported here: {}", name, why);
            throw new UnsupportedBackendException(name, why);
        }
        CpuBackend b = p.create(config);
        if (LOG.isDebugEnabled()) {
            long bytes = 0;
            for (dev.levitate.core.mem.MemoryRegion r : config.memory().regions()) {
                bytes += r.size();
            }
            LOG.debug("opened CPU backend '{}' ({}): {} KiB of memory in {} region(s), {}", name, b.getClass().getName(), bytes >> 10,
                    config.memory().regions().size(), b.runsGuestCode() ? "runs guest code" : "runs scripted workloads only");
        }
        return b;
    }
}
