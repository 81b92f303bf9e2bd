package dev.levitate.sched.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.sched.RoundRobinPolicy;
import dev.levitate.sched.SchedulingPolicy;
import dev.levitate.sched.Task;
import dev.levitate.sched.TaskState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Pintos/OSTEP-style scenarios: a small one-CPU kernel loop drives each policy tick by tick. */
class SchedulingScenariosTest {
    static final long CYCLES_PER_TICK = 1_000_000;

    static Task task(int id, String name) {
        Task t = new Task(id, name, 0);
        t.moveTo(TaskState.READY);
        return t;
    }

    /**
     * Runs CPU-bound tasks (always ready, never yield) for {@code ticks} ticks; each pick runs
     * for its quantum. Returns the ticks each task got, and appends the schedule (one name letter
     * per tick) to {@code trace}.
     */
    static Map<Task, Integer> runHogs(SchedulingPolicy p, List<Task> tasks, int ticks, StringBuilder trace) {
        Map<Task, Integer> got = new LinkedHashMap<>();
        for (Task t : tasks) {
            p.enqueue(t);
            got.put(t, 0);
        }
        Task running = null;
        int left = 0;
        int ran = 0;
        for (int i = 0; i < ticks; i++) {
            if (running == null) {
                running = p.pickNext();
                left = p.quantum(running);
                ran = 0;
            }
            p.tick(running);
            got.merge(running, 1, Integer::sum);
            trace.append(running.name().charAt(0));
            ran++;
            if (--left == 0) {
                p.ran(running, ran * CYCLES_PER_TICK, true);
                p.enqueue(running);
                running = null;
            }
        }
        return got;
    }

    // ---------------------------------------------------------------- round-robin and FIFO

    @Test
    void roundRobinGivesEveryReadyTaskOneTurnPerRound() {
        StringBuilder trace = new StringBuilder();
        runHogs(new RoundRobinPolicy(2), List.of(task(2, "A"), task(3, "B"), task(4, "C")), 12, trace);
        assertEquals("AABBCCAABBCC", trace.toString());
    }

