package dev.levitate.sched.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Writes a {@link Schedule} as Chrome trace-event JSON, which Perfetto (ui.perfetto.dev) and
 * chrome://tracing open. It tells the same story as the {@link HtmlReport}, from the same model.
 *
 * <h2>Tracks</h2>
 * <ul>
 *   <li>Process 1, "Levitate kernel (simulated)": one thread per task (tid = task id, the idle
 *       task is 1) with a complete slice ({@code "ph":"X"}) for each stretch — "running" (with
 *       its MLFQ level under MLFQ), "ready", "sleeping", "blocked" — and instants for preempt,
 *       yield, exit, map, unmap and table-freed; thread 0, "kernel", holds the TLB invalidations
 *       and the reaping the kernel does on no live task's behalf. Counter tracks
 *       ({@code "ph":"C"}) for every counter of the schedule (free frames, TLB entries...).</li>
 *   <li>Process 2, "CPU 0": thread {@link #CPU_TID}, one slice per stretch on the CPU named after
 *       the task that ran; thread {@link #TIMER_TID}, an instant per timer interrupt (tick).</li>
 * </ul>
 * Every pid and tid is named by a metadata event ({@code "ph":"M"}). Slices on one track never
 * overlap: times are whole simulated nanoseconds ({@link Schedule#nanos}) written as microseconds
 * with three decimals, so a slice that ends where the next begins in cycles does so in the file.
 *
 * <p>Belongs to the kernel's thread, like every listener.
 */
public final class TraceExport implements KernelListener {
    /** The thread id of the CPU track (in process 2). */
    public static final int CPU_TID = 100_000;
    /** The thread id of the timer-interrupt track (in process 2). */
    public static final int TIMER_TID = 100_001;

    private final Schedule schedule;
    private final boolean owned;

    /**
     * Creates an exporter with a schedule of its own; add it with {@link Kernel#addListener}
     * before spawning.
     *
     * @param coreHz the kernel's core clock ({@link Kernel#coreHz()})
     */
    public TraceExport(long coreHz) {
        this.schedule = new Schedule(coreHz);
        this.owned = true;
    }

    private TraceExport(Schedule schedule) {
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.owned = false;
    }

    /**
     * Creates an exporter that writes a schedule someone else listens for (share one with an
     * {@link HtmlReport} so both show the same thing); it ignores the events given to it directly.
     *
     * @param schedule the schedule, already a listener of the kernel
     * @return the exporter
     */
    public static TraceExport of(Schedule schedule) {
        return new TraceExport(schedule);
    }

    @Override
    public void event(KernelEvent e) {
        if (owned) {
            schedule.event(e);
        }
    }

    /**
     * Returns the schedule this exporter writes.
     *
     * @return the model
     */
    public Schedule schedule() {
        return schedule;
    }

    /**
     * Returns the number of trace events {@link #toJson()} writes now (metadata, slices, instants
     * and counter samples: the length of its {@code traceEvents} array).
     *
     * @return the count
     */
    public int size() {
        return events().size();
    }

    /**
     * Writes the trace.
     *
     * @return the JSON text ({"traceEvents": [...], "displayTimeUnit": "ms"})
     */
    public String toJson() {
        return "{\"traceEvents\":[\n" + String.join(",\n", events()) + "\n],\"displayTimeUnit\":\"ms\"}\n";
    }

    private List<String> events() {
        List<String> items = new ArrayList<>();
        Map<Integer, String> names = schedule.names();
        items.add(meta("process_name", 1, null, "Levitate kernel (simulated)"));
        items.add(meta("process_name", 2, null, "CPU 0"));
        items.add(meta("thread_name", 1, 0, "kernel"));
        items.add(sortIndex(1, 0, 0));
        names.forEach((id, n) -> {
            items.add(meta("thread_name", 1, id, n + " (" + id + ")"));
            items.add(sortIndex(1, id, id));
        });
        items.add(meta("thread_name", 2, CPU_TID, "CPU 0 (what ran)"));
        items.add(meta("thread_name", 2, TIMER_TID, "timer interrupts (ticks)"));
        for (Schedule.Stretch s : schedule.stretches()) {
            String name = switch (s.activity()) {
                case RUN -> "running";
                case READY -> "ready";
                case SLEEP -> "sleeping";
                case BLOCK -> "blocked";
            };
            items.add(slice(name, 1, s.task(), s, (s.level() >= 0 ? "\"level\":" + s.level() + "," : "") + "\"ended\":\"" + esc(s.note()) + "\""));
        }
        for (Schedule.Stretch s : schedule.cpu()) {
            items.add(slice(names.getOrDefault(s.task(), "task " + s.task()), 2, CPU_TID, s, "\"task\":" + s.task()));
        }
        for (Schedule.Tick t : schedule.ticks()) {
            items.add(fmt("{\"name\":\"timer tick\",\"cat\":\"timer\",\"ph\":\"i\",\"s\":\"t\",\"pid\":2,\"tid\":%d,\"ts\":%s,\"args\":{\"tick\":%d}}",
                    TIMER_TID, ts(schedule.nanos(t.cycles())), t.tick()));
        }
        for (Schedule.Mark m : schedule.marks()) {
            items.add(fmt("{\"name\":\"%s\",\"cat\":\"kernel\",\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":%d,\"ts\":%s,\"args\":{\"task\":%d,\"tick\":%d,\"detail\":\"%s\"}}",
                    m.kind().name().toLowerCase(Locale.ROOT), m.kind() == KernelEvent.Kind.TLBI ? Schedule.KERNEL : m.lane(),
                    ts(schedule.nanos(m.cycles())), m.task(), m.tick(), esc(m.detail())));
        }
        for (Map.Entry<String, List<Schedule.Sample>> c : schedule.counters().entrySet()) {
            String key = c.getKey().replace(' ', '_');
            for (Schedule.Sample s : c.getValue()) {
                items.add(fmt("{\"name\":\"%s\",\"ph\":\"C\",\"pid\":1,\"ts\":%s,\"args\":{\"%s\":%d}}",
                        esc(c.getKey()), ts(schedule.nanos(s.cycles())), esc(key), s.value()));
            }
        }
        return items;
    }

    private String slice(String name, int pid, int tid, Schedule.Stretch s, String args) {
        long from = schedule.nanos(s.from());
        long to = schedule.nanos(s.to());
        return fmt("{\"name\":\"%s\",\"cat\":\"%s\",\"ph\":\"X\",\"pid\":%d,\"tid\":%d,\"ts\":%s,\"dur\":%s,\"args\":{%s}}",
                esc(name), s.activity().name().toLowerCase(Locale.ROOT), pid, tid, ts(from), ts(to - from), args);
    }

    private static String meta(String what, int pid, Integer tid, String name) {
        return fmt("{\"name\":\"%s\",\"ph\":\"M\",\"pid\":%d,%s\"args\":{\"name\":\"%s\"}}", what, pid,
                tid == null ? "" : "\"tid\":" + tid + ",", esc(name));
    }

    private static String sortIndex(int pid, int tid, int index) {
        return fmt("{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":%d,\"tid\":%d,\"args\":{\"sort_index\":%d}}", pid, tid, index);
    }

    /** Nanoseconds as microseconds with exactly three decimals (no rounding). */
    private static String ts(long nanos) {
        return fmt("%d.%03d", nanos / 1000, nanos % 1000);
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    private static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) && !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1)))) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
