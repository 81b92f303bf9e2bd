package dev.levitate.cli;

import dev.levitate.core.alloc.BuddyAllocator;
import dev.levitate.core.mem.PhysicalMemory;
import dev.levitate.core.tlb.TlbMaintenance;
import dev.levitate.mmu.Attributes;
import dev.levitate.mmu.PageTable;
import dev.levitate.sched.RoundRobinPolicy;
import dev.levitate.sched.kernel.Kernel;
import dev.levitate.sched.kernel.Workload;
import dev.levitate.sim.cpu.CpuConfig;
import dev.levitate.sim.cpu.StopKind;
import dev.levitate.a64.A64Assembler;
import dev.levitate.a64.SystemRegister;
import dev.levitate.sim.machine.Machine;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code levitate bench}: quick side-by-side measurements, each against a peer in the same run.
 * For publishable figures use the JMH benchmarks (docs/benchmarks.md); this command is for a first
 * look on a new machine, with progress on stderr.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Quick speed figures, each beside a peer measured in the same run.", "",
            "Quick measurements, each beside a peer in the same run (figures for publication: the JMH benchmarks, see docs/benchmarks.md):",
            "  simulator MIPS, fixed timing vs the general interpreter alone vs the A53 cycle model vs the MMU on",
            "  (an ALU loop: the A53 model's best case, where its timing is memoised in the compiled block and it",
            "  runs about as fast as fixed timing; on a real C program it is 1.5 to 2.5 times slower: docs/benchmarks.md);",
            "  guest context switches of the kernel vs a Java thread handoff;",
            "  page-table map+unmap with O(1) valid-entry counts vs rescanning each table."})