    @Test
    void roundRobinRemovesFromTheMiddleAndKeepsTheOrderOfTheRest() {
        RoundRobinPolicy rr = new RoundRobinPolicy(1);
        List<Task> ts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ts.add(task(10 + i, "T" + i));
            rr.enqueue(ts.get(i));
        }
        assertTrue(rr.remove(ts.get(2)));
        assertFalse(rr.remove(ts.get(2)));
        assertTrue(rr.remove(ts.get(4)));
        rr.enqueue(ts.get(2));
        assertEquals(List.of(ts.get(0), ts.get(1), ts.get(3), ts.get(2)),
                List.of(rr.pickNext(), rr.pickNext(), rr.pickNext(), rr.pickNext()));
        assertNull(rr.pickNext());
        assertEquals(0, rr.size());
    }

    @Test
    void fifoRunsEachTaskToCompletionInArrivalOrder() {
        FifoPolicy fifo = new FifoPolicy();
        Task a = task(2, "A");
        Task b = task(3, "B");
        Task c = task(4, "C");
        fifo.enqueue(b);
        fifo.enqueue(a);
        fifo.enqueue(c);
        assertEquals(Integer.MAX_VALUE, fifo.quantum(a), "no time slice");
        assertEquals(b, fifo.pickNext());
        fifo.enqueue(b); // B yielded: it goes behind A and C
        assertEquals(List.of(a, c, b), List.of(fifo.pickNext(), fifo.pickNext(), fifo.pickNext()));
        assertFalse(fifo.preempts(a, b));
    }

    // ---------------------------------------------------------------- strict priority

    @Test
    void equalPrioritiesRunInArrivalOrder() {
        PriorityPolicy p = new PriorityPolicy();
        Task low = task(2, "low");
        Task a = task(3, "a");
        Task b = task(4, "b");
        Task c = task(5, "c");
        low.setPriority(1);
        for (Task t : List.of(a, b, c)) {
            t.setPriority(7);
        }
        p.enqueue(c);
        p.enqueue(low);
        p.enqueue(a);
        p.enqueue(b);
        assertEquals(List.of(c, a, b, low), List.of(p.pickNext(), p.pickNext(), p.pickNext(), p.pickNext()));
    }

    @Test
    void aHigherPriorityPreemptsOnWakeUpAndTheLowerResumesAfter() {
        PriorityPolicy p = new PriorityPolicy();
        Task low = task(2, "low");
        Task high = task(3, "high");
        Task same = task(4, "same");
        low.setPriority(1);
        same.setPriority(1);
        high.setPriority(9);
        p.enqueue(low);
        Task running = p.pickNext();
        assertEquals(low, running);
        p.enqueue(same);
        assertFalse(p.preempts(same, running), "an equal priority waits for the quantum");
        p.enqueue(high); // high wakes up
        assertTrue(p.preempts(high, running));
        p.ran(running, 123, false);
        p.enqueue(running);
        assertEquals(high, p.pickNext());
        assertEquals(same, p.pickNext(), "same was queued before low came back");
        assertEquals(low, p.pickNext());
    }

    @Test
    void changingThepriorityOfAQueuedTaskMovesIt() {
        PriorityPolicy p = new PriorityPolicy();
        Task a = task(2, "a");
        Task b = task(3, "b");
        p.enqueue(a);
        p.enqueue(b);
        assertTrue(p.setPriority(b, 5));
        assertEquals(5, b.priority());
        assertEquals(b, p.pickNext());
        assertFalse(p.setPriority(b, 0), "not queued: only the priority changes");
        p.enqueue(b);
        assertEquals(a, p.pickNext(), "b went behind a");
    }

    // ---------------------------------------------------------------- MLFQ

    @Test
    void mlfqDemotesACpuHogKeepsAnInteractiveTaskHighAndTheBoostBringsTheHogBack() {
        MlfqPolicy p = new MlfqPolicy(); // quanta 1,2,4; allotments 2,4,8; boost every 50 ticks
        Task hog = task(2, "hog");
        Task io = task(3, "io"); // runs briefly (less than a tick), then sleeps 3 ticks
        p.enqueue(io);
        p.enqueue(hog);
        Task running = null;
        int left = 0;
        int ioWakesAt = -1;
        int ioWaitedMax = 0;
        int ioReadySince = 0;
        for (int now = 0; now < 49; now++) {
            if (now == ioWakesAt) {
                p.enqueue(io);
                ioReadySince = now;
                if (running != null && p.preempts(io, running)) {
                    p.ran(running, CYCLES_PER_TICK / 2, false);
                    p.enqueue(running);
                    running = null;
                }
            }
            while (running == null || running == io) {
                if (running == io) { // the interactive task gives the CPU up at once
                    p.ran(io, 1000, false);
                    ioWakesAt = now + 3;
                }
                running = p.pickNext();
                left = running == null ? 0 : p.quantum(running);
                if (running == io) {
                    ioWaitedMax = Math.max(ioWaitedMax, now - ioReadySince);
                }
                if (running == null) {
                    break;
                }
            }
            p.tick(running);
            if (running != null && --left == 0) {
                p.ran(running, CYCLES_PER_TICK, true);
                p.enqueue(running);
                running = null;
            }
        }
        assertEquals(2, p.level(hog), "the hog used its allotments at levels 0 and 1");
        assertEquals(0, p.level(io), "the interactive task never used a tick of its allotment");
        assertEquals(0, ioWaitedMax, "it runs as soon as it wakes: it preempts the hog");
        p.tick(running); // tick 50: the boost
        assertEquals(0, p.level(hog), "rule 5: the boost brings the hog back to the top");
        assertEquals(0, p.allotmentUsed(hog));
    }

    @Test
    void mlfqCountsTheAllotmentAcrossYieldsSoATaskCannotGameIt() {
        MlfqPolicy p = new MlfqPolicy(new int[] {4, 4, 4}, new int[] {8, 8, 8}, 0);
        Task gamer = task(2, "gamer");
        p.enqueue(gamer);
        for (int run = 0; run < 3; run++) {
            assertEquals(gamer, p.pickNext());
            for (int i = 0; i < p.quantum(gamer) - 1; i++) {
                p.tick(gamer); // 3 of its 4 ticks, then it yields just before the timer
            }
            p.ran(gamer, 3 * CYCLES_PER_TICK, false);
            p.enqueue(gamer);
        }
        assertEquals(1, p.level(gamer), "9 ticks at level 0 (allotment 8): demoted despite yielding");
        assertEquals(1, p.allotmentUsed(gamer));
    }

    // ---------------------------------------------------------------- proportional share

    /**
     * Three CPU hogs of nice -5, 0 and 5 (weights 3121, 1024, 335) for 20,000 ticks. Stride
     * keeps every pass within one stride of the others, so each task is at most about one quantum
     * (1 tick) per competitor away from its exact share; we allow 5 ticks (0.025%).
     */
    @Test
    void strideGivesCpuInProportionToTheWeights() {
        assertShares(new StridePolicy(), 20_000, 5);
    }

    /**
     * The same for the fair policy. Each task's virtual runtime stays within one slice of
     * minVruntime, so its real CPU time is off by less than one slice (at most the target latency
     * of 6 ticks) per competitor: we allow 2 × 6 = 12 ticks (0.06%).
     */
    @Test
    void fairGivesCpuInProportionToTheWeights() {
        assertShares(new FairPolicy(), 20_000, 12);
    }

    static void assertShares(SchedulingPolicy p, int ticks, int tolerance) {
        Task a = task(2, "A");
        Task b = task(3, "B");
        Task c = task(4, "C");
        a.setNice(-5);
        c.setNice(5);
        Map<Task, Integer> got = runHogs(p, List.of(a, b, c), ticks, new StringBuilder());
        double total = 3121 + 1024 + 335;
        for (Task t : List.of(a, b, c)) {
            double expected = ticks * NiceWeights.weight(t.nice()) / total;
            assertEquals(expected, got.get(t), tolerance, p.name() + ": " + t + " got " + got);
        }
    }

    @Test
    void strideStartsANewTaskAtTheLeastPassAndBreaksTiesById() {
        StridePolicy p = new StridePolicy();
        Task a = task(3, "A");
        Task b = task(2, "B");
        runHogs(p, List.of(a), 100, new StringBuilder());
        long passOfA = p.pass(a);
        assertEquals(100 * StridePolicy.stride(0), passOfA);
        assertEquals(99 * StridePolicy.stride(0), p.virtualTime(), "A's pass when last picked");
        p.enqueue(b); // B starts at the virtual time, one stride behind A: it runs first
        assertEquals(p.virtualTime(), p.pass(b));
        assertEquals(b, p.pickNext());
        p.ran(b, 0, false);
        p.enqueue(b); // now B and A have the same pass: the lower id (B, #2) wins
        assertEquals(passOfA, p.pass(b));
        assertEquals(b, p.pickNext());
        assertEquals(StridePolicy.BIG / 1024, StridePolicy.stride(0));
    }

    @Test
    void fairGivesASleeperOnlyASmallCreditNotItsWholeSleep() {
        FairPolicy p = new FairPolicy(); // credit = 6 ticks x 1e6 cycles / 2 = 3e6
        Task busy = task(2, "busy");
        Task sleeper = task(3, "sleeper");
        p.enqueue(busy);
        p.enqueue(sleeper);
        assertEquals(busy, p.pickNext(), "both at vruntime 0: the lower id");
        assertTrue(p.remove(sleeper)); // it goes to sleep with vruntime 0
        for (int i = 0; i < 2; i++) {
            p.ran(busy, 100 * CYCLES_PER_TICK, true);
            p.enqueue(busy);
            assertEquals(busy, p.pickNext());
        }
        assertEquals(200 * CYCLES_PER_TICK, p.minVruntime());
        p.enqueue(sleeper); // wakes after 200 ticks
        assertEquals(p.minVruntime() - 3 * CYCLES_PER_TICK, p.vruntime(sleeper));
        assertEquals(sleeper, p.pickNext(), "it runs first, but with a lead of 3 ticks, not 200");
    }

    @Test
    void fairSlicesTheTargetLatencyByWeight() {
        FairPolicy p = new FairPolicy(); // 6 ticks
        Task a = task(2, "A");
        Task b = task(3, "B");
        assertEquals(6, p.quantum(a), "alone: the whole latency");
        p.enqueue(b);
        assertEquals(3, p.quantum(a), "with b queued: half each");
        a.setNice(19);
        assertEquals(1, p.quantum(a), "never below one tick");
    }

    // ---------------------------------------------------------------- misuse, all policies

    static List<Supplier<SchedulingPolicy>> all() {
        return List.of(() -> new RoundRobinPolicy(1), FifoPolicy::new, PriorityPolicy::new, MlfqPolicy::new,
                StridePolicy::new, FairPolicy::new);
    }

    @Test
    void everyPolicyRefusesADoubleEnqueueNamingTheTaskAndNullsWithAMessage() {
        for (Supplier<SchedulingPolicy> s : all()) {
            SchedulingPolicy p = s.get();
            Task t = task(42, "worker");
            p.enqueue(t);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.enqueue(t), p.name());
            assertTrue(e.getMessage().contains("#42 'worker'"), e.getMessage());
            assertEquals(1, p.size(), "nothing changed: " + p.name());
            NullPointerException npe = assertThrows(NullPointerException.class, () -> p.enqueue(null), p.name());
            assertEquals("task", npe.getMessage());
            assertThrows(NullPointerException.class, () -> p.remove(null), p.name());
            assertThrows(NullPointerException.class, () -> p.quantum(null), p.name());
            p.tick(null); // idle ticks are fine
            assertEquals(t, p.pickNext());
            assertNull(p.pickNext());
            assertFalse(p.remove(t));
        }
    }

    @Test
    void badConfigurationsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PriorityPolicy(0));
        assertThrows(IllegalArgumentException.class, () -> new StridePolicy(0));
        assertThrows(IllegalArgumentException.class, () -> new FairPolicy(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new FairPolicy(6, 0));
        assertThrows(IllegalArgumentException.class, () -> new MlfqPolicy(new int[] {1, 2}, new int[] {1}, 5));
        assertThrows(IllegalArgumentException.class, () -> new MlfqPolicy(new int[] {1, 0}, new int[] {1, 1}, 5));
        assertThrows(IllegalArgumentException.class, () -> new MlfqPolicy(new int[] {1}, new int[] {1}, -1));
        assertThrows(IllegalArgumentException.class, () -> NiceWeights.weight(20));
        assertThrows(IllegalArgumentException.class, () -> new FairPolicy().ran(task(2, "x"), -1, true));
    }

    @Test
    void exitedTasksAreForgotten() {
        MlfqPolicy m = new MlfqPolicy();
        Task t = task(2, "t");
        m.enqueue(t);
        m.pickNext();
        t.moveTo(TaskState.RUNNING);
        m.tick(t);
        m.tick(t);
        assertEquals(1, m.level(t));
        t.moveTo(TaskState.EXITED);
        m.ran(t, 10, false);
        assertEquals(0, m.level(t), "forgotten: a stranger enters at the top");
        assertFalse(m.forget(t));
    }

    @Test
    void theNiceTableIsLinuxs() {
        assertEquals(88761, NiceWeights.weight(-20));
        assertEquals(1024, NiceWeights.weight(0));
        assertEquals(15, NiceWeights.weight(19));
        for (int n = -20; n < 19; n++) {
            double ratio = (double) NiceWeights.weight(n) / NiceWeights.weight(n + 1);
            assertEquals(1.25, ratio, 0.06, "nice " + n); // 18 -> 19 is 18/15 = 1.2
        }
    }
}
