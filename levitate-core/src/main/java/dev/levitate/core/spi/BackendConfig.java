package dev.levitate.core.spi;

import dev.levitate.core.mem.PhysicalMemory;
import java.util.Map;
import java.util.Objects;

/**
 * What a backend is created with: the physical memory the kernel builds its tables in (a
 * simulator runs in it; a native backend may ignore it) and free-form options by name
 * (for example {@code "cpu.hz" -> "62500000"}); each backend documents the options it reads.
 *
 * @param memory the physical memory shared by the kernel and the backend
 * @param options backend-specific options
 */
public record BackendConfig(PhysicalMemory memory, Map<String, String> options) {
    /**
     * Copies the options.
     *
     * @throws NullPointerException if memory or options is null
     *
     * @param memory the {@code memory} component, as described on the record
     * @param options the {@code options} component, as described on the record
     */
    public BackendConfig {
        Objects.requireNonNull(memory, "memory");
        options = Map.copyOf(options);
    }

    /**
     * A configuration with no options.
     *
     * @param memory the physical memory
     * @return the configuration
     */
    public static BackendConfig of(PhysicalMemory memory) {
        return new BackendConfig(memory, Map.of());
    }

    /**
     * Returns an option, or a default when it is absent.
     *
     * @param name the option name
     * @param fallback the value when absent
     * @return the option's value
     */
    public String option(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }
}
