package dev.levitate.sched.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.sched.Task;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pintos-style alarm tests on the simulator: sleep(ticks) wakes at the right tick, in the right order. */
class AlarmScenarioTest {

    private static List<KernelEvent> run(Kernel k, long maxTicks) {
        List<KernelEvent> events = new ArrayList<>();
        k.addListener(events::add);
        assertTrue(k.run(maxTicks).allExited());
        return events;
    }

    private static long wakeTick(List<KernelEvent> events, Task t) {
        return events.stream().filter(e -> e.kind() == KernelEvent.Kind.WAKE && e.task() == t.id())
                .mapToLong(KernelEvent::tick).findFirst().orElse(-1);
    }

    private static long sleepTick(List<KernelEvent> events, Task t) {
        return events.stream().filter(e -> e.kind() == KernelEvent.Kind.SLEEP && e.task() == t.id())
                .mapToLong(KernelEvent::tick).findFirst().orElse(-1);
    }

    @Test
    void single() {
        try (Kernel k = Kernel.builder().ramMib(32).build()) {
            Task t = k.spawn(Workload.named("s").sleep(3).exit(0));
            List<KernelEvent> e = run(k, 100);
            assertEquals(sleepTick(e, t) + 3, wakeTick(e, t), "wakes exactly 3 ticks after it slept");
        }
    }

    @Test
    void multipleWakeShortestFirst() {
        try (Kernel k = Kernel.builder().ramMib(32).build()) {
            k.spawn(Workload.named("a").sleep(5).write("a").exit(0));
            k.spawn(Workload.named("b").sleep(3).write("b").exit(0));
            k.spawn(Workload.named("c").sleep(1).write("c").exit(0));
            run(k, 100);
            assertEquals("cba", k.console());
        }
    }

    @Test
    void simultaneousWakeUpInTheSameTick() {
        try (Kernel k = Kernel.builder().ramMib(32).build()) {
            List<Task> ts = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ts.add(k.spawn(Workload.named("t" + i).sleep(4).write(Integer.toString(i)).exit(0)));
            }
            List<KernelEvent> e = run(k, 100);
            long w = wakeTick(e, ts.get(0));
            for (Task t : ts) {
                assertEquals(w, wakeTick(e, t), t + " wakes in the same tick");
            }
            assertEquals("012", k.console(), "and they run in the order they went to sleep");
        }
    }

    @Test
    void zeroAndNegativeSleepsReturnAtOnce() {
        try (Kernel k = Kernel.builder().ramMib(32).build()) {
            Task t = k.spawn(Workload.named("z").sleep(0).sleep(-5).write("ok").exit(0));
            List<KernelEvent> e = run(k, 100);
            assertEquals(-1, sleepTick(e, t), "never slept");
            assertEquals("ok", k.console());
            assertEquals(0, e.stream().filter(x -> x.kind() == KernelEvent.Kind.TICK).count(), "done within the first tick");
        }
    }
}
