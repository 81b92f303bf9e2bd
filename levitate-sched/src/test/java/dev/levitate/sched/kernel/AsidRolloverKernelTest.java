package dev.levitate.sched.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.mmu.AsidAllocator;
import dev.levitate.mmu.PageTable;
import dev.levitate.sched.Task;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 17, item 3: an address space's ASID follows the allocator. A kernel with 8-bit ASIDs
 * (255 usable) runs more user tasks at once than there are ASIDs, each mapping, writing, yielding,
 * reading back and unmapping a page at the same VA round after round, so ASID rollovers happen
 * while tasks are alive and between their rounds. Checked: every TLBI that names an ASID names
 * the current ASID of the address space that issued it (no other space holds it in the current
 * generation), and every task reads back exactly what it wrote (no translation of another space
 * sharing its ASID hits).
 */
class AsidRolloverKernelTest {
    static final long PAGE_VA = 0x2000_0000L;
    static final int ROUNDS = 3;

    /** SUB Xd, Xn, Xm (shifted register, no shift). */
    static int sub(int rd, int rn, int rm) {
        return 0xCB00_0000 | rm << 16 | rn << 5 | rd;
    }

    /** ORR Xd, Xn, Xm (shifted register, no shift). */
    static int orr(int rd, int rn, int rm) {
        return 0xAA00_0000 | rm << 16 | rn << 5 | rd;
    }

    /**
     * Round by round: mmap one page at {@link #PAGE_VA}, store a value unique to (task, round),
     * yield, load it back, OR (loaded - stored) into x21, munmap. Exits with x21: 0 if every load
     * saw its own store. Registers survive system calls (the exception frame holds x0..x30).
     */
    static GuestProgram program(int task) {
        return program(task, ROUNDS);
    }

    static GuestProgram program(int task, int rounds) {
        return base -> {
            GuestCode c = new GuestCode().mov(21, 0);
            for (int r = 0; r < rounds; r++) {
                long tag = 0x5A00_0000_0000_0000L | (long) task << 16 | (r + 1);
                c.mov(0, PAGE_VA).mov(1, 1).syscall(Syscall.MMAP)
                        .mov(10, PAGE_VA).mov(11, tag).str(11, 10)
                        .syscall(Syscall.YIELD)
                        .mov(10, PAGE_VA).mov(11, tag).ldr(12, 10)
                        .word(sub(13, 12, 11)).word(orr(21, 21, 13))
                        .mov(0, PAGE_VA).mov(1, 1).syscall(Syscall.MUNMAP);
            }
            return c.word(orr(0, 21, 21)).syscall(Syscall.EXIT).bytes();
        };
    }

    /** Parses the ASID of a by-ASID TLBI event ("vale1 0x.. asid N", "vae1 0x.. asid N", "aside1 N"), or -1. */
    static int asidOf(String detail) {
        if (detail.startsWith("aside1 ")) {
            return Integer.parseInt(detail.substring(7));
        }
        int i = detail.indexOf(" asid ");
        return i < 0 ? -1 : Integer.parseInt(detail.substring(i + 6));
    }

