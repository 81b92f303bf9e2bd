package dev.levitate.sched.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.sched.Task;
import org.junit.jupiter.api.Test;

/**
 * A task that does something it must not is killed with the fault described, and every other
 * task keeps running; nothing leaks.
 */
class IsolationTest {

    @Test
    void userTasksCannotReachEachOtherOrPrivilegedStateAndTheRestRunsOn() {
        try (Kernel k = Kernel.builder().ramMib(32).build()) {
            // owner maps a page at 0x2000_0000, writes 0x77, sleeps while the others try, then exits with what it reads
            Task owner = k.spawnUser("owner", base -> new GuestCode()
                    .mov(0, 0x2000_0000L).mov(1, 1).syscall(Syscall.MMAP)
                    .mov(10, 0x2000_0000L).mov(11, 0x77).str(11, 10)
                    .mov(0, 3).syscall(Syscall.SLEEP)
                    .mov(10, 0x2000_0000L).ldr(0, 10).syscall(Syscall.EXIT).bytes(), 0);
            // the same VA in another address space is not mapped (ASID-tagged TLB: owner's entry must not hit)
            Task snoop = k.spawnUser("snoop", base -> new GuestCode()
                    .mov(0, 1).syscall(Syscall.SLEEP)
                    .mov(10, 0x2000_0000L).ldr(0, 10).syscall(Syscall.EXIT).bytes(), 0);
            // MRS x0, SCTLR_EL1 at EL0: undefined
            Task priv = k.spawnUser("priv", base -> new GuestCode().word(0xD538_1000).mov(0, 0).syscall(Syscall.EXIT).bytes(), 0);
            // a kernel task touching an unmapped low address
            Task wild = k.spawn("wild", base -> new GuestCode().mov(10, 0x1234_5000L).ldr(0, 10).mov(0, 0).syscall(Syscall.EXIT).bytes(), 0);
            Task bystander = k.spawn(Workload.named("bystander").compute(2_000_000).write("still here").exit(9));
            Kernel.RunResult r = k.run(1_000);
            assertTrue(r.allExited());
            assertEquals(0x77, owner.exitCode(), "the owner's page kept its value");
            assertEquals(-1, snoop.exitCode());
            assertTrue(k.controlBlock(snoop).exitReason().contains("translation fault"), k.controlBlock(snoop).exitReason());
            assertEquals(-1, priv.exitCode());
            assertTrue(k.controlBlock(priv).exitReason().contains("undefined instruction"), k.controlBlock(priv).exitReason());
            assertEquals(-1, wild.exitCode());
            assertTrue(k.controlBlock(wild).exitReason().contains("at EL1"), k.controlBlock(wild).exitReason());
            assertEquals(9, bystander.exitCode());
            assertEquals("still here", k.console());
            assertEquals(k.freeFramesAfterBoot(), k.frames().freeFrames());
        }
    }

    @Test
    void aKernelStackOverflowHitsTheGuardPageAndKillsOnlyThatTask() {
        try (Kernel k = Kernel.builder().ramMib(32).build()) {
            // SUB SP, SP, #16; STR X0, [SP]; B .-8 : grows the stack until it runs into the guard
            Task deep = k.spawn("deep", base -> new GuestCode().word(0xD100_43FF).word(0xF900_03E0).word(0x17FF_FFFE).bytes(), 0);
            Task other = k.spawn(Workload.named("other").write("ok").exit(5));
            Kernel.RunResult r = k.run(1_000);
            assertTrue(r.allExited());
            assertEquals(-1, deep.exitCode());
            String why = k.controlBlock(deep).exitReason();
            assertTrue(why.contains("kernel stack overflow"), why);
            long guard = Kernel.STACKS_BASE + 32 * 1024L * deep.id();
            assertTrue(why.contains(Long.toHexString(guard).substring(0, 8)) || why.contains("FAR"), why);
            assertEquals(5, other.exitCode());
            assertEquals(k.freeFramesAfterBoot(), k.frames().freeFrames());
        }
    }
}
