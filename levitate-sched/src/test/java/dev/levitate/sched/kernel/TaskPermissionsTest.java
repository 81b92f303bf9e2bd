package dev.levitate.sched.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.sched.Task;
import dev.levitate.sched.TaskIds;
import dev.levitate.sched.TaskState;
import dev.levitate.sched.policy.PriorityPolicy;
import org.junit.jupiter.api.Test;

/**
 * Who may act on whom (issue 16, item 2; docs/kernel.md, "Who may act on whom"): every system call
 * that names another task — set_priority (140) and join (260) — with a hostile caller (refused with
 * -EPERM, a DENIED event, the victim unaffected) and with its rightful caller (it works); orphans go
 * to the kernel.
 */
class TaskPermissionsTest {

    /** x0 = the argument (a task id) is already set: x1 = priority; set_priority; exit with its result. */
    private static GuestProgram setPriorityOf(long priority) {
        return base -> new GuestCode().mov(1, priority).syscall(Syscall.SET_PRIORITY).syscall(Syscall.EXIT).bytes();
    }

    /** Sleeps {@code ticks}, joins the task whose id is the argument, exits with join's result. */
    private static GuestProgram joinAfter(long ticks) {
        return base -> new GuestCode().add(19, 0, 0).mov(0, ticks).syscall(Syscall.SLEEP)
                .add(0, 19, 0).syscall(Syscall.JOIN).syscall(Syscall.EXIT).bytes();
    }

    // ------------------------------------------------------------------ set_priority (140)

    @Test
    void setPriorityOfATaskThatIsNotYourChildIsRefused() {
        try (Kernel k = Kernel.builder().ramMib(32).policy(new PriorityPolicy()).build()) {
            TestPrograms.Output out = new TestPrograms.Output();
            k.addListener(out);
            Task victim = k.spawnUser("victim", TestPrograms.victim("victim", "abcdefghij", 10).program(), 0, 3);
            // the attack: push the victim below everyone (it then printed 0 of 10 letters)
            Task hostile = k.spawnUser("hostile", setPriorityOf(-100), victim.id(), 5);
            assertTrue(k.run(1_000).allExited());
            assertEquals(Syscall.EPERM, hostile.exitCode());
            assertEquals(3, victim.priority(), "the victim's priority did not change");
            assertEquals("abcdefghij", out.of(victim));
            assertEquals(1, out.denied.size());
            assertEquals(hostile.id(), out.denied.get(0).task());
            assertTrue(out.denied.get(0).detail().contains("set_priority(" + victim.id() + ", -100): task " + victim.id()
                    + " is not its child"), out.denied.get(0).detail());
        }
    }

    @Test
    void setPriorityByTheParentWorksAndAboveItsOwnIsRefused() {
        try (Kernel k = Kernel.builder().ramMib(32).policy(new PriorityPolicy()).build()) {
            TestPrograms.Output out = new TestPrograms.Output();
            k.addListener(out);
            // the parent sleeps one tick (the child is spawned after it, so its id is parent + 1), then
            // sets the child to 4 (allowed: its own is 5) and to 9 (refused); exits with 10 * (first + 1) + (second + 1)
            Task parent = k.spawnUser("parent", base -> new GuestCode().mov(0, 1).syscall(Syscall.SLEEP)
                    .syscall(Syscall.GETPID).add(19, 0, 1)                    // x19 = child id
                    .add(0, 19, 0).mov(1, 4).syscall(Syscall.SET_PRIORITY).add(20, 0, 1)
                    .add(0, 19, 0).mov(1, 9).syscall(Syscall.SET_PRIORITY).add(21, 0, 1)
                    .mov(9, 10).word(0x9B09_5680)                             // MADD x0, x20, x9, x21
                    .syscall(Syscall.EXIT).bytes(), 0, 5);
            Task child = k.spawnUser(parent, "child", base -> new GuestCode().mov(0, 3).syscall(Syscall.SLEEP)
                    .mov(0, 0).syscall(Syscall.EXIT).bytes(), 0, 1);
            assertEquals(parent.id() + 1, child.id());
            assertTrue(k.run(1_000).allExited());
            assertEquals(10 * 1 + 0, parent.exitCode(), "first call 0 (done), second -EPERM");
            assertEquals(4, child.priority(), "the allowed change stuck, the refused one did not");
            assertEquals(1, out.denied.size());
            assertTrue(out.denied.get(0).detail().contains("above its own base priority 5"), out.denied.get(0).detail());
        }
    }

