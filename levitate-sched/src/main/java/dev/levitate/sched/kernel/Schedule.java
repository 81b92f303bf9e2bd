package dev.levitate.sched.kernel;

import dev.levitate.sched.Task;
import dev.levitate.sched.TaskIds;
import dev.levitate.sched.policy.MlfqPolicy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The schedule as it happened: the one model of "which task was doing what, when" that the
 * {@link HtmlReport} draws and the {@link TraceExport} writes, so that the picture and the trace
 * cannot disagree. A {@link KernelListener} that turns the kernel's events into stretches, marks,
 * ticks and counter samples.
 *
 * <h2>The state machine (one open stretch per task)</h2>
 * <pre>
 *   SPAWN                      → READY
 *   SWITCH to t                → ends t's READY, starts t's RUN (and ends the previous task's RUN:
 *                                 the idle task leaves the CPU without an event of its own)
 *   PREEMPT, YIELD             → ends RUN, starts READY
 *   SLEEP / BLOCK              → ends RUN, starts SLEEP / BLOCK
 *   WAKE                       → ends SLEEP or BLOCK, starts READY
 *   EXIT                       → ends RUN; nothing after it is the task's own time
 * </pre>
 * So a task's READY stretches add up to exactly the wait the kernel accounts
 * ({@link TaskControlBlock#waitCycles()}): both run from the moment it was made ready to the
 * SWITCH that gave it the CPU. The RUN stretches of all tasks, the idle task's included, are the
 * CPU's track: they never overlap.
 *
 * <h2>Marks and the kernel lane</h2>
 * Point events (preempt, yield, exit, map, unmap, table freed, TLBI, reap) become {@link Mark}s at
 * their real cycle. Work the kernel does once a task has exited — reaping its stack, tables and
 * address space at the end of a run — is not the task's: it goes on the {@link #KERNEL} lane, with
 * the task it was for in {@link Mark#task()}. So are TLBIs issued with no task running.
 *
 * <h2>Levels and counters</h2>
 * When the kernel's policy is an {@link MlfqPolicy}, each RUN stretch carries the level the task
 * was dispatched from ({@link Stretch#level()}, -1 otherwise). Counters ({@link #addCounter}) are
 * sampled after every event and kept only when their value changes; {@link #attach(Kernel)} adds
 * the allocator's free frames.
 *
 * <p>Belongs to the kernel's thread, like every listener. Listening costs an object or two per
 * event; it is meant for teaching runs, not for the hot path of a benchmark.
 */
public final class Schedule implements KernelListener {
    /** The lane id of work the kernel does on no live task's behalf (reaping, TLB maintenance with no task running). */
    public static final int KERNEL = 0;

    /** What a task was doing during a stretch of time. */
    public enum Activity {
        /** On the CPU. */
        RUN,
        /** Ready, waiting for the CPU. */
        READY,
        /** Sleeping until a tick. */
        SLEEP,
        /** Blocked (join, semaphore, mutex). */
        BLOCK
    }

    /**
     * One stretch of one task, in cycles.
     *
     * @param task the task's id
     * @param activity what it was doing
     * @param from the cycle it began
     * @param to the cycle it ended ({@code >= from})
     * @param level the MLFQ level a RUN stretch was dispatched from, or -1
     * @param note how it ended ("preempted: quantum expired", "got the CPU", ...)
     */
    public record Stretch(int task, Activity activity, long from, long to, int level, String note) {
        /**
         * Returns the length.
         *
         * @return {@code to - from} cycles
         */
        public long cycles() {
            return to - from;
        }
    }

    /**
     * A point event, on the lane it is drawn on.
     *
     * @param lane the task whose lane it belongs on, or {@link #KERNEL}
     * @param task the task it concerns (its id), or -1
     * @param kind what happened
     * @param cycles when, in cycles
     * @param tick the tick it happened in
     * @param detail the event's detail
     */
    public record Mark(int lane, int task, KernelEvent.Kind kind, long cycles, long tick, String detail) {
    }

    /**
     * A timer tick.
     *
     * @param tick its number
     * @param cycles the cycle the kernel handled it at
     */
    public record Tick(long tick, long cycles) {
    }

    /**
     * A counter's value from a cycle on.
     *
     * @param cycles when it took this value
     * @param value the value
     */
    public record Sample(long cycles, long value) {
    }

    private final long coreHz;
    private final Kernel kernel;
    private final List<Stretch> stretches = new ArrayList<>();
    private final List<Mark> marks = new ArrayList<>();
    private final List<Tick> ticks = new ArrayList<>();
    private final Map<Integer, String> names = new TreeMap<>();
    private final Map<Integer, Task> handles = new HashMap<>();
    private final Map<Integer, Activity> open = new HashMap<>();
    private final Map<Integer, Long> openSince = new HashMap<>();
    private final Map<Integer, Integer> openLevel = new HashMap<>();
    private final Map<Integer, Boolean> exited = new HashMap<>();
    private final Map<String, LongSupplier> counters = new LinkedHashMap<>();
    private final Map<String, List<Sample>> samples = new LinkedHashMap<>();
    private int running = -1;
    private long lastCycles;
    private long events;

    /**
     * Creates a schedule that knows only what the events say (no MLFQ levels, no counters until
     * {@link #addCounter} is called); add it with {@link Kernel#addListener} before spawning.
     *
     * @param coreHz the kernel's core clock ({@link Kernel#coreHz()}), for {@link #micros(long)}
     * @throws IllegalArgumentException if {@code coreHz} is not positive
     */
    public Schedule(long coreHz) {
        this(coreHz, null);
    }

    private Schedule(long coreHz, Kernel kernel) {
        if (coreHz <= 0) {
            throw new IllegalArgumentException("the core clock must be positive, got " + coreHz + " Hz");
        }
        this.coreHz = coreHz;
        this.kernel = kernel;
        names.put(TaskIds.IDLE, "idle");
    }

    /**
     * Creates a schedule and adds it to the kernel's listeners, with the MLFQ level of each RUN
     * stretch (when the policy is an {@link MlfqPolicy}) and a "free frames" counter; attach it
     * before spawning so it sees every task from the start.
     *
     * @param kernel the kernel to watch
     * @return the schedule
     */
    public static Schedule attach(Kernel kernel) {
        Schedule s = new Schedule(kernel.coreHz(), Objects.requireNonNull(kernel, "kernel"));
        s.addCounter("free frames", () -> kernel.frames().freeFrames());
        kernel.addListener(s);
        return s;
    }

    /**
     * Adds a counter, sampled now and after every event (kept when it changes): "free frames",
     * "TLB entries"...
     *
     * @param name its name, unique
     * @param value reads the value; called on the kernel's thread
     * @throws IllegalArgumentException if the name is already taken
     */
    public void addCounter(String name, LongSupplier value) {
        Objects.requireNonNull(value, "value");
        if (counters.putIfAbsent(Objects.requireNonNull(name, "name"), value) != null) {
            throw new IllegalArgumentException("a counter named '" + name + "' exists already");
        }
        List<Sample> list = new ArrayList<>();
        list.add(new Sample(lastCycles, value.getAsLong()));
        samples.put(name, list);
    }

    // ------------------------------------------------------------------ the state machine

    @Override
    public void event(KernelEvent e) {
        events++;
        lastCycles = Math.max(lastCycles, e.cycles());
        int id = e.task();
        long c = e.cycles();
        switch (e.kind()) {
            case SPAWN -> {
                names.put(id, nameOf(id, e.detail()));
                begin(id, Activity.READY, c, -1);
            }
            case SWITCH -> {
                if (running >= 0) {
                    end(running, c, running == id ? "dispatched again" : "switched away");
                }
                end(id, c, "got the CPU");
                running = id;
                begin(id, Activity.RUN, c, levelOf(id));
            }
            case PREEMPT, YIELD -> {
                mark(e);
                end(id, c, e.kind() == KernelEvent.Kind.PREEMPT ? "preempted: " + e.detail() : "yielded");
                leaveCpu(id);
                begin(id, Activity.READY, c, -1);
            }
            case SLEEP, BLOCK -> {
                end(id, c, e.kind() == KernelEvent.Kind.SLEEP ? "went to sleep: " + e.detail() : "blocked: " + e.detail());
                leaveCpu(id);
                begin(id, e.kind() == KernelEvent.Kind.SLEEP ? Activity.SLEEP : Activity.BLOCK, c, -1);
            }
            case WAKE -> {
                end(id, c, "woke");
                begin(id, Activity.READY, c, -1);
            }
            case EXIT -> {
                mark(e);
                end(id, c, "exited: " + e.detail());
                leaveCpu(id);
                exited.put(id, true);
            }
            case TICK -> ticks.add(new Tick(e.tick(), c));
            case MAP, UNMAP, TABLE_FREED, TLBI, REAP -> mark(e);
            default -> {
            }
        }
        sample(c);
    }

    private String nameOf(int id, String detail) {
        if (kernel != null) {
            for (Task t : kernel.tasks()) {
                if (t.id() == id) {
                    handles.put(id, t);
                    return t.name();
                }
            }
        }
        int q = detail.indexOf('\'');
        int r = detail.lastIndexOf('\'');
        return q >= 0 && r > q ? detail.substring(q + 1, r) : "task " + id;
    }

    private int levelOf(int id) {
        if (kernel != null && kernel.policy() instanceof MlfqPolicy m) {
            Task t = handles.get(id);
            return t == null ? -1 : m.level(t);
        }
        return -1;
    }

    private void leaveCpu(int id) {
        if (running == id) {
            running = -1;
        }
    }

    private void mark(KernelEvent e) {
        int id = e.task();
        boolean live = id > 0 && names.containsKey(id) && !exited.containsKey(id);
        marks.add(new Mark(live || e.kind() == KernelEvent.Kind.EXIT ? id : KERNEL, id, e.kind(), e.cycles(), e.tick(), e.detail()));
    }

    private void begin(int task, Activity a, long cycles, int level) {
        open.put(task, a);
        openSince.put(task, cycles);
        openLevel.put(task, level);
    }

    private void end(int task, long cycles, String note) {
        Activity a = open.remove(task);
        Long since = openSince.remove(task);
        Integer level = openLevel.remove(task);
        if (a != null && since != null) {
            stretches.add(new Stretch(task, a, since, cycles, level == null ? -1 : level, note));
        }
    }

    private void sample(long cycles) {
        for (Map.Entry<String, LongSupplier> c : counters.entrySet()) {
            long v = c.getValue().getAsLong();
            List<Sample> list = samples.get(c.getKey());
            if (list.get(list.size() - 1).value() != v) {
                list.add(new Sample(cycles, v));
            }
        }
    }

    // ------------------------------------------------------------------ reading it

    /**
     * Returns every stretch, in the order they ended, then the ones still open, closed at the
     * last event's cycle.
     *
     * @return a fresh list
     */
    public List<Stretch> stretches() {
        List<Stretch> out = new ArrayList<>(stretches);
        for (Map.Entry<Integer, Activity> o : new TreeMap<>(open).entrySet()) {
            int id = o.getKey();
            out.add(new Stretch(id, o.getValue(), openSince.get(id), Math.max(openSince.get(id), lastCycles),
                    openLevel.getOrDefault(id, -1), "still " + o.getValue().name().toLowerCase(java.util.Locale.ROOT) + " at the end"));
        }
        return out;
    }

    /**
     * Returns one task's stretches, in time order.
     *
     * @param task the task's id
     * @return a fresh list
     */
    public List<Stretch> stretches(int task) {
        List<Stretch> out = new ArrayList<>();
        for (Stretch s : stretches()) {
            if (s.task() == task) {
                out.add(s);
            }
        }
        out.sort((a, b) -> Long.compare(a.from(), b.from()));
        return out;
    }

    /**
     * Returns the CPU's track: every RUN stretch of every task (the idle task's too), in time
     * order; they never overlap.
     *
     * @return a fresh list
     */
    public List<Stretch> cpu() {
        List<Stretch> out = new ArrayList<>();
        for (Stretch s : stretches()) {
            if (s.activity() == Activity.RUN) {
                out.add(s);
            }
        }
        out.sort((a, b) -> Long.compare(a.from(), b.from()));
        return out;
    }

    /**
     * Returns the total cycles a task spent in one activity.
     *
     * @param task the task's id
     * @param activity the activity
     * @return the sum of its stretches' lengths
     */
    public long total(int task, Activity activity) {
        long sum = 0;
        for (Stretch s : stretches()) {
            if (s.task() == task && s.activity() == activity) {
                sum += s.cycles();
            }
        }
        return sum;
    }

    /**
     * Returns the point events, in order.
     *
     * @return an unmodifiable view
     */
    public List<Mark> marks() {
        return Collections.unmodifiableList(marks);
    }

    /**
     * Returns the timer ticks, in order.
     *
     * @return an unmodifiable view
     */
    public List<Tick> ticks() {
        return Collections.unmodifiableList(ticks);
    }

    /**
     * Returns the tasks seen, by id, with their names (the idle task, id 1, always).
     *
     * @return an unmodifiable view
     */
    public Map<Integer, String> names() {
        return Collections.unmodifiableMap(names);
    }

    /**
     * Returns each counter's samples: the first at the cycle it was added, then one per change.
     *
     * @return counter name to samples, in the order the counters were added
     */
    public Map<String, List<Sample>> counters() {
        Map<String, List<Sample>> out = new LinkedHashMap<>();
        samples.forEach((k, v) -> out.put(k, Collections.unmodifiableList(new ArrayList<>(v))));
        return out;
    }

    /**
     * Returns whether RUN stretches carry MLFQ levels (the attached kernel's policy is an
     * {@link MlfqPolicy}).
     *
     * @return true for MLFQ
     */
    public boolean hasLevels() {
        return kernel != null && kernel.policy() instanceof MlfqPolicy;
    }

    /**
     * Returns the number of MLFQ levels, or 0 when {@link #hasLevels()} is false.
     *
     * @return the levels
     */
    public int levels() {
        return kernel != null && kernel.policy() instanceof MlfqPolicy m ? m.levels() : 0;
    }

    /**
     * Returns the cycle of the last event.
     *
     * @return cycles
     */
    public long endCycles() {
        return lastCycles;
    }

    /**
     * Returns how many events were seen.
     *
     * @return the count
     */
    public long events() {
        return events;
    }

    /**
     * Returns the core clock.
     *
     * @return Hz
     */
    public long coreHz() {
        return coreHz;
    }

    /**
     * Converts cycles to whole simulated nanoseconds (rounded down), the unit both the report and
     * the trace derive their times from; monotonic, so stretches that touch in cycles touch here.
     *
     * @param cycles a cycle count, at least 0
     * @return nanoseconds
     */
    public long nanos(long cycles) {
        return (long) Math.floor(cycles * 1e9 / coreHz);
    }

    /**
     * Converts cycles to simulated microseconds.
     *
     * @param cycles a cycle count
     * @return microseconds
     */
    public double micros(long cycles) {
        return cycles * 1e6 / coreHz;
    }
}
