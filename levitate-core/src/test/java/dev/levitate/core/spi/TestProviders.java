package dev.levitate.core.spi;

import dev.levitate.core.tlb.TlbMaintenance;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Two providers registered in the test class path's META-INF/services, for CpuBackendsTest. */
final class TestProviders {
    private TestProviders() {
    }

    /** A backend whose contexts exit at once with their argument as exit code. */
    public static final class Echo implements CpuBackendProvider {
        @Override
        public String name() {
            return "test-echo";
        }

        @Override
        public Optional<String> unsupportedReason() {
            return Optional.empty();
        }

        @Override
        public CpuBackend create(BackendConfig config) {
            return new CpuBackend() {
                private final Map<Long, ContextSpec> live = new HashMap<>();
                private long next;

                @Override public String name() { return "test-echo"; }
                @Override public ContextId createContext(ContextSpec spec) {
                    live.put(next, spec);
                    return new ContextId(name(), next++);
                }
                private ContextSpec get(ContextId c) {
                    ContextSpec s = c == null || !c.backendName().equals(name()) ? null : live.get(c.value());
                    if (s == null) {
                        throw new UnknownContextException(name(), c);
                    }
                    return s;
                }
                @Override public StopReason resume(ContextId c, long q) { return StopReason.exited(get(c).entry(), get(c).argument()); }
                @Override public long readRegister(ContextId c, int r) { return get(c).argument(); }
                @Override public void writeRegister(ContextId c, int r, long v) { get(c); }
                @Override public long readSavedContext(ContextId c, int o) { return get(c).stackTop(); }
                @Override public void destroyContext(ContextId c) { get(c); live.remove(c.value()); }
                @Override public TlbMaintenance tlb() { return TlbMaintenance.none(); }
                @Override public long cycles() { return 0; }
                @Override public void close() { live.clear(); }
            };
        }
    }

    /** A provider that is never supported. */
    public static final class Broken implements CpuBackendProvider {
        @Override
        public String name() {
            return "test-broken";
        }

        @Override
        public Optional<String> unsupportedReason() {
            return Optional.of("needs a unicorn");
        }

        @Override
        public CpuBackend create(BackendConfig config) {
            throw new UnsupportedBackendException(name(), unsupportedReason().get());
        }
    }
}
