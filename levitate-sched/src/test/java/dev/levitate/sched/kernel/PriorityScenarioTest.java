package dev.levitate.sched.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.sched.RoundRobinPolicy;
import dev.levitate.sched.Task;
import dev.levitate.sched.policy.MlfqPolicy;
import dev.levitate.sched.policy.PriorityPolicy;
import org.junit.jupiter.api.Test;

/** Pintos-style priority scenarios, round-robin shares and MLFQ demotion, on the simulator. */
class PriorityScenarioTest {

    private static GuestProgram then(GuestCode head, Workload rest) {
        return TestPrograms.then(head, rest);
    }

    @Test
    void aHigherPriorityTaskPreemptsWhenItWakes() {
        try (Kernel k = Kernel.builder().ramMib(32).policy(new PriorityPolicy()).build()) {
            k.spawn("low", Workload.named("low").compute(10 * k.tickCycles()).write("L").exit(0).program(), 0, 1);
            k.spawn("high", Workload.named("high").sleep(2).write("H").exit(0).program(), 0, 5);
            assertTrue(k.run(1_000).allExited());
            assertEquals("HL", k.console(), "high ran as soon as it woke, in the middle of low's computation");
        }
    }

    @Test
    void equalPrioritiesRunInArrivalOrder() {
        try (Kernel k = Kernel.builder().ramMib(32).policy(new PriorityPolicy()).build()) {
            for (String s : new String[] {"a", "b", "c"}) {
                k.spawn(s, Workload.named(s).write(s).exit(0).program(), 0, 3);
            }
            assertTrue(k.run(1_000).allExited());
            assertEquals("abc", k.console());
        }
    }

    @Test
    void raisingAnotherTasksPriorityYieldsAtOnce() {
        try (Kernel k = Kernel.builder().ramMib(32).policy(new PriorityPolicy()).build()) {
            Task a = k.spawn("a", then(new GuestCode().mov(0, 3).mov(1, 10).syscall(Syscall.SET_PRIORITY),
                    Workload.named("a").write("A").exit(0)), 0, 5); // task 3 is b
            Task b = k.spawn("b", Workload.named("b").write("B").exit(0).program(), 0, 1);
            assertEquals(3, b.id());
            assertTrue(k.run(1_000).allExited());
            assertEquals("BA", k.console(), "a gave the CPU to b the moment b outranked it");
            assertEquals(0, a.exitCode());
        }
    }

    @Test
    void aSemaphoreWakesTheHighestPriorityWaiterFirst() {
        try (Kernel k = Kernel.builder().ramMib(32).policy(new PriorityPolicy()).build()) {
            int sem = k.createSemaphore(0);
            for (int p : new int[] {1, 3, 2}) {
                k.spawn("w" + p, then(new GuestCode().mov(0, sem).syscall(Syscall.SEM_DOWN),
                        Workload.named("w").write(Integer.toString(p)).exit(0)), 0, p + 10);
            }
            GuestCode releaser = new GuestCode();
            for (int i = 0; i < 3; i++) {
                releaser.mov(0, sem).syscall(Syscall.SEM_UP);
            }
            releaser.mov(0, 0).syscall(Syscall.EXIT);
            k.spawn("releaser", base -> releaser.bytes(), 0, 0);
            assertTrue(k.run(1_000).allExited());
            assertEquals("321", k.console());
        }
    }

    @Test
    void roundRobinGivesEachCpuBoundTaskItsShareWithinOneQuantum() {
        try (Kernel k = Kernel.builder().ramMib(32).policy(new RoundRobinPolicy(1)).build()) {
            Task[] ts = new Task[4];
            for (int i = 0; i < ts.length; i++) {
                ts[i] = k.spawn(Workload.named("cpu" + i).compute(1_000 * k.tickCycles()).exit(0));
            }
            k.run(40);
            long min = Long.MAX_VALUE;
            long max = 0;
            for (Task t : ts) {
                min = Math.min(min, t.cyclesRun());
                max = Math.max(max, t.cyclesRun());
            }
            assertTrue(max - min <= k.tickCycles() + k.tickCycles() / 10, "shares differ by at most one quantum: " + min + ".." + max);
            assertTrue(min >= 9 * k.tickCycles(), "each ran about 10 of the 40 ticks: " + min);
        }
    }

    @Test
    void mlfqDemotesTheHogAndKeepsTheInteractiveTaskOnTop() {
        MlfqPolicy mlfq = new MlfqPolicy();
        try (Kernel k = Kernel.builder().ramMib(32).policy(mlfq).build()) {
            Task hog = k.spawn(Workload.named("hog").compute(1_000 * k.tickCycles()).exit(0));
            Task chat = k.spawn(Workload.named("chat").compute(k.tickCycles() / 10).sleep(1).repeat(1_000).exit(0));
            k.run(30);
            assertEquals(mlfq.levels() - 1, mlfq.level(hog), "the CPU hog sank to the bottom");
            assertEquals(0, mlfq.level(chat), "the task that sleeps stays on top");
        }
    }

    private static String inversion(boolean inheritance) {
        try (Kernel k = Kernel.builder().ramMib(32).policy(new PriorityPolicy()).priorityInheritance(inheritance).build()) {
            int m = k.createMutex();
            long tick = k.tickCycles();
            k.spawn("low", Workload.named("low").lock(m).compute(5 * tick).write("L").unlock(m).exit(0).program(), 0, 1);
            k.spawn("high", Workload.named("high").sleep(1).lock(m).write("H").unlock(m).exit(0).program(), 0, 10);
            k.spawn("medium", Workload.named("medium").sleep(2).compute(10 * tick).write("M").exit(0).program(), 0, 5);
            assertTrue(k.run(1_000).allExited());
            return k.console();
        }
    }

    @Test
    void priorityInheritanceEndsThePriorityInversion() {
        assertEquals("MLH", inversion(false), "without inheritance the medium task keeps the high one waiting");
        assertEquals("LHM", inversion(true), "with it, low runs at high's priority until it unlocks");
    }
}
