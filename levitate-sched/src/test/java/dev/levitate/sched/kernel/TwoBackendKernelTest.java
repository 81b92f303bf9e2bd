package dev.levitate.sched.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.core.spi.CpuBackends;
import dev.levitate.sched.RoundRobinPolicy;
import dev.levitate.sched.Task;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The same scripted round-robin scenario through the kernel on the simulator (guest code) and on
 * the native backend (the shim's script body on host registers): the same order of events.
 */
class TwoBackendKernelTest {
    static final java.util.Set<KernelEvent.Kind> SCHEDULING = java.util.EnumSet.of(KernelEvent.Kind.SPAWN, KernelEvent.Kind.SWITCH,
            KernelEvent.Kind.PREEMPT, KernelEvent.Kind.YIELD, KernelEvent.Kind.BLOCK, KernelEvent.Kind.SLEEP, KernelEvent.Kind.WAKE,
            KernelEvent.Kind.EXIT, KernelEvent.Kind.REAP);

    private static List<String> run(String backend) {
        try (Kernel k = Kernel.builder().ramMib(32).backend(backend).policy(new RoundRobinPolicy(1_000)).build()) {
            List<String> events = new ArrayList<>();
            k.addListener(e -> {
                if (SCHEDULING.contains(e.kind())) { // memory events differ: native tasks have no kernel stack to unmap
                    events.add(e.kind() + " " + e.task());
                }
            });
            k.spawn(Workload.named("A").compute(500).yield().repeat(3).exit(1));
            k.spawn(Workload.named("B").compute(500).yield().exit(2));
            k.spawn(Workload.named("C").yield().compute(500).yield().exit(3));
            assertTrue(k.run(1_000_000).allExited());
            List<Task> tasks = k.tasks();
            assertEquals(List.of(1L, 2L, 3L), List.of(tasks.get(0).exitCode(), tasks.get(1).exitCode(), tasks.get(2).exitCode()));
            assertEquals(k.freeFramesAfterBoot(), k.frames().freeFrames());
            return events;
        }
    }

    @Test
    void theSameScenarioGivesTheSameEventsOnBothBackends() {
        if (!CpuBackends.provider("native").isSupported()) {
            String why = "the native backend is not supported here: " + CpuBackends.provider("native").unsupportedReason().orElse("?");
            if (Boolean.getBoolean("levitate.requireTools")) {
                Assertions.fail(why);
            }
            Assumptions.abort(why);
        }
        List<String> sim = run("sim");
        List<String> nat = run("native");
        assertEquals(sim, nat, "event order, simulator vs native");
        assertTrue(sim.size() > 10, sim.toString());
    }

    @Test
    void hostModeRefusesGuestCodeWithAClearMessage() {
        if (!CpuBackends.provider("native").isSupported()) {
            Assumptions.abort("native backend not supported here");
        }
        try (Kernel k = Kernel.builder().ramMib(32).backend("native").build()) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> k.spawn("x", base -> new GuestCode().wfi().bytes(), 0));
            assertTrue(e.getMessage().contains("scripted workloads only"), e.getMessage());
            UnsupportedOperationException w = assertThrows(UnsupportedOperationException.class,
                    () -> k.spawn(Workload.named("w").write("hi").exit(0)));
            assertTrue(w.getMessage().contains("'write' step needs guest code"), w.getMessage());
            assertEquals(0, k.tasks().size());
        }
    }

    @Test
    void sleepOnTheNativeBackendWaitsForHostClockTicks() {
        if (!CpuBackends.provider("native").isSupported()) {
            Assumptions.abort("native backend not supported here");
        }
        try (Kernel k = Kernel.builder().ramMib(32).backend("native").build()) {
            Task s = k.spawn(Workload.named("s").sleep(3).compute(100).exit(5));
            Kernel.RunResult r = k.run(1_000_000);
            assertTrue(r.allExited());
            assertEquals(5, s.exitCode());
            assertTrue(r.ticks() >= 3, "slept three ticks of the host clock: " + r.ticks());
        }
    }
}
