package dev.levitate.sched.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.sched.Task;
import dev.levitate.sched.TaskState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * SC4 as a property: random workloads (kernel and user tasks that compute, sleep, yield, write,
 * map and unmap pages, exit or crash) on the simulator. After the run every task has exited and
 * been reaped, the buddy allocator's free count equals its value after boot, no task ever ran
 * after it exited, and the same workload gives the same schedule and the same cycles twice.
 */
class LifecycleProperties {

    /** One step of a plan, printable for shrinking. */
    record Step(String kind, long value) {
        @Override
        public String toString() {
            return kind + "(" + value + ")";
        }
    }

    /** One task of a plan. */
    record Plan(boolean user, List<Step> steps, boolean crash, int exitCode) {
        Workload workload(String name) {
            Workload w = Workload.named(name);
            for (Step s : steps) {
                switch (s.kind()) {
                    case "compute": w.compute(s.value()); break;
                    case "sleep": w.sleep(s.value()); break;
                    case "yield": w.yield(); break;
                    case "write": w.write("w" + s.value()); break;
                    default:
                        if (user) {
                            w.touchPages(0x3000_0000L + 0x10_0000L * s.value(), (int) s.value() + 1);
                        } else {
                            w.yield(); // a kernel task has no user space to touch (it would fault)
                        }
                        break;
                }
            }
            if (crash) {
                w.crash();
            }
            return w.exit(exitCode);
        }

        @Override
        public String toString() {
            return (user ? "user " : "kernel ") + steps + (crash ? " crash" : " exit(" + exitCode + ")");
        }
    }

    @Provide
    Arbitrary<List<Plan>> workloads() {
        Arbitrary<Step> step = Arbitraries.oneOf(
                Arbitraries.longs().between(2, 3_000_000).map(v -> new Step("compute", v)),
                Arbitraries.longs().between(-1, 4).map(v -> new Step("sleep", v)),
                Arbitraries.just(new Step("yield", 0)),
                Arbitraries.longs().between(0, 9).map(v -> new Step("write", v)),
                Arbitraries.longs().between(0, 5).map(v -> new Step("touch", v)));
        Arbitrary<Plan> plan = Combinators.combine(Arbitraries.of(true, false), step.list().ofMaxSize(5),
                Arbitraries.integers().between(0, 9).map(n -> n == 0), Arbitraries.integers().between(0, 100))
                .as(Plan::new);
        return plan.list().ofMinSize(1).ofMaxSize(5);
    }

    /** Runs a workload; returns the schedule (every switch) and the cycles, and checks the invariants. */
    private static String runOnce(List<Plan> plans) {
        try (Kernel k = Kernel.builder().ramMib(32).build()) {
            long boot = k.freeFramesAfterBoot();
            StringBuilder schedule = new StringBuilder();
            Set<Integer> exited = new HashSet<>();
            List<String> violations = new ArrayList<>();
            k.addListener(e -> {
                if (e.kind() == KernelEvent.Kind.SWITCH) {
                    if (exited.contains(e.task())) {
                        violations.add("task " + e.task() + " ran after it exited");
                    }
                    schedule.append(e.task()).append('@').append(e.cycles()).append(' ');
                } else if (e.kind() == KernelEvent.Kind.EXIT) {
                    exited.add(e.task());
                }
            });
            List<Task> tasks = new ArrayList<>();
            for (int i = 0; i < plans.size(); i++) {
                Plan p = plans.get(i);
                Workload w = p.workload("t" + i);
                tasks.add(p.user() ? k.spawnUser(w) : k.spawn(w));
            }
            Kernel.RunResult r = k.run(5_000);
            assertTrue(r.allExited(), "every task exited within 5,000 ticks: " + r);
            assertEquals(List.of(), violations);
            for (int i = 0; i < tasks.size(); i++) {
                Task t = tasks.get(i);
                assertEquals(TaskState.REAPED, t.state(), t + " reaped");
                assertEquals(plans.get(i).crash() ? -1 : plans.get(i).exitCode(), t.exitCode(), t + " exit code");
            }
            assertEquals(boot, k.frames().freeFrames(), "the allocator's free count is back to its value after boot");
            k.frames().checkInvariants();
            return schedule + "| cycles " + k.backend().cycles();
        }
    }

    @Property(tries = 60)
    void everythingComesBackAndTheRunIsReproducible(@ForAll("workloads") List<Plan> plans) {
        String first = runOnce(plans);
        String second = runOnce(plans);
        assertEquals(first, second, "the same workload gives the same schedule and cycles");
    }
}
