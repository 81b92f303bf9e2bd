package dev.levitate.sched.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.sched.Task;
import dev.levitate.sched.TaskState;
import dev.levitate.a64.A64Assembler;
import dev.levitate.a64.SystemRegister;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The kernel survives every stop a user task can cause (issue 16, item 1): each hostile user task
 * beside victim tasks, on the simulator, is killed with the reason recorded, the victims print all
 * their output, and the free-frame count comes back to its value after boot. A kernel task that
 * stops the machine ends the kernel with a {@link MachineHaltedException}, not a stray
 * IllegalStateException.
 */
class HostileStopTest {
    private static final long KERNEL_RAM = Kernel.KERNEL_BASE + Kernel.RAM_BASE;

    /** MSR CNTP_CTL_EL0, XZR (the timer off), then WFI: nothing can wake the core. */
    private static byte[] timerOffThenWfi() {
        return new A64Assembler(0).msr(SystemRegister.CNTP_CTL_EL0, 31).wfi().brk(1).assembleBytes();
    }

    /** What each hostile task does at EL0; none of it may stop anyone else. */
    private static Map<String, GuestCode> hostileActions() {
        Map<String, GuestCode> m = new LinkedHashMap<>();
        // semihosting SYS_EXIT (ADP_Stopped_ApplicationExit): stopped the whole machine before
        m.put("semihosting-exit", new GuestCode().mov(0, 0x18).mov(1, 0x20026).word(0xD45E_0000));
        m.put("semihosting-exit-extended", new GuestCode().mov(0, 0x20).mov(1, KERNEL_RAM).word(0xD45E_0000));
        m.put("store-to-kernel", new GuestCode().mov(10, KERNEL_RAM + 0x10_0000).str(10, 10));
        m.put("load-unmapped", new GuestCode().mov(10, 8).ldr(0, 10));
        m.put("jump-to-kernel", new GuestCode().mov(10, KERNEL_RAM).word(0xD61F_0140)); // BR x10
        m.put("udf", new GuestCode().word(0x0000_0000));
        m.put("brk", new GuestCode().word(0xD420_0020));
        m.put("psci-off-hvc", new GuestCode().mov(0, 0x8400_0008L).word(0xD400_0002));
        m.put("psci-off-smc", new GuestCode().mov(0, 0x8400_0008L).word(0xD400_0003));
        m.put("eret", new GuestCode().word(0xD69F_03E0));
        m.put("mask-interrupts", new GuestCode().word(0xD503_4FDF).word(0x1400_0000)); // MSR DAIFSet, #0xF; B .
        GuestCode timer = new GuestCode();
        byte[] t = timerOffThenWfi();
        for (int i = 0; i < t.length; i += 4) {
            timer.word((t[i] & 0xFF) | (t[i + 1] & 0xFF) << 8 | (t[i + 2] & 0xFF) << 16 | (t[i + 3] & 0xFF) << 24);
        }
        m.put("timer-off-wfi", timer);
        return m;
    }

    @Test
    void eachStopAUserTaskCausesKillsOnlyThatTask() {
        for (Map.Entry<String, GuestCode> action : hostileActions().entrySet()) {
            try (Kernel k = Kernel.builder().ramMib(32).tickHz(1000).build()) {
                TestPrograms.Output out = new TestPrograms.Output();
                k.addListener(out);
                long afterBoot = k.freeFramesAfterBoot();
                Task v1 = k.spawnUser(TestPrograms.victim("v1", "abcdefghij", 11));
                GuestCode g = action.getValue();
                g.mov(0, 0).syscall(Syscall.EXIT); // never reached: the action kills it
                Task hostile = k.spawnUser(action.getKey(), base -> g.bytes(), 0);
                Task v2 = k.spawnUser(TestPrograms.victim("v2", "KLMNOPQRST", 12));
                Task v3 = k.spawn(TestPrograms.victim("v3", "0123456789", 13));
                Kernel.RunResult r = k.run(500);
                String why = k.controlBlock(hostile).exitReason();
                assertTrue(r.allExited(), action.getKey() + ": " + r + ", hostile " + hostile.state() + " " + why);
                assertEquals(-1, hostile.exitCode(), action.getKey());
                assertTrue(why.startsWith("killed: "), action.getKey() + ": " + why);
                assertEquals("abcdefghij", out.of(v1), action.getKey());
                assertEquals("KLMNOPQRST", out.of(v2), action.getKey());
                assertEquals("0123456789", out.of(v3), action.getKey());
                assertEquals(11, v1.exitCode());
                assertEquals(12, v2.exitCode());
                assertEquals(13, v3.exitCode());
                assertEquals(afterBoot, k.frames().freeFrames(), action.getKey() + ": every frame came back");
                k.frames().checkInvariants();
            }
        }
    }

