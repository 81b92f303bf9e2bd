package dev.levitate.sched.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.sched.RoundRobinPolicy;
import dev.levitate.sched.Task;
import dev.levitate.sched.policy.MlfqPolicy;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The {@link Schedule} against the kernel's own accounting, the reference: for random workloads a
 * task's READY stretches add up to exactly the wait the kernel charged it, its RUN stretches to
 * exactly the cycles it ran, its stretches follow one another without a gap or an overlap from
 * its spawn to its exit, the CPU's track never holds two tasks at once, and the kernel's work
 * after a task exited (reaping) is on the kernel's lane.
 */
class ScheduleProperties {

    @Provide
    Arbitrary<List<List<Integer>>> plans() {
        // per task: steps, each 0 = compute 1.5 ticks, 1 = yield, 2 = sleep 1..2 ticks, 3 = short compute
        return Arbitraries.integers().between(0, 3).list().ofMinSize(1).ofMaxSize(6).list().ofMinSize(1).ofMaxSize(4);
    }

    @Property(tries = 25)
    void stretchesAgreeWithTheKernelsAccounting(@ForAll("plans") List<List<Integer>> plans, @ForAll boolean mlfq) {
        try (Kernel k = Kernel.builder().ramMib(64).policy(mlfq ? new MlfqPolicy() : new RoundRobinPolicy(1)).build()) {
            Schedule s = Schedule.attach(k);
            long tick = k.tickCycles();
            for (int p = 0; p < plans.size(); p++) {
                Workload w = Workload.named("t" + p);
                for (int step : plans.get(p)) {
                    switch (step) {
                        case 0 -> w.compute(tick * 3 / 2);
                        case 1 -> w.yield();
                        case 2 -> w.sleep(1 + p % 2);
                        default -> w.compute(1_000 + 777L * p);
                    }
                }
                if (p % 2 == 0) {
                    k.spawn(w.exit(p));
                } else {
                    k.spawnUser(w.touchPages(0x2000_0000L, 2).exit(p));
                }
            }
            assertTrue(k.run(10_000).allExited());
            check(k, s);
        }
    }

    /** The demo's scenario: A and B each wait while the other runs, and the report's "waited" is their READY time. */
    @Test
    void theDemosTasksWaitInReadyStretches() {
        try (Kernel k = Kernel.builder().ramMib(64).build()) {
            Schedule s = Schedule.attach(k);
            long tick = k.tickCycles();
            Task a = k.spawn(Workload.named("A").write("A").compute(tick * 3 / 2).repeat(4).exit(1));
            Task b = k.spawn(Workload.named("B").write("B").compute(tick * 3 / 2).repeat(4).exit(2));
            k.spawnUser(Workload.named("mapper").touchPages(0x2000_0000L, 8).sleep(2).repeat(2).exit(3));
            assertTrue(k.run(10_000).allExited());
            for (Task t : List.of(a, b)) {
                long ready = s.total(t.id(), Schedule.Activity.READY);
                assertTrue(ready > 2 * tick, t + " waited " + ready + " cycles in READY stretches");
                assertEquals(k.controlBlock(t).waitCycles(), ready, t + ": READY stretches = the kernel's wait");
                assertTrue(s.stretches(t.id()).stream().filter(x -> x.activity() == Schedule.Activity.READY && x.cycles() > 0).count() >= 3,
                        t + " is ready several times: " + s.stretches(t.id()));
            }
            check(k, s);
        }
    }

    @Test
    void mlfqLevelsAreRecordedPerRunStretch() {
        try (Kernel k = Kernel.builder().ramMib(64).policy(new MlfqPolicy()).build()) {
            Schedule s = Schedule.attach(k);
            Task hog = k.spawn(Workload.named("hog").compute(k.tickCycles() * 12).exit(0));
            k.spawn(Workload.named("io").sleep(1).repeat(6).exit(0));
            assertTrue(k.run(10_000).allExited());
            assertTrue(s.hasLevels());
            int deepest = 0;
            for (Schedule.Stretch x : s.stretches(hog.id())) {
                if (x.activity() == Schedule.Activity.RUN) {
                    assertTrue(x.level() >= 0 && x.level() < s.levels(), x.toString());
                    deepest = Math.max(deepest, x.level());
                }
            }
            assertTrue(deepest > 0, "a CPU hog sinks below the top level: " + s.stretches(hog.id()));
        }
    }

    private static void check(Kernel k, Schedule s) {
        for (Task t : k.tasks()) {
            TaskControlBlock tcb = k.controlBlock(t);
            List<Schedule.Stretch> mine = s.stretches(t.id());
            assertEquals(tcb.waitCycles(), s.total(t.id(), Schedule.Activity.READY), t + " READY vs waitCycles: " + mine);
            assertEquals(t.cyclesRun(), s.total(t.id(), Schedule.Activity.RUN), t + " RUN vs cyclesRun: " + mine);
            assertEquals(Schedule.Activity.READY, mine.get(0).activity(), "a task starts READY: " + mine);
            for (int i = 1; i < mine.size(); i++) {
                assertEquals(mine.get(i - 1).to(), mine.get(i).from(), t + ": back to back, no gap, no overlap: " + mine);
            }
            Schedule.Stretch last = mine.get(mine.size() - 1);
            assertEquals(Schedule.Activity.RUN, last.activity(), t + " ends on the CPU (it exits): " + mine);
            assertTrue(last.note().startsWith("exited"), last.toString());
            for (Schedule.Mark m : s.marks()) {
                if (m.task() == t.id() && m.cycles() > last.to() && m.kind() != KernelEvent.Kind.EXIT) {
                    assertEquals(Schedule.KERNEL, m.lane(), "after its exit, work for " + t + " is the kernel's: " + m);
                }
                if (m.lane() == t.id()) {
                    assertTrue(m.cycles() <= last.to(), "no mark on " + t + "'s lane after it exited: " + m);
                }
            }
        }
        List<Schedule.Stretch> cpu = s.cpu();
        for (int i = 1; i < cpu.size(); i++) {
            assertTrue(cpu.get(i - 1).to() <= cpu.get(i).from(), "one task at a time on the CPU: " + cpu.get(i - 1) + " / " + cpu.get(i));
        }
        for (Schedule.Mark m : s.marks()) {
            if (m.kind() == KernelEvent.Kind.REAP) {
                assertEquals(Schedule.KERNEL, m.lane(), "reaping is the kernel's: " + m);
            }
        }
    }
}