public final class BenchCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--seconds", defaultValue = "2", paramLabel = "SECONDS", description = "Measuring time per figure, after as long again of warm-up (default: ${DEFAULT-VALUE}).")
    private double seconds;

    /** Creates the command (picocli instantiates it). */
    public BenchCommand() {
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (seconds < 0.1 || seconds > 60) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--seconds must be 0.1..60, got " + seconds);
        }
        out.printf(Locale.ROOT, "Levitate bench (%.1f s per figure after %.1f s of warm-up; %d cores, %s)%n%n",
                seconds, seconds, Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"));
        out.printf(Locale.ROOT, "%-58s %16s%n", "measurement", "per second");

        row(out, err, "simulator: ALU loop, fixed timing (million instr.)", loop(CpuConfig.Timing.FIXED, false), 1e6);
        row(out, err, "simulator: same loop, no compiled tier (million instr.)", loop(CpuConfig.defaults().withCompiledTier(0), false), 1e6);
        row(out, err, "simulator: same loop, no fast tier (million instr.)", loop(CpuConfig.defaults().withFastTier(false), false), 1e6);
        row(out, err, "simulator: same loop, A53 cycle model, best case (million)", loop(CpuConfig.Timing.A53, false), 1e6);
        row(out, err, "simulator: same loop, MMU on (million instr.)", loop(CpuConfig.Timing.FIXED, true), 1e6);
        row(out, err, "kernel: guest context switches, 2 yielding tasks", guestSwitches(), 1);
        row(out, err, "peer: Java thread handoffs (park/unpark, 2 switches)", threadHandoffs(), 1);
        row(out, err, "page table: map+unmap pairs, O(1) counts", pageTablePairs(PageTable.EmptyTableDetection.COUNTS), 1);
        row(out, err, "peer: map+unmap pairs, rescanning 512 entries", pageTablePairs(PageTable.EmptyTableDetection.RESCAN), 1);
        out.println();
        out.println("QEMU beside the simulator on the same ELF: benchmarks/sim/vs-qemu.sh (needs qemu-system-aarch64 and the cross compiler).");
        return 0;
    }

    /** A workload: each call does some units of work and returns how many. */
    private void row(PrintWriter out, PrintWriter err, String name, LongSupplier work, double unit) {
        err.printf("levitate bench: %s ...%n", name);
        err.flush();
        measure(work, seconds);
        double rate = measure(work, seconds);
        out.printf(Locale.ROOT, "%-58s %,16.1f%n", name, rate / unit);
        out.flush();
    }

    private static double measure(LongSupplier work, double seconds) {
        long units = 0;
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long now;
        do {
            units += work.getAsLong();
            now = System.nanoTime();
        } while (now < end);
        return units / ((now - start) / 1e9);
    }

    /** 8 ALU instructions and a branch per iteration; with the MMU on, an identity map of RAM. */
    private static LongSupplier loop(CpuConfig.Timing timing, boolean mmu) {
        return loop(CpuConfig.defaults().withTiming(timing), mmu);
    }

    private static LongSupplier loop(CpuConfig config, boolean mmu) {
        Machine m = new Machine(16L << 20, config, b -> { }, b -> { }, b -> { });
        long code = Machine.RAM_BASE + 0x10_0000;
        A64Assembler a = new A64Assembler(code);
        A64Assembler.Label top = a.label();
        a.bind(top);
        a.add(1, 1, 2).add(3, 3, 1).sub(4, 3, 2).add(5, 5, 4).add(6, 6, 5).sub(7, 6, 1).add(8, 8, 7).addImm(2, 2, 1);
        a.b(top);
        byte[] bytes = a.assembleBytes();
        m.ram().write(code, bytes, 0, bytes.length);
        if (mmu) {
            long l1 = Machine.RAM_BASE + 0x1000;
            m.ram().write64(l1 + 8, Machine.RAM_BASE | 1 << 10 | 3 << 8 | 1); // 1 GiB block, AF, inner shareable, MAIR index 0
            m.cpu().setSystemRegister(SystemRegister.MAIR_EL1, 0xFF);
            m.cpu().setSystemRegister(SystemRegister.TCR_EL1, 25L | 25L << 16 | 2L << 30);
            m.cpu().setSystemRegister(SystemRegister.TTBR0_EL1, l1);
            m.cpu().setSystemRegister(SystemRegister.SCTLR_EL1, m.cpu().systemRegister(SystemRegister.SCTLR_EL1) | 1);
        }
        m.cpu().setPc(code);
        return () -> {
            long before = m.cpu().instructions();
            StopKind k = m.run(5_000_000);
            if (k != StopKind.BUDGET) {
                throw new IllegalStateException("benchmark loop stopped: " + k);
            }
            return m.cpu().instructions() - before;
        };
    }

    private static LongSupplier guestSwitches() {
        Kernel k = Kernel.builder().ramMib(32).policy(new RoundRobinPolicy(1)).build();
        for (int i = 0; i < 2; i++) {
            k.spawn(Workload.named("y" + i).yield().repeat(1_000_000_000).exit(0));
        }
        return () -> k.run(1).switches();
    }

    private static LongSupplier threadHandoffs() {
        Thread me = Thread.currentThread();
        boolean[] flag = new boolean[1];
        Object lock = new Object();
        Thread other = new Thread(() -> {
            while (true) {
                LockSupport.park();
                synchronized (lock) {
                    if (!flag[0]) {
                        continue;
                    }
                    flag[0] = false;
                }
                LockSupport.unpark(me);
            }
        });
        other.setDaemon(true);
        other.start();
        return () -> {
            for (int i = 0; i < 1000; i++) {
                synchronized (lock) {
                    flag[0] = true;
                }
                LockSupport.unpark(other);
                while (true) {
                    synchronized (lock) {
                        if (!flag[0]) {
                            break;
                        }
                    }
                    LockSupport.park();
                }
            }
            return 2000;
        };
    }

    private static LongSupplier pageTablePairs(PageTable.EmptyTableDetection detection) {
        PhysicalMemory ram = PhysicalMemory.of(0x4000_0000L, 64L << 20);
        BuddyAllocator frames = BuddyAllocator.builder().regions(ram).zeroOnAllocate(ram).build();
        PageTable pt = PageTable.builder(ram, frames, TlbMaintenance.none()).asid(1).emptyTableDetection(detection).build();
        long base = 0x1000_0000L;
        for (int i = 0; i < 256; i++) { // a populated region, so no table empties
            pt.map(base + 4096L * i, 0x4100_0000L + 4096L * i, Attributes.USER_DATA);
        }
        return () -> {
            for (int i = 0; i < 10_000; i++) {
                long va = base + 4096L * (256 + (i & 127));
                pt.map(va, 0x4200_0000L, Attributes.USER_DATA);
                pt.unmap(va);
            }
            return 10_000;
        };
    }
}
