package dev.levitate.sched.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Collects the kernel's events and writes them as Chrome trace-event JSON, which Perfetto
 * (ui.perfetto.dev) and chrome://tracing open: one track per task with a slice for every stretch
 * on the CPU, and instant events for preemptions, wake-ups, TLB invalidations and the rest.
 * Timestamps are simulated microseconds (cycles / core MHz).
 */
public final class TraceExport implements KernelListener {
    private final List<KernelEvent> events = new ArrayList<>();
    private final Map<Integer, String> names = new TreeMap<>();
    private final double cyclesPerMicrosecond;

    /**
     * Creates an exporter.
     *
     * @param coreHz the kernel's core clock ({@link Kernel#coreHz()})
     */
    public TraceExport(long coreHz) {
        this.cyclesPerMicrosecond = coreHz / 1e6;
    }

    @Override
    public void event(KernelEvent e) {
        events.add(e);
        if (e.kind() == KernelEvent.Kind.SPAWN) {
            int q = e.detail().indexOf('\'');
            names.put(e.task(), q >= 0 ? e.detail().substring(q + 1, e.detail().lastIndexOf('\'')) : e.detail());
        }
    }

    /**
     * Returns the number of events collected.
     *
     * @return the count
     */
    public int size() {
        return events.size();
    }

    private static String esc(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * Writes the trace.
     *
     * @return the JSON text ({"traceEvents": [...]})
     */
    public String toJson() {
        StringBuilder out = new StringBuilder("{\"traceEvents\":[\n");
        List<String> items = new ArrayList<>();
        items.add("{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"args\":{\"name\":\"Levitate kernel (simulated)\"}}");
        names.forEach((id, n) -> items.add(String.format("{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":%d,\"args\":{\"name\":\"%s (%d)\"}}",
                id, esc(n), id)));
        items.add("{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":1,\"args\":{\"name\":\"idle (1)\"}}");
        int running = -1;
        long since = 0;
        for (KernelEvent e : events) {
            double ts = e.cycles() / cyclesPerMicrosecond;
            switch (e.kind()) {
                case SWITCH:
                    running = e.task();
                    since = e.cycles();
                    break;
                case PREEMPT:
                case YIELD:
                case SLEEP:
                case BLOCK:
                case EXIT:
                    if (running == e.task()) {
                        items.add(slice(running, since, e.cycles()));
                        running = -1;
                    }
                    items.add(instant(e, ts));
                    break;
                case TICK:
                    if (running == 1) { // the idle task runs until the next tick brings work
                        items.add(slice(running, since, e.cycles()));
                        since = e.cycles();
                    }
                    break;
                default:
                    items.add(instant(e, ts));
                    break;
            }
        }
        out.append(String.join(",\n", items)).append("\n],\"displayTimeUnit\":\"ms\"}\n");
        return out.toString();
    }

    private String slice(int task, long from, long to) {
        return String.format(java.util.Locale.ROOT, "{\"name\":\"%s\",\"ph\":\"X\",\"pid\":1,\"tid\":%d,\"ts\":%.3f,\"dur\":%.3f}",
                esc(names.getOrDefault(task, task == 1 ? "idle" : "task " + task)), task, from / cyclesPerMicrosecond,
                (to - from) / cyclesPerMicrosecond);
    }

    private static String instant(KernelEvent e, double ts) {
        return String.format(java.util.Locale.ROOT, "{\"name\":\"%s\",\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":%d,\"ts\":%.3f,\"args\":{\"detail\":\"%s\",\"tick\":%d}}",
                e.kind().name().toLowerCase(java.util.Locale.ROOT), Math.max(e.task(), 0), ts, esc(e.detail()), e.tick());
    }
}