    @Test
    void moreUserTasksThanAsidsKeepTheirMemoryAndEveryTlbiNamesAnAsidItsSpaceOwns() {
        try (Kernel k = Kernel.builder().asidBits(8).ramMib(128).build()) {
            AsidAllocator asids = k.asids();
            List<Task> tasks = new ArrayList<>();
            List<String> violations = new ArrayList<>();
            long[] byAsid = {0};
            k.addListener(e -> {
                if (e.kind() != KernelEvent.Kind.TLBI) {
                    return;
                }
                int asid = asidOf(e.detail());
                if (asid < 0) {
                    return;
                }
                byAsid[0]++;
                // the spaces that own this ASID now: current in the allocator and tagged with it
                List<Integer> owners = new ArrayList<>();
                for (Task t : k.tasks()) {
                    TaskControlBlock tcb = k.controlBlock(t);
                    AddressSpace s = tcb.space;
                    if (s != null && asids.asidOf(s.asidContext()) == asid) {
                        owners.add(t.id());
                        if (s.asid() != asid) {
                            violations.add("task " + t.id() + " owns ASID " + asid + " but its table says " + s.asid());
                        }
                    }
                    if (t.id() == e.task() && s != null && asids.asidOf(s.asidContext()) != asid) {
                        violations.add(e.detail() + " issued by task " + e.task() + ", whose current ASID is "
                                + asids.asidOf(s.asidContext()) + " (table: " + s.asid() + ")");
                    }
                }
                if (owners.size() != 1) {
                    violations.add(e.detail() + " at tick " + e.tick() + ": owned by " + owners);
                }
            });
            int n = 300;
            for (int i = 0; i < n; i++) {
                Task t = k.spawnUser("t" + i, program(i), 0);
                tasks.add(t);
                assertEquals(PageTable.NO_ASID, k.controlBlock(t).space.asid(), "no ASID before it first runs");
            }
            Kernel.RunResult r = k.run(100_000);
            assertTrue(r.allExited(), "every task ran to its end");
            assertEquals(List.of(), violations.subList(0, Math.min(5, violations.size())));
            assertTrue(asids.rollovers() >= 2, "rollovers while tasks were alive: " + asids.rollovers());
            assertTrue(byAsid[0] >= n * ROUNDS, "every munmap invalidated by ASID: " + byAsid[0]);
            for (Task t : tasks) {
                assertEquals(0, t.exitCode(), t + ": a load did not see its own store (" + k.controlBlock(t).exitReason() + ")");
            }
            assertEquals(k.freeFramesAfterBoot(), k.frames().freeFrames(), "every page and table came back");
            // a second generation of tasks in the same kernel, after the first were reaped
            tasks.clear();
            for (int i = 0; i < 40; i++) {
                tasks.add(k.spawnUser("u" + i, program(1000 + i), 0));
            }
            assertTrue(k.run(100_000).allExited());
            for (Task t : tasks) {
                assertEquals(0, t.exitCode(), t.toString());
            }
            assertEquals(List.of(), violations.subList(0, Math.min(5, violations.size())));
            assertEquals(k.freeFramesAfterBoot(), k.frames().freeFrames());
        }
    }

    /**
     * The sharp case: W1 runs and takes an ASID, 254 sleepers take the rest, W2 comes next and
     * forces a rollover. Had W1 kept its ASID (as when a table's ASID was fixed at spawn), W2 would
     * get the same one while W1 is alive, and the two, running one after the other at the same VA,
     * would hit each other's TLB entries. With the ASID following the allocator, W1 is retagged
     * when it next runs and each reads back what it wrote.
     */
    @Test
    void twoTasksOnEitherSideOfARolloverNeverShareAnAsid() {
        try (Kernel k = Kernel.builder().asidBits(8).ramMib(64).build()) {
            Task w1 = k.spawnUser("w1", program(1, 12), 0);
            List<Task> sleepers = new ArrayList<>();
            for (int i = 0; i < 254; i++) {
                sleepers.add(k.spawnUser("s" + i, base -> new GuestCode().mov(0, 40).syscall(Syscall.SLEEP)
                        .mov(0, 0).syscall(Syscall.EXIT).bytes(), 0));
            }
            Task w2 = k.spawnUser("w2", program(2, 12), 0);
            assertTrue(k.run(10_000).allExited());
            assertEquals(0, w1.exitCode(), "w1 read another space's page");
            assertEquals(0, w2.exitCode(), "w2 read another space's page");
            assertTrue(k.asids().rollovers() >= 1);
            for (Task s : sleepers) {
                assertEquals(0, s.exitCode());
            }
            assertEquals(k.freeFramesAfterBoot(), k.frames().freeFrames());
        }
    }
}