    @Test
    void aUserTaskMayLowerItsOwnPriorityButNotRaiseIt() {
        try (Kernel k = Kernel.builder().ramMib(32).policy(new PriorityPolicy()).build()) {
            // lower to 2 (ok), then raise to 3 (refused: above its base, now 2); exit 10 * (first + 1) + (second + 1)
            Task self = k.spawnUser("self", base -> new GuestCode()
                    .mov(0, 0).mov(1, 2).syscall(Syscall.SET_PRIORITY).add(20, 0, 1)
                    .mov(0, 0).mov(1, 3).syscall(Syscall.SET_PRIORITY).add(21, 0, 1)
                    .mov(9, 10).word(0x9B09_5680)
                    .syscall(Syscall.EXIT).bytes(), 0, 5);
            assertTrue(k.run(1_000).allExited());
            assertEquals(10, self.exitCode(), "lowering worked, raising was refused");
            assertEquals(2, self.priority());
        }
    }

    @Test
    void aKernelTaskIsPrivilegedAndAnOutOfRangePriorityIsInvalid() {
        try (Kernel k = Kernel.builder().ramMib(32).policy(new PriorityPolicy()).build()) {
            Task victim = k.spawnUser("victim", base -> new GuestCode().mov(0, 2).syscall(Syscall.SLEEP)
                    .mov(0, 0).syscall(Syscall.EXIT).bytes(), 0, 1);
            Task kernelTask = k.spawn("kernel", setPriorityOf(7), victim.id(), 0);
            Task bad = k.spawn("bad", setPriorityOf(1L << 32), victim.id(), 0);
            assertTrue(k.run(1_000).allExited());
            assertEquals(0, kernelTask.exitCode(), "a kernel task may raise any task");
            assertEquals(Syscall.EINVAL, bad.exitCode(), "2^32 is not a priority");
            assertEquals(7, victim.priority());
        }
    }

    // ------------------------------------------------------------------ join (260)

    @Test
    void joinOfATaskThatIsNotYourChildIsRefusedAndTheParentStillReapsIt() {
        try (Kernel k = Kernel.builder().ramMib(32).build()) {
            TestPrograms.Output out = new TestPrograms.Output();
            k.addListener(out);
            // the parent sleeps 4 ticks, then joins its child (spawned right after it: id = its own + 1)
            Task parent = k.spawnUser("parent", base -> new GuestCode().mov(0, 4).syscall(Syscall.SLEEP)
                    .syscall(Syscall.GETPID).add(0, 0, 1).syscall(Syscall.JOIN).syscall(Syscall.EXIT).bytes(), 0);
            Task victim = k.spawnUser(parent, "victim", TestPrograms.victim("victim", "abc", 42).program(), 0);
            assertEquals(parent.id() + 1, victim.id());
            Task early = k.spawnUser("early", joinAfter(0), victim.id());  // while the victim runs: would block on it
            Task late = k.spawnUser("late", joinAfter(2), victim.id());    // once the victim is a zombie: would reap it
            Kernel.RunResult r = k.run(1_000);
            assertTrue(r.allExited());
            assertEquals(Syscall.EPERM, early.exitCode());
            assertEquals(Syscall.EPERM, late.exitCode());
            assertEquals("abc", out.of(victim));
            assertEquals(42, parent.exitCode(), "the zombie was still there for its parent to reap");
            assertEquals(2, out.denied.size());
            assertTrue(out.denied.get(0).detail().startsWith("join(" + victim.id() + "): task " + victim.id() + " is not its child"),
                    out.denied.get(0).detail());
            assertEquals(k.freeFramesAfterBoot(), k.frames().freeFrames());
        }
    }

    @Test
    void aKernelTaskMayJoinAnyTask() {
        try (Kernel k = Kernel.builder().ramMib(32).build()) {
            Task victim = k.spawnUser(TestPrograms.victim("victim", "ab", 5));
            Task joiner = k.spawn("joiner", joinAfter(0), victim.id());
            assertTrue(k.run(1_000).allExited());
            assertEquals(5, joiner.exitCode());
        }
    }

    // ------------------------------------------------------------------ orphans and spawning children

