package dev.levitate.sched.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.sched.Task;
import dev.levitate.sched.TaskState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The kernel on the simulator: preemption, lifecycle, user address spaces, faults, resources. */
class KernelTest {

    /** Prints {@code letter} {@code times} times with about {@code spin} loop iterations between, then exits with {@code code}. */
    static GuestProgram printer(char letter, int times, long spin, int code) {
        return base -> {
            GuestCode g = new GuestCode();
            g.mov(19, times);
            int loop = g.here();
            g.mov(0, 1);
            int movBuf = g.here();
            g.movFixed(1, 0); // the letter's address, patched below once the layout is known
            g.mov(2, 1).syscall(Syscall.WRITE);
            g.spin(spin);
            g.subs(19, 19, 1).bne(loop);
            g.mov(0, code).syscall(Syscall.EXIT);
            int dataAt = g.here();
            g.word(letter);
            int[] w = g.words();
            int[] patch = new GuestCode().movFixed(1, base + 4L * dataAt).words();
            System.arraycopy(patch, 0, w, movBuf, 4);
            GuestCode out = new GuestCode();
            for (int x : w) {
                out.word(x);
            }
            return out.bytes();
        };
    }

    @Test
    void twoKernelTasksInterleaveUnderPreemptionAndEverythingComesBack() {
        try (Kernel k = Kernel.builder().ramMib(64).build()) {
            List<KernelEvent> events = new ArrayList<>();
            k.addListener(events::add);
            long spinPerTick = k.tickCycles(); // about two ticks of work between letters
            Task a = k.spawn("A", printer('A', 8, spinPerTick, 1), 0);
            Task b = k.spawn("B", printer('B', 8, spinPerTick, 2), 0);
            Kernel.RunResult r = k.run(10_000);
            assertTrue(r.allExited(), "all exited: " + r);
            String out = k.console();
            assertEquals(16, out.length(), out);
            int changes = 0;
            for (int i = 1; i < out.length(); i++) {
                changes += out.charAt(i) != out.charAt(i - 1) ? 1 : 0;
            }
            assertTrue(changes >= 10, "A and B interleave under preemption: " + out);
            assertEquals(TaskState.REAPED, a.state());
            assertEquals(1, a.exitCode());
            assertEquals(2, b.exitCode());
            assertTrue(a.preemptions() > 0 && b.preemptions() > 0, "the timer preempted both");
            assertEquals(k.freeFramesAfterBoot(), k.frames().freeFrames(), "every frame came back");
            assertTrue(events.stream().anyMatch(e -> e.kind() == KernelEvent.Kind.PREEMPT));
        }
    }

    @Test
    void userTasksMapUnmapFaultAndGiveEverythingBack() {
        try (Kernel k = Kernel.builder().ramMib(64).build()) {
            long free = k.frames().freeFrames();
            // a user task that maps 3 pages, writes them, unmaps them, then exits 7
            GuestProgram mapper = base -> {
                GuestCode g = new GuestCode();
                g.mov(0, 0x2000_0000L).mov(1, 3).syscall(Syscall.MMAP);
                g.mov(10, 0x2000_0000L).mov(11, 0x1234).str(11, 10).ldr(12, 10);
                g.mov(0, 0x2000_0000L).mov(1, 3).syscall(Syscall.MUNMAP);
                g.mov(0, 7).syscall(Syscall.EXIT);
                return g.bytes();
            };
            // a user task that reads kernel memory: killed, the others go on
            GuestProgram intruder = base -> new GuestCode().mov(10, Kernel.KERNEL_BASE + Kernel.RAM_BASE).ldr(0, 10)
                    .mov(0, 0).syscall(Syscall.EXIT).bytes();
            Task m = k.spawnUser("mapper", mapper, 0);
            Task bad = k.spawnUser("intruder", intruder, 0);
            Task p = k.spawnUser("printer", printer('u', 3, 1000, 3), 0);
            Kernel.RunResult r = k.run(1_000);
            assertTrue(r.allExited(), r.toString());
            assertEquals(7, m.exitCode());
            assertEquals(-1, bad.exitCode());
            assertTrue(k.controlBlock(bad).exitReason().contains("data abort"), k.controlBlock(bad).exitReason());
            assertEquals(3, p.exitCode());
            assertEquals("uuu", k.console());
            assertEquals(free, k.frames().freeFrames(), "stacks, pages, tables and code came back");
            assertTrue(k.tlbInvalidations() > 0);
        }
    }

    @Test
    void sleepAndJoin() {
        try (Kernel k = Kernel.builder().ramMib(64).build()) {
            Task sleeper = k.spawn("sleeper", base -> new GuestCode().mov(0, 5).syscall(Syscall.SLEEP)
                    .mov(0, 42).syscall(Syscall.EXIT).bytes(), 0);
            Task joiner = k.spawn("joiner", base -> new GuestCode().mov(0, sleeper.id()).syscall(Syscall.JOIN)
                    .syscall(Syscall.EXIT).bytes(), 0); // exits with join's result
            Kernel.RunResult r = k.run(1_000);
            assertTrue(r.allExited());
            assertEquals(42, joiner.exitCode(), "join returned the sleeper's exit code");
            assertTrue(r.ticks() >= 5, "slept 5 ticks: " + r.ticks());
            assertEquals(TaskState.REAPED, sleeper.state());
            assertEquals(k.freeFramesAfterBoot(), k.frames().freeFrames());
        }
    }
}
