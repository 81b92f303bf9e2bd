package dev.levitate.sched.kernel;

import dev.levitate.sched.RoundRobinPolicy;
import dev.levitate.sched.Task;
import dev.levitate.sched.TaskState;
import dev.levitate.sched.policy.PriorityPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One input of the hostile-task fuzz: up to four hostile user tasks (their code as A64 words, and
 * which of the earlier hostile tasks is each one's parent) beside a fixed set of victims, under
 * round-robin or priority scheduling. {@link #check()} runs it and checks the kernel's invariants;
 * {@link #encode()} and {@link #parse(String)} keep it as text, for the regression files under
 * {@code src/test/resources/fuzz-regressions/kernel/}.
 *
 * <p>Text form: {@code #} comments, {@code policy round-robin|priority}, then one line per hostile
 * task: {@code hostile <parent index or -1> <hex word> <hex word> ...}.
 *
 * <p>The victims, spawned first so their ids are known (2..6): v1, a user task writing eight
 * letters with a yield after each; v2, a user task that writes two letters, sleeps while its
 * child v2c (id 4: four letters, exit 22) ends and waits as a zombie, joins it, and, if join
 * returned 22, writes two more letters and exits 22 (else it exits with what join returned); v3,
 * a kernel task writing letters; v4, a user task that keeps a value in a page it mapped, sleeps, and
 * exits with what it reads back. A semaphore (id 1, count 0) and a mutex (id 1) exist for the
 * hostile tasks to play with; no victim uses them.
 */
final class HostileScenario {
    static final int V1 = 2;
    static final int V2 = 3;
    static final int V2C = 4;
    static final int V3 = 5;
    static final int V4 = 6;
    static final int FIRST_HOSTILE = 7;
    static final int MAX_HOSTILES = 4;
    /** Ticks the victims get to finish in (each a tenth of a simulated millisecond's worth: 1000 Hz ticks). */
    static final int MAX_TICKS = 400;
    private static final long V4_PAGE = 0x3000_0000L;
    private static final long V4_VALUE = 0x5A;

    final boolean priority;
    final List<int[]> hostiles;
    final List<Integer> parents;

    HostileScenario(boolean priority, List<int[]> hostiles, List<Integer> parents) {
        this.priority = priority;
        this.hostiles = hostiles;
        this.parents = parents;
    }

    // ------------------------------------------------------------------ random inputs

    static HostileScenario random(SplittableRandom r) {
        int n = 1 + r.nextInt(MAX_HOSTILES);
        List<int[]> programs = new ArrayList<>();
        List<Integer> parents = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            parents.add(i > 0 && r.nextBoolean() ? r.nextInt(i) : -1);
            GuestCode g = new GuestCode();
            int actions = 1 + r.nextInt(12);
            for (int a = 0; a < actions; a++) {
                if (r.nextInt(10) < 7) {
                    randomSyscall(r, g, FIRST_HOSTILE + i, n);
                } else {
                    randomHostileInstruction(r, g);
                }
            }
            g.mov(0, 0).syscall(Syscall.EXIT);
            programs.add(g.words());
        }
        return new HostileScenario(r.nextBoolean(), programs, parents);
    }

    private static final int[] KNOWN = {64, 93, 101, 124, 140, 172, 215, 222, 260, 500, 501, 502, 503};

    private static void randomSyscall(SplittableRandom r, GuestCode g, int self, int hostiles) {
        long number;
        switch (r.nextInt(8)) {
            case 0: number = r.nextInt(600); break;
            case 1: number = r.nextLong(); break;
            case 2: number = r.nextBoolean() ? 140 : 260; // the calls that name another task, more often
                break;
            default: number = KNOWN[r.nextInt(KNOWN.length)];
        }
        for (int reg = 0; reg < 3; reg++) {
            boolean namesATask = reg == 0 && (number == 140 || number == 260);
            g.mov(reg, namesATask && r.nextBoolean() ? V1 + r.nextInt(V4 - V1 + 1) : value(r, self, hostiles));
        }
        g.mov(8, number).word(0xD400_0001);
    }

    private static long value(SplittableRandom r, int self, int hostiles) {
        switch (r.nextInt(16)) {
            case 0: case 1: return V1 + r.nextInt(V4 - V1 + 1);                           // a victim
            case 2: return FIRST_HOSTILE + r.nextInt(hostiles);                           // a hostile task (maybe itself)
            case 3: return r.nextBoolean() ? 0 : 1;                                       // itself, the idle task
            case 4: return new long[] {-1, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 31, 1L << 32, Integer.MIN_VALUE}[r.nextInt(6)];
            case 5: return Kernel.KERNEL_BASE + Kernel.RAM_BASE + 4096L * r.nextInt(8192); // kernel memory
            case 6: return Kernel.STACKS_BASE + 32 * 1024L * (V1 + r.nextInt(8)) + 4096L * r.nextInt(5); // kernel stacks
            case 7: return AddressSpace.CODE_BASE + 8L * r.nextInt(32);
            case 8: return AddressSpace.STACK_TOP - 8L * (1 + r.nextInt(2048));
            case 9: case 10: return AddressSpace.MMAP_BASE + 4096L * r.nextInt(64);
            case 11: return 1 + r.nextInt(300);                                            // page counts, lengths, ticks
            case 12: return r.nextInt(8);
            case 13: return self;
            default: return r.nextLong();
        }
    }

    private static void randomHostileInstruction(SplittableRandom r, GuestCode g) {
        switch (r.nextInt(14)) {
            case 0: g.mov(0, new long[] {0x18, 0x20, 0x03}[r.nextInt(3)]).mov(1, r.nextBoolean() ? 0x20026 : Kernel.RAM_BASE)
                    .word(0xD45E_0000); break;                                                     // semihosting
            case 1: g.mov(10, Kernel.KERNEL_BASE + Kernel.RAM_BASE + 4096L * r.nextInt(8192)).str(10, 10); break;
            case 2: g.mov(10, Kernel.KERNEL_BASE + Kernel.RAM_BASE + 4096L * r.nextInt(8192)).ldr(0, 10); break;
            case 3: g.mov(10, r.nextLong() & ~7L).ldr(0, 10); break;                                  // a wild load
            case 4: g.mov(10, AddressSpace.CODE_BASE).str(10, 10); break;                             // its own code
            case 5: g.word(0); break;                                                                  // UDF #0
            case 6: g.word(0xD420_0000 | r.nextInt(0x10000) << 5); break;                            // BRK
            case 7: g.mov(0, 0x8400_0008L).word(r.nextBoolean() ? 0xD400_0002 : 0xD400_0003); break; // PSCI off by HVC/SMC
            case 8: g.word(0xD69F_03E0); break;                                                        // ERET
            case 9: g.word(0xD503_4FDF); break;                                                        // MSR DAIFSet, #0xF
            case 10: g.word(0xD51B_E23F).wfi(); break;                                                 // MSR CNTP_CTL_EL0, XZR; WFI
            case 11: g.word(0x1400_0000); break;                                                       // B . : runs forever
            case 12: g.spin(1 + r.nextInt(50_000)); break;
            default: g.word(r.nextInt()); break;                                                       // anything
        }
    }

    // ------------------------------------------------------------------ text form

    String encode() {
        StringBuilder b = new StringBuilder("policy ").append(priority ? "priority" : "round-robin").append('\n');
        for (int i = 0; i < hostiles.size(); i++) {
            b.append("hostile ").append(parents.get(i));
            for (int w : hostiles.get(i)) {
                b.append(' ').append(String.format("%08x", w));
            }
            b.append('\n');
        }
        return b.toString();
    }

    static HostileScenario parse(String text) {
        boolean priority = false;
        List<int[]> programs = new ArrayList<>();
        List<Integer> parents = new ArrayList<>();
        for (String line : text.split("\n")) {
            String l = line.trim();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] f = l.split("\\s+");
            if (f[0].equals("policy")) {
                priority = f[1].equals("priority");
            } else if (f[0].equals("hostile")) {
                parents.add(Integer.parseInt(f[1]));
                int[] words = new int[f.length - 2];
                for (int i = 2; i < f.length; i++) {
                    words[i - 2] = Integer.parseUnsignedInt(f[i], 16);
                }
                programs.add(words);
            } else {
                throw new IllegalArgumentException("not a scenario line: " + l);
            }
        }
        return new HostileScenario(priority, programs, parents);
    }

    // ------------------------------------------------------------------ the run and its invariants

    private static GuestProgram code(int[] words) {
        return base -> {
            GuestCode g = new GuestCode();
            for (int w : words) {
                g.word(w);
            }
            return g.bytes();
        };
    }

    /**
     * Runs the scenario and checks the invariants: no Java exception escapes; the victims print all
     * their output and exit with their codes (v2 reaps its own child; v4's page kept its value);
     * once the hostile tasks still alive are killed, every frame is back; a task spawned afterwards
     * runs to completion.
     *
     * @return null if every invariant held, else what broke
     */
    String check() {
        return check(new java.util.TreeMap<>());
    }

    /**
     * {@link #check()}, counting how the hostile tasks ended and how many calls were refused.
     *
     * @param stats counts by outcome, added to
     * @return null if every invariant held, else what broke
     */
    String check(java.util.Map<String, Integer> stats) {
        try (Kernel k = Kernel.builder().ramMib(64).tickHz(1000)
                .policy(priority ? new PriorityPolicy() : new RoundRobinPolicy(1)).build()) {
            TestPrograms.Output out = new TestPrograms.Output();
            k.addListener(out);
            long afterBoot = k.freeFramesAfterBoot();
            k.createSemaphore(0);
            k.createMutex();
            Task v1 = k.spawnUser(TestPrograms.victim("v1", "abcdefgh", 11));
            // v2: writes A and B, sleeps while v2c ends (a zombie for a few ticks), joins it; if join did
            // not return 22 it exits with what join returned, else it writes C and D and exits 22
            GuestCode g2 = letter(new GuestCode(), 'A').syscall(Syscall.YIELD);
            letter(g2, 'B').mov(0, 6).syscall(Syscall.SLEEP).mov(0, V2C).syscall(Syscall.JOIN).subs(9, 0, 22);
            g2.word(0x5400_0000 | 3 << 5).mov(8, Syscall.EXIT.number()).word(0xD400_0001); // B.EQ +3; exit(x0)
            letter(g2, 'C').syscall(Syscall.YIELD);
            letter(g2, 'D').mov(0, 22).syscall(Syscall.EXIT);
            Task v2 = k.spawnUser("v2", base -> g2.bytes(), 0);
            Task v2c = k.spawnUser(v2, "v2c", Workload.named("v2c").write("w").yield().write("x").sleep(1).write("y")
                    .yield().write("z").exit(22).program(), 0);
            Task v3 = k.spawn(TestPrograms.victim("v3", "0123", 13));
            Task v4 = k.spawnUser("v4", base -> new GuestCode().mov(0, V4_PAGE).mov(1, 1).syscall(Syscall.MMAP)
                    .mov(10, V4_PAGE).mov(11, V4_VALUE).str(11, 10).mov(0, 3).syscall(Syscall.SLEEP)
                    .mov(10, V4_PAGE).ldr(0, 10).syscall(Syscall.EXIT).bytes(), 0);
            if (v1.id() != V1 || v2.id() != V2 || v2c.id() != V2C || v3.id() != V3 || v4.id() != V4) {
                return "victim ids moved: " + v1.id() + " " + v2.id() + " " + v2c.id() + " " + v3.id() + " " + v4.id();
            }
            List<Task> hostile = new ArrayList<>();
            for (int i = 0; i < hostiles.size(); i++) {
                int p = parents.get(i);
                hostile.add(k.spawnUser(p < 0 ? null : hostile.get(p), "h" + i, code(hostiles.get(i)), 0, 0));
            }
            Task[] victims = {v1, v2, v2c, v3, v4};
            for (int t = 0; t < MAX_TICKS && !allEnded(victims); t += 5) {
                k.run(5);
            }
            StringBuilder broke = new StringBuilder();
            expect(broke, k, out, v1, "abcdefgh", 11);
            expect(broke, k, out, v2, "ABCD", 22);
            expect(broke, k, out, v2c, "wxyz", 22);
            expect(broke, k, out, v3, "0123", 13);
            expect(broke, k, out, v4, "", V4_VALUE);
            for (Task h : hostile) {
                TaskState s = h.state();
                String why = k.controlBlock(h).exitReason();
                String outcome = s != TaskState.EXITED && s != TaskState.REAPED ? "still " + s + " (killed by the owner)"
                        : why.startsWith("killed: it stopped the machine") ? "killed: stopped the machine"
                        : why.startsWith("killed: ") ? "killed: " + why.replaceAll("^killed: (ESR \\S+: )?([A-Za-z ]+).*", "$2").trim()
                        : "exited";
                stats.merge(outcome, 1, Integer::sum);
                if (s != TaskState.EXITED && s != TaskState.REAPED) {
                    k.kill(h);
                }
            }
            stats.merge("calls refused with -EPERM", out.denied.size(), Integer::sum);
            Kernel.RunResult end = k.run(1);
            if (!end.allExited()) {
                broke.append("not every task ended after the kills; ");
            }
            k.frames().checkInvariants();
            if (k.frames().freeFrames() != afterBoot) {
                broke.append("frames leaked: ").append(afterBoot - k.frames().freeFrames()).append("; ");
            }
            Task fresh = k.spawnUser(Workload.named("fresh").write("fresh").sleep(1).exit(5));
            if (!k.run(100).allExited() || fresh.exitCode() != 5 || !out.of(fresh).equals("fresh")) {
                broke.append("a fresh task did not complete: ").append(fresh.state()).append(' ')
                        .append(k.controlBlock(fresh).exitReason()).append("; ");
            }
            if (k.frames().freeFrames() != afterBoot) {
                broke.append("frames leaked after the fresh task: ").append(afterBoot - k.frames().freeFrames()).append("; ");
            }
            return broke.length() == 0 ? null : broke.toString();
        } catch (RuntimeException | Error e) {
            java.io.StringWriter w = new java.io.StringWriter();
            e.printStackTrace(new java.io.PrintWriter(w));
            return "a Java exception escaped: " + w;
        }
    }

    /** write(1, one letter) from the top of the user stack. */
    private static GuestCode letter(GuestCode g, char c) {
        return g.mov(10, c).mov(11, AddressSpace.STACK_TOP - 16).str(10, 11)
                .mov(0, 1).add(1, 11, 0).mov(2, 1).syscall(Syscall.WRITE);
    }

    private static boolean allEnded(Task[] ts) {
        for (Task t : ts) {
            if (t.state() != TaskState.EXITED && t.state() != TaskState.REAPED) {
                return false;
            }
        }
        return true;
    }

    private static void expect(StringBuilder broke, Kernel k, TestPrograms.Output out, Task v, String text, long code) {
        boolean ended = v.state() == TaskState.EXITED || v.state() == TaskState.REAPED;
        if (!ended || v.exitCode() != code || !out.of(v).equals(text)) {
            broke.append("victim ").append(v.name()).append(" harmed: ").append(v.state()).append(", exit ")
                    .append(ended ? v.exitCode() : "-").append(" (").append(k.controlBlock(v).exitReason())
                    .append("), wrote '").append(out.of(v)).append("'; ");
        }
    }
}