    @Test
    void whenAParentExitsItsChildrenGoToTheKernelAndNoOtherTaskCanJoinThem() {
        try (Kernel k = Kernel.builder().ramMib(32).build()) {
            TestPrograms.Output out = new TestPrograms.Output();
            k.addListener(out);
            Task parent = k.spawnUser("parent", base -> new GuestCode().mov(0, 7).syscall(Syscall.EXIT).bytes(), 0);
            Task crasher = k.spawnUser("crasher", base -> new GuestCode().mov(0, 1).syscall(Syscall.SLEEP)
                    .word(0).bytes(), 0); // sleeps a tick, then dies on an undefined instruction
            Task orphan = k.spawnUser(parent, "orphan", base -> new GuestCode().mov(0, 3).syscall(Syscall.SLEEP)
                    .mov(0, 8).syscall(Syscall.EXIT).bytes(), 0);
            Task orphan2 = k.spawnUser(crasher, "orphan2", base -> new GuestCode().mov(0, 3).syscall(Syscall.SLEEP)
                    .mov(0, 9).syscall(Syscall.EXIT).bytes(), 0);
            Task sibling = k.spawnUser("sibling", joinAfter(2), orphan.id()); // the parent is gone by then
            assertEquals(parent.id(), k.controlBlock(orphan).parentId());
            assertEquals(crasher.id(), k.controlBlock(orphan2).parentId());
            k.run(2);
            assertEquals(TaskState.EXITED, parent.state());
            assertEquals(TaskState.EXITED, crasher.state());
            assertEquals(TaskIds.BOOT, k.controlBlock(orphan).parentId(), "reparented to the kernel");
            assertEquals(TaskIds.BOOT, k.controlBlock(orphan2).parentId(), "a killed parent's children too");
            assertTrue(k.run(1_000).allExited());
            assertEquals(Syscall.EPERM, sibling.exitCode());
            assertEquals(8, orphan.exitCode());
            assertEquals(9, orphan2.exitCode());
            assertEquals(TaskState.REAPED, orphan.state(), "the kernel reaped its orphans at the end of the run");
            assertEquals(k.freeFramesAfterBoot(), k.frames().freeFrames());
        }
    }

    @Test
    void aChildInheritsItsParentsPriorityAndADeadParentIsRefused() {
        try (Kernel k = Kernel.builder().ramMib(32).build()) {
            Task parent = k.spawnUser("parent", base -> new GuestCode().mov(0, 0).syscall(Syscall.EXIT).bytes(), 0, 6);
            Task child = k.spawnUser(parent, "child", base -> new GuestCode().mov(0, 0).syscall(Syscall.EXIT).bytes(), 0);
            assertEquals(6, child.priority());
            assertTrue(k.run(1_000).allExited());
            long free = k.frames().freeFrames();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> k.spawnUser(parent, "late", base -> new GuestCode().mov(0, 0).syscall(Syscall.EXIT).bytes(), 0));
            assertTrue(e.getMessage().contains("has exited"), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> k.spawnUser(k.idleTask(), "x", base -> new GuestCode().mov(0, 0).syscall(Syscall.EXIT).bytes(), 0));
            assertEquals(free, k.frames().freeFrames(), "nothing allocated");
        }
    }

    @Test
    void killTakesATaskOffWhatItWaitsIn() {
        try (Kernel k = Kernel.builder().ramMib(32).tickHz(1000).build()) {
            int sem = k.createSemaphore(0);
            Task sleeper = k.spawnUser("sleeper", base -> new GuestCode().mov(0, 1000).syscall(Syscall.SLEEP).bytes(), 0);
            Task waiter = k.spawnUser("waiter", base -> new GuestCode().mov(0, sem).syscall(Syscall.SEM_DOWN).bytes(), 0);
            Task parent = k.spawnUser("parent", base -> new GuestCode().syscall(Syscall.GETPID).add(0, 0, 1)
                    .syscall(Syscall.JOIN).syscall(Syscall.EXIT).bytes(), 0);
            Task child = k.spawnUser(parent, "child", base -> new GuestCode().mov(0, 1000).syscall(Syscall.SLEEP).bytes(), 0);
            Task ready = k.spawnUser("ready", base -> new GuestCode().word(0x1400_0000).bytes(), 0);
            k.run(3);
            assertEquals(TaskState.SLEEPING, sleeper.state());
            assertEquals(TaskState.BLOCKED, waiter.state());
            assertEquals(TaskState.BLOCKED, parent.state());
            k.kill(parent);   // blocked in join: leaves the child's joiners
            k.kill(sleeper);
            k.kill(waiter);
            k.kill(ready);
            k.kill(child);
            for (Task t : new Task[] {sleeper, waiter, parent, child, ready}) {
                assertEquals(-1, t.exitCode(), t.toString());
            }
            assertTrue(k.run(10).allExited());
            assertEquals(k.freeFramesAfterBoot(), k.frames().freeFrames());
            assertThrows(IllegalArgumentException.class, () -> k.kill(k.idleTask()));
        }
    }
}
