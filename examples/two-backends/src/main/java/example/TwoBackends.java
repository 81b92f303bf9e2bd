package example;

import dev.levitate.core.mem.PhysicalMemory;
import dev.levitate.core.spi.BackendConfig;
import dev.levitate.core.spi.ContextId;
import dev.levitate.core.spi.ContextSpec;
import dev.levitate.core.spi.CpuBackend;
import dev.levitate.core.spi.CpuBackends;
import dev.levitate.core.spi.StopReason;
import dev.levitate.nativebackend.NativeBackend;
import dev.levitate.nativebackend.Script;
import dev.levitate.a64.A64Assembler;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One scheduling scenario, two CPU backends, one scheduler written against the backend SPI only.
 *
 * <p>Three tasks: A yields 3 times, B yields once, C yields twice; each computes a little before
 * every yield and then exits with its own code. A round-robin loop resumes them in turn and prints
 * why each stopped. On the simulator the tasks are A64 guest code (written with the assembler) and
 * the switch is the guest's {@code cpu_switch_to}; on the native backend they are the shim's
 * scripted bodies and the switch is real host assembly. The scheduler cannot tell the difference:
 * the two runs print the same schedule.
 */
public final class TwoBackends {
    private TwoBackends() {
    }

    /** The scenario: name, yields, exit code. */
    static final Object[][] TASKS = {{"A", 3, 10}, {"B", 1, 20}, {"C", 2, 30}};
    static final long COMPUTE = 2_000;

    /**
     * Runs the scenario on a backend and returns the schedule, one line per stop.
     *
     * @param backend the backend
     * @param contexts the tasks' contexts by name, in spawn order
     * @return the schedule
     */
    static List<String> roundRobin(CpuBackend backend, Map<String, ContextId> contexts) {
        List<String> schedule = new ArrayList<>();
        ArrayDeque<String> ready = new ArrayDeque<>(contexts.keySet());
        while (!ready.isEmpty()) {
            String name = ready.poll();
            StopReason r = backend.resume(contexts.get(name), Long.MAX_VALUE);
            switch (r.kind()) {
                case YIELDED:
                    schedule.add(name + " yielded");
                    ready.add(name);
                    break;
                case EXITED:
                    schedule.add(name + " exited with " + r.value());
                    backend.destroyContext(contexts.get(name));
                    break;
                default:
                    throw new IllegalStateException(name + " stopped unexpectedly: " + r);
            }
        }
        return schedule;
    }

    /**
     * The scenario on the simulator: guest code for each task.
     *
     * @return the schedule
     */
    public static List<String> onSimulator() {
        PhysicalMemory ram = PhysicalMemory.of(0x4000_0000L, 32L << 20);
        try (CpuBackend sim = CpuBackends.open("sim", BackendConfig.of(ram))) {
            Map<String, ContextId> contexts = new LinkedHashMap<>();
            long code = 0x4010_0000L;
            long stack = 0x4020_0000L;
            for (Object[] t : TASKS) {
                A64Assembler a = new A64Assembler(code);
                for (int i = 0; i < (int) t[1]; i++) {
                    A64Assembler.Label spin = a.label();
                    a.movz(9, (int) COMPUTE, 0).bind(spin).subsImm(9, 9, 1).bCond(A64Assembler.Cond.NE, spin);
                    a.svc(1); // the sim runtime's yield
                }
                a.movz(0, (int) t[2], 0).svc(2); // exit(code)
                byte[] bytes = a.assembleBytes();
                ram.write(code, bytes, 0, bytes.length);
                stack += 16 * 1024;
                contexts.put((String) t[0], sim.createContext(ContextSpec.kernel((String) t[0], code, stack, 0)));
                code += 4096;
            }
            return roundRobin(sim, contexts);
        }
    }

    /**
     * The scenario on the native backend: the shim's scripted bodies (same steps).
     *
     * @return the schedule
     * @throws IllegalStateException if the native backend is not supported on this host
     */
    public static List<String> onNative() {
        if (!CpuBackends.provider("native").isSupported()) {
            throw new IllegalStateException("the native backend is not supported here: "
                    + CpuBackends.provider("native").unsupportedReason().orElse("?"));
        }
        try (NativeBackend nat = new NativeBackend()) {
            Map<String, ContextId> contexts = new LinkedHashMap<>();
            for (Object[] t : TASKS) {
                Script s = Script.create();
                for (int i = 0; i < (int) t[1]; i++) {
                    s.compute(COMPUTE).yieldCpu();
                }
                s.exit((int) t[2]);
                contexts.put((String) t[0], nat.createScript(s));
            }
            return roundRobin(nat, contexts);
        }
    }

    /**
     * Prints both schedules side by side.
     *
     * @param args unused
     */
    public static void main(String[] args) {
        List<String> sim = onSimulator();
        List<String> nat = onNative();
        System.out.printf("%-22s %s%n", "simulator (guest A64)", "native (" + System.getProperty("os.arch") + " host)");
        for (int i = 0; i < Math.max(sim.size(), nat.size()); i++) {
            System.out.printf("%-22s %s%n", i < sim.size() ? sim.get(i) : "", i < nat.size() ? nat.get(i) : "");
        }
        System.out.println(sim.equals(nat) ? "Same schedule on both backends." : "The schedules differ!");
    }
}
