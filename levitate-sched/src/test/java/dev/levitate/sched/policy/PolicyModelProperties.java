package dev.levitate.sched.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.sched.RoundRobinPolicy;
import dev.levitate.sched.SchedulingPolicy;
import dev.levitate.sched.Task;
import dev.levitate.sched.policy.ReferenceModels.FairModel;
import dev.levitate.sched.policy.ReferenceModels.FifoModel;
import dev.levitate.sched.policy.ReferenceModels.MlfqModel;
import dev.levitate.sched.policy.ReferenceModels.Model;
import dev.levitate.sched.policy.ReferenceModels.PriorityModel;
import dev.levitate.sched.policy.ReferenceModels.StrideModel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Each policy against its list-based reference model ({@link ReferenceModels}): a random script of
 * kernel actions is played on both, and every answer (the task picked, its quantum, remove's
 * result, preempts, the size, and per-task state such as the MLFQ level, the stride pass or the
 * virtual runtime) must be the same after every step. jqwik shrinks a failing script to a short
 * one; the actions print as "enqueue T1", "pick", "stop(300, expired, requeue)" and so on.
 */
class PolicyModelProperties {
    static final int TASKS = 6;

    /** One step of the kernel driving a policy. */
    interface Action {
    }

    record Enqueue(int task) implements Action {
        @Override
        public String toString() {
            return "enqueue T" + task;
        }
    }

    record Pick() implements Action {
        @Override
        public String toString() {
            return "pick";
        }
    }

    record Tick() implements Action {
        @Override
        public String toString() {
            return "tick";
        }
    }

    record Stop(long cycles, boolean expired, boolean requeue) implements Action {
        @Override
        public String toString() {
            return "stop(" + cycles + (expired ? ", expired" : ", yielded") + (requeue ? ", requeue)" : ", blocks)");
        }
    }

    record Remove(int task) implements Action {
        @Override
        public String toString() {
            return "remove T" + task;
        }
    }

    record SetPriority(int task, int priority) implements Action {
        @Override
        public String toString() {
            return "priority T" + task + " := " + priority;
        }
    }

    record SetNice(int task, int nice) implements Action {
        @Override
        public String toString() {
            return "nice T" + task + " := " + nice;
        }
    }

    @Provide
    Arbitrary<List<Action>> scripts() {
        Arbitrary<Integer> task = Arbitraries.integers().between(0, TASKS - 1);
        Arbitrary<Action> action = Arbitraries.frequencyOf(
                Tuple.of(5, task.map(Enqueue::new)),
                Tuple.of(5, Arbitraries.just(new Pick())),
                Tuple.of(4, Arbitraries.just(new Tick())),
                Tuple.of(4, Combinators.combine(
                        Arbitraries.longs().between(0, 5_000_000),
                        Arbitraries.of(true, false),
                        Arbitraries.frequency(Tuple.of(3, true), Tuple.of(1, false))).as(Stop::new)),
                Tuple.of(1, task.map(Remove::new)),
                Tuple.of(1, Combinators.combine(task, Arbitraries.integers().between(0, 3)).as(SetPriority::new)),
                Tuple.of(1, Combinators.combine(task, Arbitraries.integers().between(-20, 19)).as(SetNice::new)));
        return action.list().ofMaxSize(80);
    }

    @Property(tries = 300)
    void roundRobinMatchesItsModel(@ForAll("scripts") List<Action> script) {
        play(new RoundRobinPolicy(2), new FifoModel(2), t -> null, script);
    }

    @Property(tries = 300)
    void fifoMatchesItsModel(@ForAll("scripts") List<Action> script) {
        play(new FifoPolicy(), new FifoModel(FifoPolicy.QUANTUM_FOREVER), t -> null, script);
    }

    @Property(tries = 300)
    void priorityMatchesItsModel(@ForAll("scripts") List<Action> script) {
        play(new PriorityPolicy(3), new PriorityModel(3), t -> null, script);
    }

