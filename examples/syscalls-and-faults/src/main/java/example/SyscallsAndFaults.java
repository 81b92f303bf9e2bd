package example;

import dev.levitate.core.tlb.TlbiOp;
import dev.levitate.sched.RoundRobinPolicy;
import dev.levitate.sched.Task;
import dev.levitate.sched.kernel.AddressSpace;
import dev.levitate.sched.kernel.GuestProgram;
import dev.levitate.sched.kernel.Kernel;
import dev.levitate.sched.kernel.KernelEvent;
import dev.levitate.sched.kernel.Syscall;
import dev.levitate.a64.A64Assembler;
import dev.levitate.a64.A64Assembler.Label;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Teaches one thing: the boundary between a user task and the kernel. Two user tasks written in
 * A64 with backend-sim's {@link A64Assembler} make system calls ({@code svc #0}, number in x8,
 * arguments in x0..x2, result in x0): getpid, write, mmap, sleep, munmap, exit. A third hands the
 * kernel a kernel address (write returns -EFAULT: the kernel checks pointers through the caller's
 * own tables), then loads from that address itself: the MMU refuses an EL0 access to an EL1-only
 * page, the kernel kills that task, and the others go on. At the end the kernel has given back
 * every frame, and we list the TLB invalidations it issued on the way.
 */
public final class SyscallsAndFaults {
    /** Where the workers map their two pages (the kernel's mmap area starts here). */
    static final long PAGES_VA = AddressSpace.MMAP_BASE;
    /** A kernel address: the first byte of RAM in the kernel's linear map (TTBR1, EL1 only). */
    static final long KERNEL_VA = Kernel.KERNEL_BASE + Kernel.RAM_BASE;

    // x0..x2 arguments and result, x8 the call number; x19.. are ours (the kernel keeps them)
    private static final int X0 = 0;
    private static final int X1 = 1;
    private static final int X2 = 2;
    private static final int X3 = 3;
    private static final int X8 = 8;
    private static final int PID = 19;
    private static final int PAGE = 21;

    private SyscallsAndFaults() {
    }

    /** {@code svc #0} with the call number in x8. */
    private static void syscall(A64Assembler a, Syscall call) {
        a.movz(X8, call.number(), 0).svc(0);
    }

    /** {@code write(1, label, text.length())}. */
    private static void write(A64Assembler a, Label text, String s) {
        a.movz(X0, 1, 0).adr(X1, text).movz(X2, s.length(), 0);
        syscall(a, Syscall.WRITE);
    }

    /** Emits ASCII text at a label, padded with zeros to a multiple of 8 bytes and 8-aligned. */
    private static void text(A64Assembler a, Label l, String s) {
        while (a.here() % 8 != 0) {
            a.nop();
        }
        a.bind(l);
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        byte[] padded = new byte[(b.length + 7) & ~7];
        System.arraycopy(b, 0, padded, 0, b.length);
        for (int i = 0; i < padded.length; i += 4) {
            a.word((padded[i] & 0xFF) | (padded[i + 1] & 0xFF) << 8 | (padded[i + 2] & 0xFF) << 16 | (padded[i + 3] & 0xFF) << 24);
        }
    }

    /**
     * The well-behaved task: getpid; write a greeting; mmap two pages; build a line in the first
     * (copied from the code 8 bytes at a time, with its pid patched in) and touch the second;
     * sleep a tick (so the others run); write the line from the mmapped page; munmap; exit(pid).
     */
    static final GuestProgram WORKER = base -> {
        A64Assembler a = new A64Assembler(base);
        Label hello = a.label();
        Label line = a.label();
        String helloText = "worker: hello from EL0\n";
        String lineText = "worker ?: this line was built in a page I mmapped\n";
        int digit = lineText.indexOf('?');
        syscall(a, Syscall.GETPID);
        a.mov(PID, X0);
        write(a, hello, helloText);
        a.mov64(X0, PAGES_VA).movz(X1, 2, 0);
        syscall(a, Syscall.MMAP);
        a.mov(PAGE, X0);
        a.adr(X1, line);
        for (int off = 0; off < lineText.length(); off += 8) {
            a.ldr(X2, X1, off).str(X2, PAGE, off);
        }
        a.addImm(X2, PID, '0').strb(X2, PAGE, digit);
        a.str(PID, PAGE, 4096);                                     // the second page, too
        a.movz(X0, 1, 0);
        syscall(a, Syscall.SLEEP);
        a.movz(X0, 1, 0).mov(X1, PAGE).movz(X2, lineText.length(), 0);
        syscall(a, Syscall.WRITE);
        a.mov(X0, PAGE).movz(X1, 2, 0);
        syscall(a, Syscall.MUNMAP);
        a.mov(X0, PID);
        syscall(a, Syscall.EXIT);
        text(a, hello, helloText);
        text(a, line, lineText);
        return a.assembleBytes();
    };

