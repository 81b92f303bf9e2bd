package dev.levitate.cli;

import dev.levitate.sched.RoundRobinPolicy;
import dev.levitate.sched.Task;
import dev.levitate.sched.kernel.HtmlReport;
import dev.levitate.sched.kernel.Kernel;
import dev.levitate.sched.kernel.KernelEvent;
import dev.levitate.sched.kernel.Schedule;
import dev.levitate.sched.kernel.Timeline;
import dev.levitate.sched.kernel.TraceExport;
import dev.levitate.sched.kernel.Workload;
import dev.levitate.sim.backend.SimBackend;
import dev.levitate.sim.cpu.Cpu;
import dev.levitate.a64.SystemOperation;
import dev.levitate.sim.mmu.TlbStats;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The scenario {@code levitate demo} and {@code levitate report} both run: a kernel on the
 * simulated machine with the {@link Timeline} and one {@link Schedule} attached (with a "TLB
 * entries" counter from the simulated TLB), which the {@link TraceExport} and the
 * {@link HtmlReport} both draw from, two kernel tasks that print in turn, a user task that maps and unmaps pages, and a
 * sleeper.
 *
 * <ol>
 *   <li>{@link #DemoScenario(int, int)} boots the kernel and attaches the listeners;</li>
 *   <li>{@link #spawn()} starts the four tasks;</li>
 *   <li>{@link #run()} runs until they have all exited (and been reaped);</li>
 *   <li>the figures ({@link #machineFigures()}) and pictures are read from the fields.</li>
 * </ol>
 */
final class DemoScenario implements AutoCloseable {
    /** RAM of the simulated machine. */
    static final int RAM_MIB = 128;
    /** The timer's rate on the simulated machine (the kernel's default). */
    static final int TICK_HZ = 100;
    /** Where the mapper task maps its pages. */
    static final long MAPPER_VA = 0x2000_0000L;

    /** The options both commands take: the quantum and the rounds. */
    static final class Options {
        @Option(names = "--quantum", defaultValue = "1", paramLabel = "TICKS", description = "Round-robin quantum in ticks (default: ${DEFAULT-VALUE}; a tick is 10 ms).")
        int quantum;

        @Option(names = "--rounds", defaultValue = "10", paramLabel = "N", description = "How many letters each printing task writes (default: ${DEFAULT-VALUE}).")
        int rounds;

        @Option(names = "--policy", defaultValue = "rr", paramLabel = "POLICY", description = "Scheduling policy: rr (round-robin), fifo, priority, mlfq, stride or fair (default: ${DEFAULT-VALUE}; --quantum applies to rr, priority and stride).")
        String policy;

        /** Picocli creates the options. */
        Options() {
        }

        /** Throws a usage error if a value is out of range. */
        void validate(CommandLine cl) {
            if (quantum < 1 || quantum > 100) {
                throw new CommandLine.ParameterException(cl, "--quantum must be 1..100 ticks, got " + quantum);
            }
            if (rounds < 1 || rounds > 1000) {
                throw new CommandLine.ParameterException(cl, "--rounds must be 1..1000, got " + rounds);
            }
            if (!java.util.List.of("rr", "fifo", "priority", "mlfq", "stride", "fair").contains(policy)) {
                throw new CommandLine.ParameterException(cl, "--policy must be rr, fifo, priority, mlfq, stride or fair, got '" + policy + "'");
            }
        }

        /** The policy the options name. */
        dev.levitate.sched.SchedulingPolicy newPolicy() {
            switch (policy) {
                case "fifo": return new dev.levitate.sched.policy.FifoPolicy();
                case "priority": return new dev.levitate.sched.policy.PriorityPolicy(quantum);
                case "mlfq": return new dev.levitate.sched.policy.MlfqPolicy();
                case "stride": return new dev.levitate.sched.policy.StridePolicy(quantum);
                case "fair": return new dev.levitate.sched.policy.FairPolicy();
                default: return new RoundRobinPolicy(quantum);
            }
        }
    }

    final Kernel kernel;
    final Timeline timeline;
    final TraceExport export;
    final HtmlReport report;
    final SimBackend sim;
    final Cpu cpu;
    final long freeAfterBoot;
    private final int rounds;
    private final Map<Task, Workload> workloads = new LinkedHashMap<>();
    private long tlbiEvents;
    private long instructions;
    private double hostSeconds;
    private Kernel.RunResult result;

    /** Boots the kernel and attaches the listeners. */
    DemoScenario(dev.levitate.sched.SchedulingPolicy policy, int rounds) {
        this.rounds = rounds;
        this.kernel = Kernel.builder().ramMib(RAM_MIB).policy(policy).build();
        this.timeline = new Timeline(kernel.tickCycles());
        kernel.addListener(timeline);
        this.sim = (SimBackend) kernel.backend();
        this.cpu = sim.machine().cpu();
        // one schedule for the report and the trace, so that they tell the same story
        Schedule schedule = Schedule.attach(kernel);
        schedule.addCounter("TLB entries", () -> cpu.mmu().tlb().validEntries());
        this.export = TraceExport.of(schedule);
        this.report = HtmlReport.attach(kernel, schedule);
        kernel.addListener(e -> {
            if (e.kind() == KernelEvent.Kind.TLBI) {
                tlbiEvents++;
            }
        });
        this.freeAfterBoot = kernel.frames().freeFrames();
    }

    /** Spawns the four tasks; returns them with their workloads, in spawn order. */
    Map<Task, Workload> spawn() {
        long tick = kernel.tickCycles();
        Workload a = Workload.named("A").write("A").compute(tick * 3 / 2).repeat(rounds).exit(1);
        Workload b = Workload.named("B").write("B").compute(tick * 3 / 2).repeat(rounds).exit(2);
        Workload mapper = Workload.named("mapper").touchPages(MAPPER_VA, 8).sleep(2).repeat(4).write("[mapper done]").exit(3);
        Workload sleeper = Workload.named("sleeper").sleep(5).write("z").repeat(3).exit(4);
        workloads.put(kernel.spawn(a), a);
        workloads.put(kernel.spawn(b), b);
        workloads.put(kernel.spawnUser(mapper), mapper);
        workloads.put(kernel.spawn(sleeper), sleeper);
        return Collections.unmodifiableMap(workloads);
    }

    /** Runs until every task has exited (at most 100,000 ticks), timing the host. */
    Kernel.RunResult run() {
        long hostStart = System.nanoTime();
        long instructionsBefore = cpu.instructions();
        result = kernel.run(100_000);
        hostSeconds = (System.nanoTime() - hostStart) / 1e9;
        instructions = cpu.instructions() - instructionsBefore;
        return result;
    }

    /** Instructions the run executed. */
    long instructions() {
        return instructions;
    }

    /** Host seconds the run took. */
    double hostSeconds() {
        return hostSeconds;
    }

    /** TLBI events the kernel reported. */
    long tlbiEvents() {
        return tlbiEvents;
    }

    /** True if every task exited and every frame came back. */
    boolean clean() {
        return result != null && result.allExited() && kernel.frames().freeFrames() == freeAfterBoot;
    }

    /** The simulated machine's figures the kernel cannot know, for {@link HtmlReport#render(Map)}. */
    Map<String, String> machineFigures() {
        TlbStats s = cpu.mmu().stats();
        Map<String, String> m = new LinkedHashMap<>();
        m.put("instructions", fmt("%,d", instructions));
        if (result != null) {
            m.put("cycles", fmt("%,d (%.3f s simulated)", result.cycles(), result.cycles() / (double) kernel.coreHz()));
        }
        m.put("idle in WFI", fmt("%,d cycles", cpu.idleCycles()));
        m.put("host speed", hostSeconds > 0 ? fmt("%.1f MIPS", instructions / hostSeconds / 1e6) : "-");
        m.put("exceptions taken", fmt("%,d", cpu.exceptionsTaken()));
        m.put("interrupts acknowledged at the GIC", fmt("%,d", sim.machine().gic().acknowledged()));
        m.put("TLB hits / misses", fmt("%,d / %,d", s.hits(), s.misses()));
        m.put("TLB walks", fmt("%,d (%.2f descriptor reads each)", s.walks(), s.readsPerWalk()));
        List<String> ops = new ArrayList<>();
        for (SystemOperation op : new SystemOperation[] {SystemOperation.TLBI_VAE1IS, SystemOperation.TLBI_VALE1IS,
            SystemOperation.TLBI_VAAE1IS, SystemOperation.TLBI_VAALE1IS, SystemOperation.TLBI_ASIDE1IS}) {
            ops.add(op.name().substring("TLBI_".length()) + " " + s.invalidations(op));
        }
        m.put("TLBI the TLB saw", String.join(", ", ops));
        return m;
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    @Override
    public void close() {
        kernel.close();
    }
}