    @Property(tries = 300)
    void mlfqMatchesItsModel(@ForAll("scripts") List<Action> script) {
        int[] quanta = {1, 2, 4};
        int[] allot = {2, 3, 5};
        MlfqPolicy p = new MlfqPolicy(quanta, allot, 7);
        play(p, new MlfqModel(quanta, allot, 7), t -> List.of(p.level(t), (int) p.allotmentUsed(t)), script);
    }

    @Property(tries = 300)
    void strideMatchesItsModel(@ForAll("scripts") List<Action> script) {
        StridePolicy p = new StridePolicy();
        play(p, new StrideModel(), p::pass, script);
    }

    @Property(tries = 300)
    void fairMatchesItsModel(@ForAll("scripts") List<Action> script) {
        FairPolicy p = new FairPolicy(6, 1_000_000);
        play(p, new FairModel(6, 1_000_000), p::vruntime, script);
    }

    /** Plays the script on both, as a one-CPU kernel would, comparing after every step. */
    static void play(SchedulingPolicy policy, Model model, Function<Task, Object> observe, List<Action> script) {
        List<Task> tasks = new ArrayList<>();
        for (int i = 0; i < TASKS; i++) {
            tasks.add(new Task(2 + 37 * i, "T" + i, 0)); // ids far apart: exercises the hash map
        }
        List<Task> queued = new ArrayList<>();
        Task running = null;
        int step = 0;
        for (Action a : script) {
            String where = "step " + step++ + " (" + a + ") of " + script;
            if (a instanceof Enqueue e) {
                Task t = tasks.get(e.task());
                if (t == running) {
                    continue; // a kernel never queues the running task
                }
                if (queued.contains(t)) {
                    assertThrows(IllegalArgumentException.class, () -> policy.enqueue(t), where);
                } else {
                    policy.enqueue(t);
                    model.enqueue(t);
                    queued.add(t);
                    if (running != null) {
                        assertEquals(model.preempts(t, running), policy.preempts(t, running), "preempts, " + where);
                    }
                }
            } else if (a instanceof Pick) {
                if (running != null) {
                    continue;
                }
                Task expected = model.pickNext();
                Task actual = policy.pickNext();
                assertEquals(expected, actual, "pick, " + where);
                if (actual != null) {
                    queued.remove(actual);
                    assertEquals(model.quantum(actual), policy.quantum(actual), "quantum, " + where);
                    running = actual;
                }
            } else if (a instanceof Tick) {
                model.tick(running);
                policy.tick(running);
            } else if (a instanceof Stop s) {
                if (running == null) {
                    continue;
                }
                model.ran(running, s.cycles(), s.expired());
                policy.ran(running, s.cycles(), s.expired());
                if (s.requeue()) {
                    model.enqueue(running);
                    policy.enqueue(running);
                    queued.add(running);
                }
                running = null;
            } else if (a instanceof Remove r) {
                Task t = tasks.get(r.task());
                assertEquals(model.remove(t), policy.remove(t), "remove, " + where);
                queued.remove(t);
            } else if (a instanceof SetPriority sp) {
                Task t = tasks.get(sp.task());
                if (policy instanceof PriorityPolicy pp) {
                    model.setPriority(t, sp.priority()); // remove + set + enqueue in the model
                    pp.setPriority(t, sp.priority()); // the same through the policy's method
                } else {
                    t.setPriority(sp.priority());
                }
            } else if (a instanceof SetNice sn) {
                tasks.get(sn.task()).setNice(sn.nice());
            }
            assertEquals(model.size(), policy.size(), "size, " + where);
            assertEquals(queued.size(), policy.size(), "size against the driver, " + where);
            for (Task t : tasks) {
                assertEquals(model.observe(t), observe.apply(t), "state of " + t + ", " + where);
            }
        }
        // drain: the rest come out in the same order
        Task t;
        while ((t = model.pickNext()) != null) {
            assertEquals(t, policy.pickNext(), "drain of " + script);
        }
        assertEquals(null, policy.pickNext());
        assertTrue(policy.size() == 0);
    }
}
