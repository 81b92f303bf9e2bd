package dev.levitate.cli;

import dev.levitate.sched.Task;
import dev.levitate.sched.kernel.Kernel;
import dev.levitate.sched.kernel.TaskControlBlock;
import dev.levitate.sched.kernel.Workload;
import dev.levitate.sim.cpu.Cpu;
import dev.levitate.a64.SystemOperation;
import dev.levitate.sim.mmu.TlbStats;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code levitate demo}: boots the kernel on the simulated machine, runs a handful of tasks under
 * round-robin with timer preemption, and shows what happened: the console, a timeline, per-task
 * statistics, and the machine's TLB, interrupt and allocator figures.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Boot the kernel on the simulator: tasks, timer preemption, a timeline.", "",
            "Boot the Levitate kernel on the simulated AArch64 machine (QEMU virt layout) and run a handful of tasks under round-robin with timer preemption: two kernel tasks that print in turn (A and B interleave because the timer takes the CPU away), a user task in its own address space that maps and unmaps pages, and a sleeper. Then: a timeline, per-task statistics, and the TLB, interrupt and allocator figures. (The memory machinery on its own: 'levitate tour'.)"})
public final class DemoCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    private DemoScenario.Options options = new DemoScenario.Options();

    @Option(names = "--trace", paramLabel = "FILE", description = "Also write a Chrome/Perfetto trace of the run to FILE (open it at ui.perfetto.dev); missing directories are made.")
    private Path trace;

    @Option(names = "--html", paramLabel = "FILE", description = "Also write a self-contained HTML report to FILE (timeline, statistics, page tables; open it in a browser); missing directories are made.")
    private Path html;

    @Option(names = "--width", defaultValue = "100", paramLabel = "TICKS", description = "Timeline width in ticks per line, " + MIN_WIDTH + ".." + MAX_WIDTH + " (default: ${DEFAULT-VALUE}).")
    private int width;

    /** The narrowest timeline {@link dev.levitate.sched.kernel.Timeline#render} draws. */
    static final int MIN_WIDTH = 10;
    /** The widest timeline accepted. */
    static final int MAX_WIDTH = 1000;

    /** Creates the command (picocli instantiates it). */
    public DemoCommand() {
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        options.validate(spec.commandLine());
        if (width < MIN_WIDTH || width > MAX_WIDTH) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--width must be " + MIN_WIDTH + ".." + MAX_WIDTH + " ticks, got " + width);
        }
        if (trace != null) {
            CliFiles.checkWritable(trace, "trace");
        }
        if (html != null) {
            CliFiles.checkWritable(html, "HTML report");
        }
        try (DemoScenario d = new DemoScenario(options.newPolicy(), options.rounds)) {
            Kernel k = d.kernel;
            Cpu cpu = d.cpu;
            long boot = d.freeAfterBoot;
            out.println("Levitate demo — a small kernel on the simulated AArch64 machine");
            out.printf(Locale.ROOT, "Machine: QEMU virt layout, Cortex-A53-like core at %d MHz, generic timer at %d Hz, GICv2, %d MiB RAM%n",
                    k.coreHz() / 1_000_000, DemoScenario.TICK_HZ, DemoScenario.RAM_MIB);
            out.printf(Locale.ROOT, "Kernel:  TTBR1 maps RAM and devices at 0x%x + PA (built with levitate-mmu, %d tables, walked by the simulated MMU)%n",
                    Kernel.KERNEL_BASE, k.kernelSpace().tables().size());
            out.printf(Locale.ROOT, "         %,d frames free after boot; policy: %s%n%n", boot, k.policy().name());

            Map<Task, Workload> tasks = d.spawn();
            out.println("Tasks:");
            for (Map.Entry<Task, Workload> e : tasks.entrySet()) {
                Task t = e.getKey();
                TaskControlBlock tcb = k.controlBlock(t);
                out.printf(Locale.ROOT, "  %2d %-8s %-6s %s%n", t.id(), t.name(), tcb.isUser() ? "EL0" : "EL1",
                        String.join(", ", e.getValue().steps()) + (tcb.isUser() ? "  (own address space, " + (tcb.addressSpace().asid() < 0
                                ? "an ASID when it first runs)" : "ASID " + tcb.addressSpace().asid() + ")") : ""));
            }

            Kernel.RunResult r = d.run();
            long instructions = d.instructions();

            out.println();
            out.println("Console (what the tasks wrote with the write system call):");
            out.println("  " + k.console().replace("\n", "\n  "));
            out.println();
            out.printf(Locale.ROOT, "Timeline (%d ticks of %d ms):%n", r.ticks(), 1000 / DemoScenario.TICK_HZ);
            out.print(d.timeline.render(width));
            out.println();
            out.println("Per task:");
            out.printf(Locale.ROOT, "  %2s %-8s %12s %9s %11s %9s %12s  %s%n", "id", "name", "cycles run", "switched", "preempted", "yielded", "wait (ms)", "end");
            for (Task t : k.tasks()) {
                TaskControlBlock tcb = k.controlBlock(t);
                out.printf(Locale.ROOT, "  %2d %-8s %,12d %,9d %,11d %,9d %12.1f  %s%n", t.id(), t.name(), t.cyclesRun(), t.timesScheduled(),
                        t.preemptions(), t.voluntarySwitches(), tcb.waitCycles() * 1000.0 / k.coreHz(), tcb.exitReason());
            }
            out.println();
            TlbStats s = cpu.mmu().stats();
            out.printf(Locale.ROOT, "Machine: %,d instructions, %,d cycles (%.3f s simulated, %,d idle in WFI); %.1f MIPS on this host,"
                    + " %.0f%% of the instructions in the fast tier (%.0f%% in %,d compiled blocks)%n"
                    + "         (a run this short is mostly the JIT warming up; `levitate bench` shows the simulator's steady speed)%n",
                    instructions, r.cycles(), r.cycles() / (double) k.coreHz(), cpu.idleCycles(), instructions / d.hostSeconds() / 1e6,
                    instructions == 0 ? 0.0 : 100.0 * cpu.fastTierInstructions() / instructions,
                    instructions == 0 ? 0.0 : 100.0 * cpu.compiledInstructions() / instructions, cpu.compiledBlocks());
            out.printf(Locale.ROOT, "         %,d exceptions taken, %,d interrupts acknowledged at the GIC, %,d context switches%n",
                    cpu.exceptionsTaken(), d.sim.machine().gic().acknowledged(), r.switches());
            out.printf(Locale.ROOT, "TLB:     %,d hits, %,d misses, %,d walks (%.2f descriptor reads each), %,d TLBI from the kernel (VAE1 %d, VALE1 %d, VAAE1 %d, VAALE1 %d, ASIDE1 %d)%n",
                    s.hits(), s.misses(), s.walks(), s.readsPerWalk(), d.tlbiEvents(),
                    s.invalidations(SystemOperation.TLBI_VAE1IS), s.invalidations(SystemOperation.TLBI_VALE1IS),
                    s.invalidations(SystemOperation.TLBI_VAAE1IS), s.invalidations(SystemOperation.TLBI_VAALE1IS),
                    s.invalidations(SystemOperation.TLBI_ASIDE1IS));
            long after = k.frames().freeFrames();
            out.printf(Locale.ROOT, "Memory:  %,d frames free after boot, %,d after every task was reaped: %s%n", boot, after,
                    after == boot ? "every stack, page, table and ASID came back" : (boot - after) + " FRAMES LEAKED");
            if (trace != null) {
                CliFiles.write(trace, d.export.toJson().getBytes(StandardCharsets.UTF_8), "trace");
                out.printf("Trace:   %s (%,d events; open it at ui.perfetto.dev)%n", trace, d.export.size());
            }
            if (html != null) {
                ReportCommand.writeHtml(d, html, out);
            }
            return d.clean() ? 0 : 1;
        }
    }
}
