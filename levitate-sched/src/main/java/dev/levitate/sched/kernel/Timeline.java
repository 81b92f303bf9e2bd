package dev.levitate.sched.kernel;

import java.util.Map;
import java.util.TreeMap;

/**
 * Records which task held the CPU, tick by tick, from the kernel's events, and draws it: one row
 * per task, one column per tick.
 * <pre>
 *   #  ran for most of the tick          +  ran part of the tick (at least 5%)
 *   .  ready, waiting for the CPU        z  sleeping     b  blocked     x  exited
 * </pre>
 * Attach it with {@link Kernel#addListener(KernelListener)} before spawning.
 */
public final class Timeline implements KernelListener {
    private final Map<Integer, String> names = new TreeMap<>();
    private final Map<Integer, StringBuilder> rows = new TreeMap<>();
    private final Map<Integer, Character> state = new TreeMap<>();
    private final Map<Integer, Long> runCycles = new TreeMap<>();
    private final long tickCycles;
    private long lastTick;
    private int running = -1;
    private long runningSince;

    /**
     * Creates a timeline.
     *
     * @param tickCycles the kernel's cycles per tick ({@link Kernel#tickCycles()})
     */
    public Timeline(long tickCycles) {
        this.tickCycles = tickCycles;
    }

    @Override
    public void event(KernelEvent e) {
        advanceTo(e.tick(), e.cycles());
        int id = e.task();
        switch (e.kind()) {
            case SPAWN:
                names.put(id, shortName(e.detail()));
                rows.put(id, new StringBuilder(" ".repeat((int) e.tick())));
                state.put(id, '.');
                break;
            case SWITCH:
                closeRun(e.cycles());
                running = id;
                runningSince = e.cycles();
                if (state.containsKey(id)) {
                    state.put(id, '#');
                }
                break;
            case PREEMPT:
            case YIELD:
                closeRun(e.cycles());
                running = -1;
                if (state.containsKey(id)) {
                    state.put(id, '.');
                }
                break;
            case SLEEP:
            case BLOCK:
                closeRun(e.cycles());
                running = -1;
                state.computeIfPresent(id, (k, v) -> e.kind() == KernelEvent.Kind.SLEEP ? 'z' : 'b');
                break;
            case WAKE:
                state.computeIfPresent(id, (k, v) -> '.');
                break;
            case EXIT:
                closeRun(e.cycles());
                running = -1;
                state.computeIfPresent(id, (k, v) -> 'x');
                break;
            case REAP:
                state.computeIfPresent(id, (k, v) -> ' ');
                break;
            default:
                break;
        }
    }

    private static String shortName(String detail) {
        int q = detail.indexOf('\'');
        return q >= 0 ? detail.substring(q + 1, detail.lastIndexOf('\'')) : detail;
    }

    private void closeRun(long cycles) {
        if (running >= 0) {
            runCycles.merge(running, cycles - runningSince, Long::sum);
        }
        running = -1;
    }

    /** Fills the columns of the ticks that ended before {@code tick}. */
    private void advanceTo(long tick, long cycles) {
        while (lastTick < tick) {
            for (Map.Entry<Integer, StringBuilder> r : rows.entrySet()) {
                int id = r.getKey();
                char s = state.getOrDefault(id, ' ');
                long ran = runCycles.getOrDefault(id, 0L) + (id == running ? Math.max(0, (lastTick + 1) * tickCycles - runningSince) : 0);
                char c;
                if (ran >= tickCycles / 2) {
                    c = '#';
                } else if (ran >= tickCycles / 20) {
                    c = '+';
                } else {
                    c = s == '#' ? '.' : s;
                }
                r.getValue().append(c);
            }
            runCycles.clear();
            if (running >= 0) {
                runningSince = Math.max(runningSince, (lastTick + 1) * tickCycles);
            }
            lastTick++;
        }
    }

    /**
     * Draws the timeline, wrapped at {@code width} columns.
     *
     * @param width ticks per line, at least 10
     * @return the picture
     */
    public String render(int width) {
        int w = Math.max(10, width);
        int nameWidth = 8;
        for (String n : names.values()) {
            nameWidth = Math.max(nameWidth, n.length());
        }
        StringBuilder out = new StringBuilder();
        int length = 0;
        for (StringBuilder r : rows.values()) {
            length = Math.max(length, r.length());
        }
        for (int start = 0; start < length; start += w) {
            int end = Math.min(length, start + w);
            out.append(String.format("%-" + nameWidth + "s  tick %d..%d%n", "", start, end - 1));
            for (Map.Entry<Integer, StringBuilder> r : rows.entrySet()) {
                String row = r.getValue().toString();
                String part = start < row.length() ? row.substring(start, Math.min(end, row.length())) : "";
                out.append(String.format("%-" + nameWidth + "s |%s%n", names.get(r.getKey()), part));
            }
        }
        out.append("  # ran most of the tick   + ran part of it   . ready   z sleeping   b blocked   x exited\n");
        return out.toString();
    }

    /**
     * Returns the row of one task (one character per tick).
     *
     * @param taskId the task's id
     * @return the row, or empty if the task is unknown
     */
    public String row(int taskId) {
        StringBuilder r = rows.get(taskId);
        return r == null ? "" : r.toString();
    }
}
