package example;

import dev.levitate.sched.RoundRobinPolicy;
import dev.levitate.sched.SchedulingPolicy;
import dev.levitate.sched.Task;
import dev.levitate.sched.kernel.Kernel;
import dev.levitate.sched.kernel.KernelEvent;
import dev.levitate.sched.kernel.KernelListener;
import dev.levitate.sched.kernel.Timeline;
import dev.levitate.sched.kernel.Workload;
import dev.levitate.sched.policy.FairPolicy;
import dev.levitate.sched.policy.MlfqPolicy;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Teaches one thing: what a multi-level feedback queue buys over round-robin. The same workload —
 * three CPU-bound hogs, then three interactive tasks that arrive a little later and compute a
 * little before sleeping — runs on the kernel on the simulator under each policy, and the times
 * are measured from the kernel's own events:
 * <ul>
 *   <li>response time: first SWITCH to the task − its SPAWN;</li>
 *   <li>wake latency: each SWITCH to the task − the WAKE just before it (how long an interactive
 *       task that became ready waits for the CPU, burst after burst);</li>
 *   <li>turnaround time: EXIT − SPAWN.</li>
 * </ul>
 * Cycles become simulated milliseconds with {@link Kernel#coreHz()}.
 */
public final class RrVsMlfq {
    /** The hogs: each computes about this many cycles (30 ticks at 100 MHz / 100 Hz). */
    static final long HOG_CYCLES = 30_000_000L;
    /** Number of hogs and of interactive tasks. */
    static final int HOGS = 3;
    static final int INTERACTIVE = 3;
    /** Ticks the hogs run alone before the interactive tasks arrive. */
    static final int HEAD_START_TICKS = 12;
    /** The round-robin quantum, in ticks: MLFQ's bottom-level quantum, so hogs get the same slice. */
    static final int RR_QUANTUM = 4;

    private RrVsMlfq() {
    }

    /** One task's figures, in milliseconds. */
    public record TaskTimes(String name, boolean interactive, double responseMs, double turnaroundMs,
                            double meanWakeLatencyMs, boolean exited) {
    }

    /** One policy's run. */
    public record Run(String policy, List<TaskTimes> tasks, String timeline, long switches) {
        /**
         * Returns the mean of a figure over one class of task.
         *
         * @param interactive which class
         * @param figure which figure
         * @return the mean
         */
        public double mean(boolean interactive, java.util.function.ToDoubleFunction<TaskTimes> figure) {
            return tasks.stream().filter(t -> t.interactive() == interactive).mapToDouble(figure).average().orElse(Double.NaN);
        }
    }

    /** Collects SPAWN, WAKE, SWITCH and EXIT per task, in cycles. */
    private static final class Stopwatch implements KernelListener {
        final Map<Integer, Long> spawn = new LinkedHashMap<>();
        final Map<Integer, Long> firstRun = new LinkedHashMap<>();
        final Map<Integer, Long> exit = new LinkedHashMap<>();
        final Map<Integer, Long> wokeAt = new LinkedHashMap<>();
        final Map<Integer, List<Long>> wakeLatencies = new LinkedHashMap<>();

        @Override
        public void event(KernelEvent e) {
            int id = e.task();
            switch (e.kind()) {
                case SPAWN -> spawn.put(id, e.cycles());
                case WAKE -> wokeAt.put(id, e.cycles());
                case SWITCH -> {
                    firstRun.putIfAbsent(id, e.cycles());
                    Long woke = wokeAt.remove(id);
                    if (woke != null) {
                        wakeLatencies.computeIfAbsent(id, k -> new ArrayList<>()).add(e.cycles() - woke);
                    }
                }
                case EXIT -> exit.put(id, e.cycles());
                default -> { }
            }
        }
    }

    /**
     * Runs the workload under one policy.
     *
     * @param policy the policy
     * @return the figures
     */
    public static Run run(SchedulingPolicy policy) {
        try (Kernel k = Kernel.builder().ramMib(64).policy(policy).build()) {
            Timeline timeline = new Timeline(k.tickCycles());
            Stopwatch watch = new Stopwatch();
            k.addListener(timeline);
            k.addListener(watch);
            Map<Task, Boolean> interactive = new LinkedHashMap<>();
            for (int i = 1; i <= HOGS; i++) {
                interactive.put(k.spawn(Workload.named("hog" + i).compute(HOG_CYCLES).exit(0)), false);
            }
            k.run(HEAD_START_TICKS);
            for (int i = 1; i <= INTERACTIVE; i++) {
                // about a fifth of a tick of work, then a two-tick sleep (waiting for the "user"), ten times
                interactive.put(k.spawn(Workload.named("ui" + i).compute(200_000).sleep(2).repeat(10).exit(0)), true);
            }
            Kernel.RunResult r = k.run(1_000);
            double msPerCycle = 1000.0 / k.coreHz();
            List<TaskTimes> times = new ArrayList<>();
            for (Map.Entry<Task, Boolean> t : interactive.entrySet()) {
                int id = t.getKey().id();
                long spawned = watch.spawn.get(id);
                Long exited = watch.exit.get(id);
                List<Long> lat = watch.wakeLatencies.getOrDefault(id, List.of());
                double meanLat = lat.stream().mapToLong(Long::longValue).average().orElse(0) * msPerCycle;
                times.add(new TaskTimes(t.getKey().name(), t.getValue(),
                        (watch.firstRun.get(id) - spawned) * msPerCycle,
                        exited == null ? Double.NaN : (exited - spawned) * msPerCycle,
                        meanLat, exited != null && r.allExited()));
            }
            return new Run(policy.name(), times, timeline.render(120), r.switches());
        }
    }

    /**
     * Runs the lesson: the workload under round-robin, MLFQ and the fair policy, with the figures.
     *
     * @param out where to print
     * @return the runs, by policy: "rr", "mlfq", "fair"
     */
    public static Map<String, Run> lesson(PrintStream out) {
        Map<String, Supplier<SchedulingPolicy>> policies = new LinkedHashMap<>();
        policies.put("rr", () -> new RoundRobinPolicy(RR_QUANTUM));
        policies.put("mlfq", MlfqPolicy::new);
        policies.put("fair", FairPolicy::new);
        Map<String, Run> runs = new LinkedHashMap<>();
        out.printf("Workload: %d hogs (%,d cycles each) start at tick 0; %d interactive tasks (compute 0.2 tick,%n"
                + "sleep 2 ticks, 10 times) arrive at tick %d. 1 tick = 10 ms.%n", HOGS, HOG_CYCLES, INTERACTIVE, HEAD_START_TICKS);
        for (Map.Entry<String, Supplier<SchedulingPolicy>> p : policies.entrySet()) {
            Run run = run(p.getValue().get());
            runs.put(p.getKey(), run);
            out.printf("%n== %s (%d context switches)%n", run.policy(), run.switches());
            out.printf("%-6s %-12s %14s %16s %16s%n", "task", "class", "response ms", "wake latency ms", "turnaround ms");
            for (TaskTimes t : run.tasks()) {
                out.printf("%-6s %-12s %14.1f %16s %16.1f%n", t.name(), t.interactive() ? "interactive" : "hog",
                        t.responseMs(), t.interactive() ? String.format("%.1f", t.meanWakeLatencyMs()) : "-", t.turnaroundMs());
            }
            out.printf("mean   %-12s %14.1f %16.1f %16.1f%n", "interactive", run.mean(true, TaskTimes::responseMs),
                    run.mean(true, TaskTimes::meanWakeLatencyMs), run.mean(true, TaskTimes::turnaroundMs));
            out.printf("mean   %-12s %14.1f %16s %16.1f%n", "hog", run.mean(false, TaskTimes::responseMs), "-",
                    run.mean(false, TaskTimes::turnaroundMs));
            out.println("Timeline, first 60 ticks:");
            out.print(excerpt(run.timeline(), 60));
        }
        Run rr = runs.get("rr");
        Run mlfq = runs.get("mlfq");
        out.printf("%nWhat it shows: under round-robin an interactive task that arrives or wakes waits behind every%n"
                + "hog's %d-tick quantum (mean response %.1f ms, wake latency %.1f ms). MLFQ starts every new task at%n"
                + "the top level and the hogs have used up their allotment and sunk, so the interactive tasks run%n"
                + "almost at once (%.1f ms, %.1f ms) and finish sooner (turnaround %.1f ms against %.1f ms). The hogs%n"
                + "pay little for it: their mean turnaround is %.1f ms under MLFQ against %.1f ms under round-robin,%n"
                + "because the CPU time is the same, only its order changes.%n",
                RR_QUANTUM, rr.mean(true, TaskTimes::responseMs), rr.mean(true, TaskTimes::meanWakeLatencyMs),
                mlfq.mean(true, TaskTimes::responseMs), mlfq.mean(true, TaskTimes::meanWakeLatencyMs),
                mlfq.mean(true, TaskTimes::turnaroundMs), rr.mean(true, TaskTimes::turnaroundMs),
                mlfq.mean(false, TaskTimes::turnaroundMs), rr.mean(false, TaskTimes::turnaroundMs));
        return runs;
    }

    /** The first {@code ticks} columns of a rendered timeline (its first block, without the legend). */
    private static String excerpt(String rendered, int ticks) {
        StringBuilder out = new StringBuilder();
        String[] lines = rendered.split("\n");
        int blockLines = 0;
        for (int i = 1; i < lines.length && !lines[i].startsWith("  #") && !lines[i].contains("tick "); i++) {
            blockLines++;
        }
        for (int i = 0; i <= blockLines; i++) {
            String line = lines[i];
            int bar = line.indexOf('|');
            if (i == 0) {
                out.append(line.replaceFirst("tick \\d+\\.\\.\\d+", "tick 0.." + (ticks - 1))).append('\n');
            } else {
                out.append(line, 0, Math.min(line.length(), bar + 1 + ticks)).append('\n');
            }
        }
        out.append(lines[lines.length - 1]).append('\n');
        return out.toString();
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
