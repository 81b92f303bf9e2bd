package dev.levitate.sched.kernel;

import static dev.levitate.core.LevitateException.hex;

import dev.levitate.mmu.Attributes;
import dev.levitate.mmu.Descriptor;
import dev.levitate.mmu.PageTable;
import dev.levitate.sched.Task;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Collects the kernel's events and writes one self-contained HTML page about the run: an SVG
 * timeline, per-task statistics, page-table trees, TLB and allocator figures, and the console.
 *
 * <h2>Design</h2>
 * <ol>
 *   <li><b>Collect.</b> As a {@link KernelListener} it turns events into stretches per task:
 *       RUN from SWITCH until PREEMPT / YIELD / SLEEP / BLOCK / EXIT (or the next SWITCH: the idle
 *       task leaves without an event), READY from SPAWN / PREEMPT / YIELD / WAKE until SWITCH,
 *       SLEEP and BLOCK until WAKE. Preemptions, yields, exits, maps and unmaps become marks; TICK
 *       events become the gridlines, at the cycle they really happened.</li>
 *   <li><b>Capture.</b> A user task's address space is destroyed when it is reaped, so at every
 *       MAP event the task's page table is walked into a snapshot; the biggest one per task is
 *       kept (a live space at render time wins).</li>
 *   <li><b>Render.</b> {@link #render(Map)} writes XHTML-compatible HTML5 (it parses as XML):
 *       inline CSS, inline SVG, no script, no external font, image or link. Every string that
 *       comes from a task (names, console text, event details) goes through {@link #escape},
 *       so guest output cannot inject markup.</li>
 * </ol>
 *
 * <pre>{@code
 * HtmlReport report = HtmlReport.attach(kernel);   // before spawning
 * kernel.spawn(...); kernel.run(10_000);
 * Files.writeString(path, report.render(Map.of("TLB hits", "12,345")));
 * }</pre>
 *
 * <p>Belongs to the kernel's thread, like every listener.
 */
public final class HtmlReport implements KernelListener {
    /** What a task was doing during a stretch of time. */
    private enum Activity { RUN, READY, SLEEP, BLOCK }

    /** One stretch of one task, in cycles; {@code note} says how it ended. */
    private record Stretch(int task, Activity activity, long from, long to, String note) {
    }

    /** A point event drawn on a task's lane. */
    private record Mark(int task, KernelEvent.Kind kind, long cycles, long tick, String detail) {
    }

    /** One valid page-table entry, as {@link PageTable#walk} gives it. */
    private record Entry(int level, int index, long va, long descriptor) {
    }

    /** A walked page table: its header, entries, statistics, and when it was taken. */
    private record Snapshot(String header, List<Entry> entries, String stats, long tick, int leaves, boolean live) {
    }

    /** Pixels per tick the timeline never goes below (300 ticks fill 1,050 px); longer runs scroll. */
    private static final double MIN_PX_PER_TICK = 3.5;
    /** The width the timeline aims for (it fits a 1,400 px window next to the labels). */
    private static final double TARGET_WIDTH = 1050;
    /** Width of the lane labels on the left of the timeline. */
    private static final int LABEL_WIDTH = 170;
    /** Height of one lane; the bars are {@link #BAR_HEIGHT} high inside it. */
    private static final int LANE_HEIGHT = 30;
    private static final int BAR_HEIGHT = 18;
    /** Task colours, by lane (the idle task is grey). */
    private static final String[] PALETTE = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2",
        "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#3b8bc2"};
    private static final String IDLE_COLOUR = "#c3c8cf";

    private final Kernel kernel;
    private final List<Stretch> stretches = new ArrayList<>();
    private final List<Mark> marks = new ArrayList<>();
    private final List<long[]> ticks = new ArrayList<>();
    private final Map<Integer, Activity> open = new TreeMap<>();
    private final Map<Integer, Long> openSince = new TreeMap<>();
    private final Map<Integer, Snapshot> userTrees = new TreeMap<>();
    private final Map<KernelEvent.Kind, Integer> counts = new EnumMap<>(KernelEvent.Kind.class);
    private final Map<String, Integer> tlbiByOp = new TreeMap<>();
    private final List<int[]> writeTasks = new ArrayList<>();
    private final StringBuilder written = new StringBuilder();
    private int running = -1;
    private long lastCycles;

    private HtmlReport(Kernel kernel) {
        this.kernel = Objects.requireNonNull(kernel);
    }

    /**
     * Creates a report and adds it to the kernel's listeners; attach it before spawning so it sees
     * every task from the start.
     *
     * @param kernel the kernel to watch
     * @return the report
     */
    public static HtmlReport attach(Kernel kernel) {
        HtmlReport r = new HtmlReport(kernel);
        kernel.addListener(r);
        return r;
    }

    // ------------------------------------------------------------------ collecting

    @Override
    public void event(KernelEvent e) {
        lastCycles = Math.max(lastCycles, e.cycles());
        counts.merge(e.kind(), 1, Integer::sum);
        int id = e.task();
        switch (e.kind()) {
            case SPAWN -> begin(id, Activity.READY, e.cycles());
            case SWITCH -> {
                if (running >= 0 && running != id) {
                    end(running, e.cycles(), "switched away");
                }
                running = id;
                begin(id, Activity.RUN, e.cycles());
            }
            case PREEMPT, YIELD -> {
                mark(e);
                end(id, e.cycles(), e.kind() == KernelEvent.Kind.PREEMPT ? "preempted: " + e.detail() : "yielded");
                running = running == id ? -1 : running;
                begin(id, Activity.READY, e.cycles());
            }
            case SLEEP, BLOCK -> {
                end(id, e.cycles(), e.kind() == KernelEvent.Kind.SLEEP ? "went to sleep" : "blocked: " + e.detail());
                running = running == id ? -1 : running;
                begin(id, e.kind() == KernelEvent.Kind.SLEEP ? Activity.SLEEP : Activity.BLOCK, e.cycles());
            }
            case WAKE -> {
                end(id, e.cycles(), "woke");
                begin(id, Activity.READY, e.cycles());
            }
            case EXIT -> {
                mark(e);
                end(id, e.cycles(), "exited: " + e.detail());
                running = running == id ? -1 : running;
            }
            case MAP -> {
                mark(e);
                capture(id, e.tick());
            }
            case UNMAP -> mark(e);
            case TICK -> ticks.add(new long[] {e.tick(), e.cycles()});
            case TLBI -> {
                int sp = e.detail().indexOf(' ');
                tlbiByOp.merge(sp < 0 ? e.detail() : e.detail().substring(0, sp), 1, Integer::sum);
            }
            case WRITE -> {
                writeTasks.add(new int[] {id, written.length(), written.length() + e.detail().length()});
                written.append(e.detail());
            }
            default -> {
            }
        }
    }

    private void mark(KernelEvent e) {
        marks.add(new Mark(e.task(), e.kind(), e.cycles(), e.tick(), e.detail()));
    }

    private void begin(int task, Activity a, long cycles) {
        open.put(task, a);
        openSince.put(task, cycles);
    }

    private void end(int task, long cycles, String note) {
        Activity a = open.remove(task);
        Long since = openSince.remove(task);
        if (a != null && since != null) {
            stretches.add(new Stretch(task, a, since, cycles, note));
        }
    }

    private void capture(int taskId, long tick) {
        for (Task t : kernel.tasks()) {
            if (t.id() == taskId) {
                AddressSpace space = kernel.controlBlock(t).addressSpace();
                if (space != null) {
                    Snapshot s = snapshot(space.table(), tick, false);
                    Snapshot old = userTrees.get(taskId);
                    if (old == null || s.leaves() >= old.leaves()) {
                        userTrees.put(taskId, s);
                    }
                }
                return;
            }
        }
    }

    private static Snapshot snapshot(PageTable table, long tick, boolean live) {
        List<Entry> entries = new ArrayList<>();
        int[] leaves = new int[1];
        table.walk((level, index, va, tablePa, d) -> {
            entries.add(new Entry(level, index, va, d));
            leaves[0] += Descriptor.isLeaf(d, level) ? 1 : 0;
        });
        return new Snapshot(table + ", L" + table.startLevel() + " root " + hex(table.root()), entries,
                table.stats().toString(), tick, leaves[0], live);
    }

    // ------------------------------------------------------------------ escaping

    /**
     * Escapes text for HTML element content and attribute values: {@code & < > " '} become
     * references; control characters (which XML forbids even as references) become their visible
     * Unicode "control pictures" (U+2400..), and unpaired surrogates U+FFFD.
     *
     * @param s any text, for instance what a guest wrote
     * @return text that cannot open or close markup
     */
    public static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                case '\n', '\t' -> b.append(c);
                case '\r' -> b.append('\u240d');
                default -> {
                    if (c < 0x20) {
                        b.append((char) (0x2400 + c));
                    } else if (c == 0x7f) {
                        b.append('\u2421');
                    } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        b.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c) || c == 0xfffe || c == 0xffff) {
                        b.append('\ufffd');
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    // ------------------------------------------------------------------ rendering

    /**
     * Writes the page without machine figures.
     *
     * @return the HTML document
     */
    public String toHtml() {
        return render(Map.of());
    }

    /**
     * Writes the page.
     *
     * @param machineFigures figures only the caller can know (the backend's TLB hits and misses,
     *     instructions, exceptions taken...), shown in the order given; keys and values are escaped
     * @return the HTML document: one self-contained file
     */
    public String render(Map<String, String> machineFigures) {
        List<Task> tasks = new ArrayList<>();
        tasks.add(kernel.idleTask());
        tasks.addAll(kernel.tasks());
        Map<Integer, String> colours = new LinkedHashMap<>();
        int n = 0;
        for (Task t : tasks) {
            colours.put(t.id(), t == kernel.idleTask() ? IDLE_COLOUR : PALETTE[n++ % PALETTE.length]);
        }
        long end = Math.max(lastCycles, 1);
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
                .append("<title>Levitate kernel run: ").append(kernel.tasks().size()).append(" tasks, ")
                .append(kernel.tick()).append(" ticks</title>\n<style>").append(CSS).append("</style>\n</head>\n<body>\n");
        h.append("<header><h1>Levitate kernel run</h1><p class=\"sub\">").append(escape(kernel.policy().name()))
                .append(" · ").append(kernel.coreHz() / 1_000_000).append(" MHz core · ")
                .append(fmt("%.0f", 1000.0 * kernel.tickCycles() / kernel.coreHz())).append(" ms ticks · simulated AArch64 (QEMU virt layout)</p></header>\n");
        cards(h, end);
        h.append("<section><h2>Who ran when</h2>\n<div class=\"scroll\">");
        timeline(h, tasks, colours, end);
        h.append("</div>\n<p class=\"hint\">Hover a bar for its times. x: simulated time in ms; gridlines at the timer ticks.</p></section>\n");
        statsTable(h, tasks, colours);
        h.append("<div class=\"cols\">\n");
        memorySection(h, machineFigures);
        h.append("</div>\n");
        pageTables(h, colours);
        console(h, colours);
        h.append("<footer>Generated by Levitate's HtmlReport: one file, no script, no network.</footer>\n</body>\n</html>\n");
        return h.toString();
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    private double ms(long cycles) {
        return cycles * 1000.0 / kernel.coreHz();
    }

    private void cards(StringBuilder h, long end) {
        long leaked = kernel.freeFramesAfterBoot() - kernel.frames().freeFrames();
        h.append("<section class=\"cards\">");
        card(h, fmt("%.1f ms", ms(end)), "simulated time");
        card(h, fmt("%,d", kernel.tick()), "timer ticks");
        card(h, fmt("%,d", kernel.tasks().size()), "tasks");
        card(h, fmt("%,d", kernel.switches()), "context switches");
        card(h, fmt("%,d", counts.getOrDefault(KernelEvent.Kind.PREEMPT, 0)), "preemptions");
        card(h, fmt("%,d", kernel.tlbInvalidations()), "TLB invalidations");
        h.append("<div class=\"card ").append(leaked == 0 ? "good" : "bad").append("\"><b>")
                .append(leaked == 0 ? "0" : fmt("%,d", leaked)).append("</b><span>frames leaked</span></div>");
        h.append("</section>\n");
    }

    private static void card(StringBuilder h, String value, String label) {
        h.append("<div class=\"card\"><b>").append(escape(value)).append("</b><span>").append(escape(label)).append("</span></div>");
    }

    // ------------------------------------------------------------------ the timeline

    private void timeline(StringBuilder h, List<Task> tasks, Map<Integer, String> colours, long end) {
        double tickMs = ms(kernel.tickCycles());
        double totalTicks = Math.max(1, ms(end) / tickMs);
        double pxPerTick = Math.max(MIN_PX_PER_TICK, TARGET_WIDTH / totalTicks);
        double pxPerCycle = pxPerTick / kernel.tickCycles();
        double markHalf = Math.max(1.5, Math.min(4, pxPerTick / 2.5)); // marks shrink so that one per tick stays apart
        int plotW = (int) Math.ceil(end * pxPerCycle) + 10;
        int top = 30;
        int lanesH = tasks.size() * LANE_HEIGHT;
        int legendY = top + lanesH + 36;
        int width = LABEL_WIDTH + plotW + 10;
        int height = legendY + 26;
        Map<Integer, Integer> lane = new TreeMap<>();
        for (int i = 0; i < tasks.size(); i++) {
            lane.put(tasks.get(i).id(), i);
        }
        h.append(fmt("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"Timeline: which task ran when\">\n",
                width, height, width, height));
        h.append("<defs><pattern id=\"sleep\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">")
                .append("<rect width=\"6\" height=\"6\" fill=\"#e6f0fb\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#8fb3de\" stroke-width=\"2\"/></pattern>")
                .append("<pattern id=\"block\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">")
                .append("<rect width=\"6\" height=\"6\" fill=\"#fdf0e1\"/><path d=\"M0 0L6 6M6 0L0 6\" stroke=\"#e0a05a\" stroke-width=\"1\"/></pattern></defs>\n");
        // lanes: zebra background and label
        for (Task t : tasks) {
            int i = lane.get(t.id());
            int y = top + i * LANE_HEIGHT;
            h.append(fmt("<rect class=\"zebra\" x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>\n", y, width, LANE_HEIGHT, i % 2 == 0 ? "#f7f8fa" : "#ffffff"));
        }
        // gridlines at the ticks, labelled so that labels stay about 60 px apart
        int every = 1;
        for (int step : new int[] {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000}) {
            every = step;
            if (step * pxPerTick >= 60) {
                break;
            }
        }
        h.append("<g class=\"grid\">");
        h.append(fmt("<text x=\"%d\" y=\"14\" class=\"axis\" text-anchor=\"end\">ms</text>", LABEL_WIDTH - 8));
        for (long[] t : ticks) {
            double x = LABEL_WIDTH + t[1] * pxPerCycle;
            boolean major = t[0] % every == 0;
            h.append(fmt("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"1\"/>", x, major ? top - 6 : top, x,
                    top + lanesH, major ? "#c9ced6" : "#eceef1"));
            if (major) {
                h.append(fmt("<text x=\"%.1f\" y=\"14\" class=\"axis\" text-anchor=\"middle\">%.0f</text>", x, ms(t[1])));
                h.append(fmt("<text x=\"%.1f\" y=\"%d\" class=\"axis small\" text-anchor=\"middle\">tick %d</text>", x, top + lanesH + 12, t[0]));
            }
        }
        h.append("</g>\n");
        for (Task t : tasks) {
            int i = lane.get(t.id());
            int y = top + i * LANE_HEIGHT;
            int barY = y + (LANE_HEIGHT - BAR_HEIGHT) / 2;
            String colour = colours.get(t.id());
            boolean user = t != kernel.idleTask() && kernel.controlBlock(t).isUser();
            h.append(fmt("<g class=\"lane\" data-task=\"%d\">", t.id()));
            h.append(fmt("<rect x=\"8\" y=\"%d\" width=\"10\" height=\"10\" rx=\"2\" fill=\"%s\"/>", y + 10, colour));
            h.append(fmt("<text x=\"24\" y=\"%d\" class=\"name\">", y + 19)).append(escape(clip(t.name(), 14)))
                    .append(fmt("<tspan class=\"meta\"> #%d %s</tspan></text>", t.id(), t == kernel.idleTask() ? "idle" : user ? "EL0" : "EL1"));
            List<Stretch> mine = new ArrayList<>();
            for (Stretch s : stretches) {
                if (s.task() == t.id()) {
                    mine.add(s);
                }
            }
            Activity a = open.get(t.id());
            if (a != null) {
                mine.add(new Stretch(t.id(), a, openSince.get(t.id()), end, "still " + a.name().toLowerCase(Locale.ROOT) + " at the end"));
            }
            for (Stretch s : mine) {
                double x = LABEL_WIDTH + s.from() * pxPerCycle;
                double w = Math.max(1, (s.to() - s.from()) * pxPerCycle);
                String tip = escape(t.name()) + fmt(" (#%d): %s %.2f–%.2f ms (%.2f ms)", t.id(), s.activity().name().toLowerCase(Locale.ROOT),
                        ms(s.from()), ms(s.to()), ms(s.to() - s.from())) + (s.note().isEmpty() ? "" : "; " + escape(s.note()));
                switch (s.activity()) {
                    case RUN -> h.append(fmt("<rect class=\"run\" x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" rx=\"2\" fill=\"%s\"><title>%s</title></rect>",
                            x, barY, w, BAR_HEIGHT, colour, tip));
                    case READY -> h.append(fmt("<line class=\"ready\" x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\"><title>%s</title></line>",
                            x, y + LANE_HEIGHT / 2, x + w, y + LANE_HEIGHT / 2, tip));
                    case SLEEP, BLOCK -> h.append(fmt("<rect class=\"%s\" x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"url(#%s)\"><title>%s</title></rect>",
                            s.activity() == Activity.SLEEP ? "sleep" : "block", x, barY + 3, w, BAR_HEIGHT - 6,
                            s.activity() == Activity.SLEEP ? "sleep" : "block", tip));
                    default -> {
                    }
                }
            }
            for (Mark m : marks) {
                if (m.task() != t.id()) {
                    continue;
                }
                double x = LABEL_WIDTH + m.cycles() * pxPerCycle;
                String tip = escape(m.kind().name().toLowerCase(Locale.ROOT)) + fmt(" at %.2f ms (tick %d)", ms(m.cycles()), m.tick())
                        + (m.detail().isEmpty() ? "" : ": " + escape(m.detail()));
                switch (m.kind()) {
                    case PREEMPT -> h.append(fmt("<path class=\"preempt\" d=\"M%.2f %dl%.2f -6h%.2fz\"><title>%s</title></path>",
                            x, barY, -markHalf, 2 * markHalf, tip));
                    case YIELD -> h.append(fmt("<circle class=\"yield\" cx=\"%.2f\" cy=\"%d\" r=\"3\"><title>%s</title></circle>", x, barY - 2, tip));
                    case EXIT -> h.append(fmt("<path class=\"exit\" d=\"M%.2f %dl5 -5M%.2f %dl-5 -5M%.2f %dl5 5M%.2f %dl-5 5\"><title>%s</title></path>",
                            x, y + 15, x, y + 15, x, y + 15, x, y + 15, tip));
                    case MAP, UNMAP -> h.append(fmt("<rect class=\"%s\" x=\"%.2f\" y=\"%d\" width=\"4\" height=\"4\"><title>%s</title></rect>",
                            m.kind() == KernelEvent.Kind.MAP ? "map" : "unmap", x - 2, barY + BAR_HEIGHT + 1, tip));
                    default -> {
                    }
                }
            }
            h.append("</g>\n");
        }
        // legend
        h.append(fmt("<g class=\"legend\" transform=\"translate(%d,%d)\">", 8, legendY));
        int x = 0;
        x = legend(h, x, "<rect x=\"0\" y=\"-9\" width=\"22\" height=\"12\" rx=\"2\" fill=\"#4e79a7\"/>", "on the CPU");
        x = legend(h, x, "<line class=\"ready\" x1=\"0\" y1=\"-3\" x2=\"22\" y2=\"-3\"/>", "ready, waiting");
        x = legend(h, x, "<rect x=\"0\" y=\"-8\" width=\"22\" height=\"10\" fill=\"url(#sleep)\"/>", "sleeping");
        x = legend(h, x, "<rect x=\"0\" y=\"-8\" width=\"22\" height=\"10\" fill=\"url(#block)\"/>", "blocked");
        x = legend(h, x, "<path class=\"preempt\" d=\"M11 -1l-4 -6h8z\"/>", "preempted");
        x = legend(h, x, "<circle class=\"yield\" cx=\"11\" cy=\"-4\" r=\"3\"/>", "yielded");
        x = legend(h, x, "<path class=\"exit\" d=\"M11 -3l5 -5M11 -3l-5 -5M11 -3l5 5M11 -3l-5 5\"/>", "exited");
        x = legend(h, x, "<rect class=\"map\" x=\"9\" y=\"-5\" width=\"4\" height=\"4\"/>", "mmap");
        legend(h, x, "<rect class=\"unmap\" x=\"9\" y=\"-5\" width=\"4\" height=\"4\"/>", "munmap");
        h.append("</g>\n</svg>");
    }

    private static int legend(StringBuilder h, int x, String swatch, String label) {
        h.append(fmt("<g transform=\"translate(%d,0)\">", x)).append(swatch)
                .append("<text x=\"28\" y=\"1\" class=\"axis\">").append(escape(label)).append("</text></g>");
        return x + 40 + label.length() * 7;
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    // ------------------------------------------------------------------ statistics

    private void statsTable(StringBuilder h, List<Task> tasks, Map<Integer, String> colours) {
        long total = 0;
        for (Task t : tasks) {
            total += t.cyclesRun();
        }
        h.append("<section><h2>Per task</h2>\n<table class=\"stats\">\n<thead><tr><th>id</th><th>name</th><th>level</th>")
                .append("<th class=\"num\">cycles run</th><th>share of the CPU</th><th class=\"num\">scheduled</th><th class=\"num\">preempted</th>")
                .append("<th class=\"num\">voluntary</th><th class=\"num\">waited (ms)</th><th>end</th></tr></thead>\n<tbody>\n");
        for (Task t : tasks) {
            boolean idle = t == kernel.idleTask();
            TaskControlBlock tcb = kernel.controlBlock(t);
            double share = total == 0 ? 0 : 100.0 * t.cyclesRun() / total;
            h.append("<tr").append(idle ? " class=\"idle\"" : "").append(">")
                    .append(fmt("<td class=\"num\">%d</td>", t.id()))
                    .append(fmt("<td><span class=\"dot\" style=\"background:%s\"></span>", colours.get(t.id()))).append(escape(t.name())).append("</td>")
                    .append("<td>").append(idle ? "EL1 (idle)" : tcb.isUser() ? "EL0 user" : "EL1 kernel").append("</td>")
                    .append(fmt("<td class=\"num\">%,d</td>", t.cyclesRun()))
                    .append(fmt("<td><div class=\"bar\"><div style=\"width:%.1f%%;background:%s\"></div></div><span class=\"pct\">%.1f%%</span></td>",
                            share, colours.get(t.id()), share))
                    .append(fmt("<td class=\"num\">%,d</td><td class=\"num\">%,d</td><td class=\"num\">%,d</td><td class=\"num\">%.1f</td>",
                            t.timesScheduled(), t.preemptions(), t.voluntarySwitches(), ms(tcb.waitCycles())))
                    .append("<td>").append(escape(idle ? "runs when nothing else can" : tcb.exitReason().isEmpty() ? t.state().name().toLowerCase(Locale.ROOT) : tcb.exitReason()))
                    .append("</td></tr>\n");
        }
        h.append("</tbody>\n</table>\n");
        h.append("<p class=\"events\">Events: ");
        for (Map.Entry<KernelEvent.Kind, Integer> e : counts.entrySet()) {
            h.append("<span class=\"chip\">").append(e.getKey().name().toLowerCase(Locale.ROOT)).append(fmt(" <b>%,d</b></span> ", e.getValue()));
        }
        h.append("</p></section>\n");
    }

    // ------------------------------------------------------------------ memory, TLB, machine

    private void memorySection(StringBuilder h, Map<String, String> machineFigures) {
        long boot = kernel.freeFramesAfterBoot();
        long free = kernel.frames().freeFrames();
        h.append("<section><h2>Frames (buddy allocator)</h2>\n<table class=\"kv\">");
        kv(h, "free after boot", fmt("%,d frames (%,d KiB)", boot, boot * 4));
        kv(h, "free now", fmt("%,d frames", free));
        kv(h, "in use now", fmt("%,d frames", kernel.frames().usedFrames()));
        kv(h, "given back", free == boot ? "everything: every stack, page, table and ASID" : fmt("%,d frames leaked", boot - free));
        h.append("</table>\n<h3>Free blocks by order</h3>\n");
        int maxOrder = kernel.frames().maxOrder();
        long[] perOrder = new long[maxOrder + 1];
        long most = 1;
        int shown = 1;
        for (int o = 0; o <= maxOrder; o++) {
            perOrder[o] = kernel.frames().freeBlocks(o).length;
            most = Math.max(most, perOrder[o]);
            shown = perOrder[o] > 0 ? Math.min(maxOrder + 1, o + 2) : shown;
        }
        perOrder = java.util.Arrays.copyOf(perOrder, shown);
        bars(h, perOrder, most, o -> "order " + o + " (" + ((4L << o) >= 1024 ? ((4L << o) / 1024) + " MiB" : (4L << o) + " KiB") + ")");
        h.append("</section>\n<section><h2>TLB</h2>\n<table class=\"kv\">");
        kv(h, "invalidations the kernel issued", fmt("%,d", kernel.tlbInvalidations()));
        for (Map.Entry<String, Integer> e : tlbiByOp.entrySet()) {
            kv(h, "TLBI " + e.getKey().toUpperCase(Locale.ROOT), fmt("%,d", e.getValue()));
        }
        h.append("</table>\n");
        if (!machineFigures.isEmpty()) {
            h.append("<h3>Machine</h3>\n<table class=\"kv\">");
            for (Map.Entry<String, String> e : machineFigures.entrySet()) {
                kv(h, e.getKey(), e.getValue());
            }
            h.append("</table>\n");
        }
        h.append("</section>\n");
    }

    private static void kv(StringBuilder h, String key, String value) {
        h.append("<tr><th>").append(escape(key)).append("</th><td>").append(escape(value)).append("</td></tr>");
    }

    private static void bars(StringBuilder h, long[] values, long most, java.util.function.IntFunction<String> label) {
        int rowH = 18;
        int w = 460;
        int labelW = 130;
        h.append(fmt("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"bars\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">", w, values.length * rowH + 4,
                w, values.length * rowH + 4));
        for (int i = 0; i < values.length; i++) {
            int y = i * rowH + 2;
            double bw = (w - labelW - 60) * (double) values[i] / most;
            h.append(fmt("<text x=\"%d\" y=\"%d\" class=\"axis\" text-anchor=\"end\">%s</text>", labelW - 6, y + 12, escape(label.apply(i))))
                    .append(fmt("<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" rx=\"2\" fill=\"#4e79a7\"/>", labelW, y + 2, Math.max(values[i] > 0 ? 1 : 0, bw), rowH - 5))
                    .append(fmt("<text x=\"%.1f\" y=\"%d\" class=\"axis\">%,d</text>", labelW + bw + 5, y + 12, values[i]));
        }
        h.append("</svg>\n");
    }

    // ------------------------------------------------------------------ page tables

    private void pageTables(StringBuilder h, Map<Integer, String> colours) {
        h.append("<section><h2>Page tables</h2>\n");
        Snapshot k = snapshot(kernel.kernelSpace(), kernel.tick(), true);
        h.append("<details open=\"open\"><summary>Kernel (TTBR1): ").append(escape(k.stats())).append("</summary>\n");
        tree(h, k);
        h.append("</details>\n");
        Map<Integer, Snapshot> user = new TreeMap<>(userTrees);
        for (Task t : kernel.tasks()) {
            AddressSpace space = kernel.controlBlock(t).addressSpace();
            if (space != null) {
                user.put(t.id(), snapshot(space.table(), kernel.tick(), true));
            }
        }
        if (user.isEmpty()) {
            h.append("<p class=\"hint\">No user address space was seen (no user task mapped pages while the report listened).</p>\n");
        }
        for (Map.Entry<Integer, Snapshot> e : user.entrySet()) {
            String name = "task #" + e.getKey();
            for (Task t : kernel.tasks()) {
                if (t.id() == e.getKey()) {
                    name = t.name() + " (#" + t.id() + ")";
                }
            }
            Snapshot s = e.getValue();
            h.append("<details open=\"open\"><summary><span class=\"dot\" style=\"background:")
                    .append(colours.getOrDefault(e.getKey(), IDLE_COLOUR)).append("\"></span>")
                    .append(escape(name)).append(" (TTBR0), ")
                    .append(s.live() ? "live at the end" : fmt("at its largest, tick %d", s.tick())).append(": ")
                    .append(escape(s.stats())).append("</summary>\n");
            tree(h, s);
            h.append("</details>\n");
        }
        h.append("</section>\n");
    }

    /**
     * Draws a walked table as indented rows; runs of leaves in one table with the same kind and
     * attributes over contiguous physical memory fold into one row ("64 × block 2M").
     */
    private static void tree(StringBuilder h, Snapshot s) {
        h.append("<div class=\"tree\"><div class=\"row root\">").append(escape(s.header())).append("</div>\n");
        List<Entry> es = s.entries();
        for (int i = 0; i < es.size(); ) {
            Entry e = es.get(i);
            int lvl = e.level();
            long d = e.descriptor();
            int j = i + 1;
            if (Descriptor.isLeaf(d, lvl)) {
                String attrs = Attributes.fromDescriptor(d).toString();
                while (j < es.size()) {
                    Entry f = es.get(j);
                    int k = j - i;
                    if (f.level() != lvl || !Descriptor.isLeaf(f.descriptor(), lvl) || f.index() != e.index() + k
                            || Descriptor.address(f.descriptor()) != Descriptor.address(d) + k * PageTable.span(lvl)
                            || !Attributes.fromDescriptor(f.descriptor()).toString().equals(attrs)) {
                        break;
                    }
                    j++;
                }
            }
            int count = j - i;
            long span = PageTable.span(lvl) * count;
            String kind = Descriptor.isTable(d, lvl) ? "table" : Descriptor.isBlock(d, lvl) ? (lvl == 1 ? "1 GiB block" : "2 MiB block") : "4 KiB page";
            h.append(fmt("<div class=\"row l%d %s\" style=\"margin-left:%dem\">", lvl, Descriptor.isTable(d, lvl) ? "tbl" : "leaf", 1 + 2 * lvl))
                    .append(fmt("<span class=\"lv\">L%d</span>", lvl))
                    .append(count == 1 ? fmt("[%d]", e.index()) : fmt("[%d..%d]", e.index(), e.index() + count - 1))
                    .append(" <span class=\"va\">").append(hex(e.va())).append("..").append(hex(e.va() + span - 1)).append("</span> ");
            if (Descriptor.isTable(d, lvl)) {
                h.append("→ table at ").append(hex(Descriptor.address(d)));
            } else {
                h.append("<b>").append(count == 1 ? "" : count + " × ").append(kind).append("</b> → PA ")
                        .append(hex(Descriptor.address(d)));
                if (count > 1) {
                    h.append("..").append(hex(Descriptor.address(d) + span - 1));
                }
                h.append(" <span class=\"attrs\">").append(escape(Attributes.fromDescriptor(d).toString())).append("</span>");
            }
            h.append("</div>\n");
            i = j;
        }
        h.append("<div class=\"row stats\">").append(escape(s.stats())).append("</div></div>\n");
    }

    // ------------------------------------------------------------------ console

    private void console(StringBuilder h, Map<Integer, String> colours) {
        String text = kernel.console();
        h.append("<section><h2>Console</h2>\n<pre class=\"console\">");
        if (written.toString().equals(text)) {
            for (int[] w : writeTasks) {
                h.append(fmt("<span style=\"color:%s\" title=\"task #%d\">", colours.getOrDefault(w[0], "#222"), w[0]))
                        .append(escape(written.substring(w[1], w[2]))).append("</span>");
            }
        } else {
            h.append(escape(text));
        }
        h.append("</pre>\n<p class=\"hint\">Each task's writes in its colour.</p></section>\n");
    }

    private static final String CSS = """
            :root { --ink: #1f2933; --muted: #6b7785; --line: #e3e7ec; }
            * { box-sizing: border-box; }
            body { margin: 0; padding: 24px 32px 40px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
                   color: var(--ink); background: #fbfcfd; }
            header h1 { margin: 0; font-size: 26px; letter-spacing: -0.01em; }
            .sub { margin: 2px 0 16px; color: var(--muted); }
            h2 { font-size: 17px; margin: 0 0 10px; }
            h3 { font-size: 14px; margin: 14px 0 6px; color: var(--muted); }
            section { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 16px 18px; margin: 0 0 18px;
                      box-shadow: 0 1px 2px rgba(0,0,0,0.03); }
            .cards { display: flex; flex-wrap: wrap; gap: 12px; background: none; border: none; box-shadow: none; padding: 0; }
            .card { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 10px 16px; min-width: 130px; }
            .card b { display: block; font-size: 22px; font-variant-numeric: tabular-nums; }
            .card span { color: var(--muted); font-size: 12px; }
            .card.good b { color: #2f8a3c; } .card.bad b { color: #c0392b; }
            .scroll { overflow-x: auto; }
            svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
            .axis { font-size: 11px; fill: var(--muted); } .small { font-size: 9px; }
            .name { font-size: 13px; font-weight: 600; fill: var(--ink); } .meta { font-weight: 400; fill: var(--muted); font-size: 11px; }
            .ready { stroke: #9aa5b1; stroke-width: 1.5; stroke-dasharray: 3 2; }
            .run:hover, .sleep:hover, .block:hover { stroke: #111; stroke-width: 1; }
            .preempt { fill: #d62728; } .yield { fill: #1f77b4; stroke: #fff; stroke-width: 1; }
            .exit { stroke: #111; stroke-width: 2; fill: none; } .map { fill: #2ca02c; } .unmap { fill: #8c564b; }
            .hint { color: var(--muted); font-size: 12px; margin: 6px 0 0; }
            table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
            .stats { width: 100%; }
            .stats th, .stats td { padding: 5px 10px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
            .stats th { font-size: 12px; color: var(--muted); font-weight: 600; }
            .stats tr.idle td { color: var(--muted); }
            .num { text-align: right !important; }
            .dot { display: inline-block; width: 10px; height: 10px; border-radius: 3px; margin-right: 6px; vertical-align: -1px; }
            .bar { display: inline-block; width: 120px; height: 10px; background: #eef1f4; border-radius: 5px; overflow: hidden; vertical-align: middle; }
            .bar div { height: 100%; }
            .pct { margin-left: 6px; font-size: 12px; color: var(--muted); }
            .chip { display: inline-block; background: #eef1f4; border-radius: 10px; padding: 1px 8px; margin: 2px; font-size: 12px; }
            .events { margin: 10px 0 0; }
            .cols { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 18px; }
            .kv th { text-align: left; font-weight: 500; color: var(--muted); padding: 3px 16px 3px 0; }
            .kv td { padding: 3px 0; }
            details { margin: 6px 0 12px; } summary { cursor: pointer; font-weight: 600; }
            .tree { font: 12px/1.6 ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; margin-top: 6px;
                    border-left: 3px solid var(--line); padding-left: 8px; }
            .tree .row { white-space: nowrap; } .tree .root, .tree .stats { color: var(--muted); }
            .tree .lv { display: inline-block; min-width: 22px; border-radius: 3px; padding: 0 3px; margin-right: 4px; color: #fff; text-align: center; }
            .l0 .lv { background: #6b7785; } .l1 .lv { background: #4e79a7; } .l2 .lv { background: #59a14f; } .l3 .lv { background: #f28e2b; }
            .tree .va { color: #3b4a5a; } .tree .attrs { color: var(--muted); } .tree .tbl { color: var(--muted); }
            .console { background: #111820; color: #d8dee6; padding: 12px 14px; border-radius: 8px; white-space: pre-wrap; word-break: break-all;
                       font: 13px/1.5 ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; margin: 0; }
            footer { color: var(--muted); font-size: 12px; }
            """;
}