    /**
     * The task that oversteps: write() from a kernel address (the kernel says -EFAULT), then a
     * load from it (the MMU faults, the kernel kills the task). Its last write never happens.
     */
    static final GuestProgram INTRUDER = base -> {
        A64Assembler a = new A64Assembler(base);
        Label start = a.label();
        Label efault = a.label();
        Label trying = a.label();
        Label survived = a.label();
        Label afterCheck = a.label();
        String startText = "intruder: write(1, kernel address, 16)...\n";
        String efaultText = "intruder: ...returned -EFAULT, the kernel checked my pointer\n";
        String tryingText = "intruder: then I load from the kernel address myself\n";
        String survivedText = "intruder: I read kernel memory!\n";
        write(a, start, startText);
        a.movz(X0, 1, 0).mov64(X1, KERNEL_VA).movz(X2, 16, 0);
        syscall(a, Syscall.WRITE);
        a.addImm(X3, X0, (int) -Syscall.EFAULT).cbnz(X3, afterCheck);   // x0 == -14 ?
        write(a, efault, efaultText);
        a.bind(afterCheck);
        write(a, trying, tryingText);
        a.mov64(X1, KERNEL_VA).ldr(X0, X1, 0);                          // the fault
        write(a, survived, survivedText);
        a.movz(X0, 0, 0);
        syscall(a, Syscall.EXIT);
        text(a, start, startText);
        text(a, efault, efaultText);
        text(a, trying, tryingText);
        text(a, survived, survivedText);
        return a.assembleBytes();
    };

    /** What the lesson saw, for the test. */
    public record Outcome(String console, Map<String, String> exitReasons, Map<String, Long> exitCodes,
                          List<KernelEvent> tlbis, long freeFrames, long freeFramesAfterBoot) {
    }

    /**
     * Runs the lesson.
     *
     * @param out where to print
     * @return what happened
     */
    public static Outcome lesson(PrintStream out) {
        try (Kernel k = Kernel.builder().ramMib(64).policy(new RoundRobinPolicy(1)).build()) {
            List<KernelEvent> tlbis = new ArrayList<>();
            k.addListener(e -> {
                switch (e.kind()) {
                    case TLBI -> tlbis.add(e);
                    case MAP, UNMAP, EXIT -> out.printf("  [kernel] %-6s %-8s %s%n", e.kind(), e.taskName(), e.detail());
                    case WRITE -> out.printf("  [%s] %s", e.taskName(), e.detail());
                    default -> { }
                }
            });
            List<Task> tasks = List.of(
                    k.spawnUser("alice", WORKER, 0),
                    k.spawnUser("intruder", INTRUDER, 0),
                    k.spawnUser("bob", WORKER, 0));
            out.println("Three user tasks at EL0, round-robin, one tick each. As it happens:");
            Kernel.RunResult r = k.run(100);

            out.printf("%nThe console (every write(1, ...) the tasks made):%n%s", k.console());
            out.printf("%nHow each task ended (kernel.controlBlock(task).exitReason()):%n");
            Map<String, String> reasons = new LinkedHashMap<>();
            Map<String, Long> codes = new LinkedHashMap<>();
            for (Task t : tasks) {
                String reason = k.controlBlock(t).exitReason();
                reasons.put(t.name(), reason);
                codes.put(t.name(), t.exitCode());
                out.printf("  %-9s (id %d)  %s%n", t.name(), t.id(), reason);
            }
            out.printf("%nThe TLB invalidations the kernel issued (%d, KernelEvent.Kind.TLBI):%n", tlbis.size());
            out.println("  in munmap (vale1: the last level only, the L3 table stays; vae1: all levels, the table goes):");
            for (KernelEvent e : tlbis) {
                if (e.task() >= 0) {
                    out.printf("    %-8s TLBI %s%n", e.taskName(), e.detail());
                }
            }
            out.println("  reaping, after the run (kernel stack pages are global: vaale1; code and user stack:");
            out.println("  vale1 / vae1 per page; then the whole ASID, aside1, before it can be reused):");
            List<TlbiOp> group = new ArrayList<>();
            for (KernelEvent e : tlbis) {
                if (e.task() >= 0) {
                    continue;
                }
                group.add(e.tlbi());
                if (e.tlbi() == TlbiOp.ASIDE1) {
                    out.printf("    ASID %d: %s%n", e.asid(), summarize(group));
                    group.clear();
                }
            }
            out.printf("%nAll exited: %s. Allocator: %d frames free, %d after boot: %s%n", r.allExited(),
                    k.frames().freeFrames(), k.freeFramesAfterBoot(),
                    k.frames().freeFrames() == k.freeFramesAfterBoot() ? "every frame came back, the dead task's too." : "LEAK");
            return new Outcome(k.console(), reasons, codes, tlbis, k.frames().freeFrames(), k.freeFramesAfterBoot());
        }
    }

    /** [VAALE1, VAALE1, VAE1] → "vaale1 ×2, vae1". */
    private static String summarize(List<TlbiOp> ops) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ops.size();) {
            int j = i;
            while (j < ops.size() && ops.get(j) == ops.get(i)) {
                j++;
            }
            sb.append(sb.length() > 0 ? ", " : "").append(ops.get(i).name().toLowerCase(java.util.Locale.ROOT))
                    .append(j - i > 1 ? " ×" + (j - i) : "");
            i = j;
        }
        return sb.toString();
    }

    /**
     * Entry point.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        lesson(System.out);
    }
}