    @Test
    void aSemihostingExitAtEl0IsThatTasksDeathNotTheMachines() {
        try (Kernel k = Kernel.builder().ramMib(32).build()) {
            TestPrograms.Output out = new TestPrograms.Output();
            k.addListener(out);
            Task hostile = k.spawnUser("halter", base -> new GuestCode().mov(0, 0x18).mov(1, 0x20026).word(0xD45E_0000)
                    .mov(0, 0).syscall(Syscall.EXIT).bytes(), 0);
            Task victim = k.spawnUser(TestPrograms.victim("victim", "xyz", 3));
            Kernel.RunResult r = k.run(100); // threw IllegalStateException: the CPU stopped for good ... HALTED
            assertTrue(r.allExited());
            assertEquals(TaskState.REAPED, hostile.state());
            assertTrue(k.controlBlock(hostile).exitReason().startsWith("killed: "), k.controlBlock(hostile).exitReason());
            assertEquals("xyz", out.of(victim));
            assertTrue(out.halts.isEmpty(), "no HALT event: the machine did not stop for the kernel");
            assertEquals(k.freeFramesAfterBoot(), k.frames().freeFrames());
        }
    }

    @Test
    void aRunawayLoopIsPreemptedAtEl0AndWithInterruptsMaskedAtEl1AndTheOwnerCanKillIt() {
        try (Kernel k = Kernel.builder().ramMib(32).tickHz(1000).build()) {
            TestPrograms.Output out = new TestPrograms.Output();
            k.addListener(out);
            Task userLoop = k.spawnUser("user-loop", base -> new GuestCode().word(0x1400_0000).bytes(), 0);
            // MSR DAIFSet, #2 (IRQs masked), B . : the timer cannot interrupt it; the instruction budget ends each slice
            Task kernelLoop = k.spawn("kernel-loop", base -> new GuestCode().word(0xD503_42DF).word(0x1400_0000).bytes(), 0);
            Task victim = k.spawnUser(TestPrograms.victim("victim", "abcdef", 6));
            for (int i = 0; i < 200 && victim.state() != TaskState.EXITED && victim.state() != TaskState.REAPED; i++) {
                k.run(1);
            }
            assertEquals("abcdef", out.of(victim), "the victim ran between the loops' quanta");
            assertEquals(TaskState.READY, userLoop.state());
            assertEquals(TaskState.READY, kernelLoop.state());
            assertTrue(userLoop.preemptions() > 0 && kernelLoop.preemptions() > 0);
            k.kill(userLoop);
            k.kill(kernelLoop);
            assertEquals(TaskState.EXITED, userLoop.state());
            assertTrue(k.controlBlock(userLoop).exitReason().startsWith("killed: by the kernel's owner"));
            assertThrows(dev.levitate.sched.IllegalTaskStateException.class, () -> k.kill(userLoop));
            assertTrue(k.run(10).allExited());
            assertEquals(k.freeFramesAfterBoot(), k.frames().freeFrames());
        }
    }

    @Test
    void aKernelTaskThatStopsTheMachineEndsTheKernelCleanly() {
        try (Kernel k = Kernel.builder().ramMib(32).build()) {
            TestPrograms.Output out = new TestPrograms.Output();
            k.addListener(out);
            Task victim = k.spawn(TestPrograms.victim("victim", "ab", 2));
            Task halter = k.spawn("halter", base -> timerOffThenWfi(), 0);
            MachineHaltedException e = assertThrows(MachineHaltedException.class, () -> k.run(100));
            assertEquals(halter.id(), e.taskId());
            assertTrue(e.getMessage().contains("'halter' (id " + halter.id() + ") stopped the machine"), e.getMessage());
            assertEquals(1, out.halts.size());
            assertEquals(halter.id(), out.halts.get(0).task());
            assertEquals(TaskState.EXITED, halter.state());
            assertTrue(k.controlBlock(halter).exitReason().startsWith("halted the machine"), k.controlBlock(halter).exitReason());
            assertEquals("a", out.of(victim), "what ran before the stop is kept");
            assertSame(e, assertThrows(MachineHaltedException.class, () -> k.run(100)), "the kernel runs no more");
            assertFalse(victim.state() == TaskState.RUNNING);
        }
    }
}
