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
 *   <li><b>Model.</b> Who did what when comes from a {@link Schedule} (its state machine: RUN,
 *       READY, SLEEP, BLOCK stretches, marks, ticks, MLFQ levels), the same one a
 *       {@link TraceExport} writes, so the page and the trace cannot disagree. The report itself
 *       listens only for what the schedule does not keep: page tables, the console, counts.</li>
 *   <li><b>Capture.</b> A user task's address space is destroyed when it is reaped, so at every
 *       MAP event the task's page table is walked into a snapshot; the biggest one per task is
 *       kept (a live space at render time wins).</li>
 *   <li><b>Render.</b> {@link #render(Map)} writes XHTML-compatible HTML5 (it parses as XML):
 *       inline CSS, inline SVG, no external font, image or link, and one inline script that only
 *       zooms and pans the timeline (the page as written is its first view). The timeline: an
 *       overview of the whole run, a lane per task and one for the kernel (reaping, TLBIs), RUN
 *       bars at least {@link #MIN_RUN_PX} wide, READY bars, hatched sleep and block, marks
 *       clustered when closer than {@link #MARK_CLUSTER_PX}, MLFQ levels as a tint. Every string
 *       that comes from a task (names, console text, event details) goes through
 *       {@link #escape}, so guest output cannot inject markup.</li>
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
    /** One valid page-table entry, as {@link PageTable#walk} gives it. */
    private record Entry(int level, int index, long va, long descriptor) {
    }

    /** A walked page table: its header, entries, statistics, and when it was taken. */
    private record Snapshot(String header, List<Entry> entries, String stats, long tick, int leaves, boolean live, int asid) {
    }

    /** Width of the timeline's plot area in pixels (it fits a 1,400 px window next to the labels). */
    static final int PLOT_WIDTH = 1050;
    /** Pixels per tick the first view never goes below: a longer run opens on its first ticks (zoom and pan for the rest). */
    static final double MIN_PX_PER_TICK = 3.5;
    /** The narrowest a stretch on the CPU is drawn, in pixels, however short it was. */
    static final double MIN_RUN_PX = 2;
    /** Marks on one lane closer than this many pixels are drawn as one, with a count. */
    static final double MARK_CLUSTER_PX = 14;
    /** Width of the lane labels on the left of the timeline. */
    private static final int LABEL_WIDTH = 170;
    /** Height of one lane; the bars are {@link #BAR_HEIGHT} high inside it. */
    private static final int LANE_HEIGHT = 30;
    private static final int BAR_HEIGHT = 18;
    /** Height of the overview strip above the lanes. */
    private static final int OVERVIEW_HEIGHT = 22;
    /** Task colours, by lane (the idle task is grey). */
    private static final String[] PALETTE = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2",
        "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#3b8bc2"};
    private static final String IDLE_COLOUR = "#c3c8cf";
    private static final String KERNEL_COLOUR = "#52606d";

    private final Kernel kernel;
    private final Schedule schedule;
    private final Map<Integer, Snapshot> userTrees = new TreeMap<>();
    private final Map<KernelEvent.Kind, Integer> counts = new EnumMap<>(KernelEvent.Kind.class);
    private final Map<String, Integer> tlbiByOp = new TreeMap<>();
    private final List<int[]> writeTasks = new ArrayList<>();
    private final StringBuilder written = new StringBuilder();

    private HtmlReport(Kernel kernel, Schedule schedule) {
        this.kernel = Objects.requireNonNull(kernel, "kernel");
        this.schedule = Objects.requireNonNull(schedule, "schedule");
    }

    /**
     * Creates a report with a {@link Schedule} of its own and adds both to the kernel's
     * listeners; attach it before spawning so it sees every task from the start.
     *
     * @param kernel the kernel to watch
     * @return the report
     */
    public static HtmlReport attach(Kernel kernel) {
        return attach(kernel, Schedule.attach(kernel));
    }

    /**
     * Creates a report that draws a schedule someone else attached (share it with a
     * {@link TraceExport} so the page and the trace show the same thing), and adds the report to
     * the kernel's listeners for what only it shows (page tables, console, event counts).
     *
     * @param kernel the kernel to watch
     * @param schedule the schedule, attached to the same kernel ({@link Schedule#attach})
     * @return the report
     */
    public static HtmlReport attach(Kernel kernel, Schedule schedule) {
        HtmlReport r = new HtmlReport(kernel, schedule);
        kernel.addListener(r);
        return r;
    }

    /**
     * Returns the schedule this report draws.
     *
     * @return the model
     */
    public Schedule schedule() {
        return schedule;
    }

    // ------------------------------------------------------------------ collecting

    @Override
    public void event(KernelEvent e) {
        counts.merge(e.kind(), 1, Integer::sum);
        int id = e.task();
        switch (e.kind()) {
            case MAP -> capture(id, e.tick());
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
        return new Snapshot(label(table) + ", L" + table.startLevel() + " root " + hex(table.root()), entries,
                table.stats().toString(), tick, leaves[0], live, table.half() == dev.levitate.mmu.Half.UPPER ? -1 : table.asid());
    }

    /**
     * Names a table by the register that holds it and what tags its TLB entries: TTBR1's kernel
     * mappings are global (nG = 0), so no ASID applies to them (Arm ARM D8.16, "Global and
     * process-specific translation table entries"); a TTBR0 table's entries carry its ASID.
     */
    static String label(PageTable table) {
        return table.half() == dev.levitate.mmu.Half.UPPER
                ? "TTBR1 (upper half), global entries: no ASID"
                : "TTBR0 (lower half), ASID " + table.asid();
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
        long end = Math.max(schedule.endCycles(), 1);
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
        h.append("</div>\n<p class=\"hint\">Hover a bar or a mark for its times. x: simulated time in ms from boot; gridlines at the timer ticks."
                + " The kernel's lane holds what the kernel did on no running task's behalf: reaping exited tasks, TLB invalidations.</p></section>\n");
        statsTable(h, tasks, colours);
        h.append("<div class=\"cols\">\n");
        memorySection(h, machineFigures);
        h.append("</div>\n");
        pageTables(h, colours);
        console(h, colours);
        h.append("<footer>Generated by Levitate's HtmlReport: one file, no network; its one inline script only zooms and pans the timeline.</footer>\n");
        h.append("<script>//<![CDATA[\n").append(SCRIPT).append("//]]>\n</script>\n</body>\n</html>\n");
        return h.toString();
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    private double ms(long cycles) {
        return schedule.nanos(cycles) / 1e6;
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

    /**
     * The timeline: an overview strip of the whole run (each task's share of the CPU per column),
     * then one lane per task and one for the kernel, in a plot whose every element carries its
     * time in ms ({@code data-a}/{@code data-b}, or {@code data-t} for marks) so that the inline
     * script can zoom and pan by redrawing. What is written here is the first view, drawn with
     * the same rules as the script's ({@link #MIN_RUN_PX}, {@link #MARK_CLUSTER_PX}): a page
     * without script shows it as it is.
     */
    private void timeline(StringBuilder h, List<Task> tasks, Map<Integer, String> colours, long end) {
        double endMs = ms(end);
        double tickMs = ms(kernel.tickCycles());
        double viewMs = Math.min(endMs, PLOT_WIDTH / MIN_PX_PER_TICK * tickMs);
        double k = PLOT_WIDTH / Math.max(viewMs, 1e-6); // px per ms in the first view
        boolean levels = schedule.hasLevels();
        int laneCount = tasks.size() + 1; // and the kernel's lane
        int overviewY = 24;
        int top = overviewY + OVERVIEW_HEIGHT + 26;
        int lanesH = laneCount * LANE_HEIGHT;
        int legendY = top + lanesH + 34;
        int width = LABEL_WIDTH + PLOT_WIDTH + 16;
        int height = legendY + (levels ? 48 : 26);
        Map<Integer, Integer> lane = new TreeMap<>();
        for (int i = 0; i < tasks.size(); i++) {
            lane.put(tasks.get(i).id(), i);
        }
        lane.put(Schedule.KERNEL, tasks.size());

        h.append("<div class=\"zoom\" id=\"zoom\"><button type=\"button\" data-zoom=\"in\" title=\"zoom in\">+</button>")
                .append("<button type=\"button\" data-zoom=\"out\" title=\"zoom out\">−</button>")
                .append("<button type=\"button\" data-zoom=\"left\" title=\"pan left\">◀</button>")
                .append("<button type=\"button\" data-zoom=\"right\" title=\"pan right\">▶</button>")
                .append("<button type=\"button\" data-zoom=\"all\" title=\"the whole run\">whole run</button>")
                .append(fmt("<span class=\"view\" id=\"view\">%.1f–%.1f ms of %.1f ms</span>", 0.0, viewMs, endMs))
                .append("<span class=\"hint\"> wheel: zoom at the pointer · drag: pan · click the overview: go there</span></div>\n");
        h.append(fmt("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" id=\"timeline\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
                + " data-end=\"%.4f\" data-view=\"%.4f\" data-tick=\"%.4f\" data-plot=\"%d\" data-min-run=\"%.1f\" data-cluster=\"%.1f\" data-label=\"%d\" role=\"img\" aria-label=\"Timeline: which task ran when\">\n",
                width, height, width, height, endMs, viewMs, tickMs, PLOT_WIDTH, MIN_RUN_PX, MARK_CLUSTER_PX, LABEL_WIDTH));
        h.append(fmt("<defs><clipPath id=\"plotclip\"><rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\"/></clipPath>", PLOT_WIDTH + 20, height))
                .append("<pattern id=\"sleep\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">")
                .append("<rect width=\"6\" height=\"6\" fill=\"#e6f0fb\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#8fb3de\" stroke-width=\"2\"/></pattern>")
                .append("<pattern id=\"block\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">")
                .append("<rect width=\"6\" height=\"6\" fill=\"#fdf0e1\"/><path d=\"M0 0L6 6M6 0L0 6\" stroke=\"#e0a05a\" stroke-width=\"1\"/></pattern></defs>\n");
        // lane backgrounds and labels (outside the zoomed plot)
        for (int i = 0; i < laneCount; i++) {
            int y = top + i * LANE_HEIGHT;
            h.append(fmt("<rect class=\"zebra\" x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>\n", y, width, LANE_HEIGHT, i % 2 == 0 ? "#f7f8fa" : "#ffffff"));
        }
        h.append(fmt("<text x=\"8\" y=\"%d\" class=\"axis\">whole run</text>", overviewY + 15));
        h.append(fmt("<text x=\"8\" y=\"%d\" class=\"axis\">time (ms)</text>", top - 10));
        overview(h, tasks, colours, end, overviewY, viewMs);
        h.append(fmt("<g class=\"plot\" id=\"plot\" transform=\"translate(%d,0)\" clip-path=\"url(#plotclip)\">\n", LABEL_WIDTH));
        // gridlines at the ticks; labels are thinned to about 60 px apart (the script re-thins them)
        int every = labelStep(tickMs * k);
        h.append("<g class=\"grid\">");
        h.append(fmt("<line class=\"gl major\" data-t=\"0\" data-n=\"0\" x1=\"0\" y1=\"%d\" x2=\"0\" y2=\"%d\"/>", top - 6, top + lanesH))
                .append(fmt("<text class=\"axis gt\" data-t=\"0\" data-n=\"0\" x=\"0\" y=\"%d\" text-anchor=\"start\">0</text>", top - 10));
        for (Schedule.Tick t : schedule.ticks()) {
            double tm = ms(t.cycles());
            double x = tm * k;
            boolean major = t.tick() % every == 0;
            h.append(fmt("<line class=\"gl%s\" data-t=\"%.4f\" data-n=\"%d\" x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\"/>", major ? " major" : "", tm, t.tick(),
                    x, major ? top - 6 : top, x, top + lanesH));
            h.append(fmt("<text class=\"axis gt\" data-t=\"%.4f\" data-n=\"%d\" x=\"%.2f\" y=\"%d\" text-anchor=\"middle\"%s>%.0f</text>", tm, t.tick(), x, top - 10,
                    major ? "" : " visibility=\"hidden\"", tm));
        }
        h.append("</g>\n");
        for (Task t : tasks) {
            int y = top + lane.get(t.id()) * LANE_HEIGHT;
            int barY = y + (LANE_HEIGHT - BAR_HEIGHT) / 2;
            String colour = colours.get(t.id());
            h.append(fmt("<g class=\"lane\" data-task=\"%d\">", t.id()));
            for (Schedule.Stretch s : schedule.stretches(t.id())) {
                stretch(h, t.name(), s, colour, y, barY, k);
            }
            marks(h, t.id(), y, barY, k);
            h.append("</g>\n");
        }
        int ky = top + lane.get(Schedule.KERNEL) * LANE_HEIGHT;
        h.append(fmt("<g class=\"lane kernel\" data-task=\"%d\">", Schedule.KERNEL));
        marks(h, Schedule.KERNEL, ky, ky + (LANE_HEIGHT - BAR_HEIGHT) / 2, k);
        h.append("</g>\n</g>\n");
        // labels over the zebra, left of the plot
        for (Task t : tasks) {
            int y = top + lane.get(t.id()) * LANE_HEIGHT;
            boolean user = t != kernel.idleTask() && kernel.controlBlock(t).isUser();
            h.append(fmt("<g class=\"label\"><rect x=\"8\" y=\"%d\" width=\"10\" height=\"10\" rx=\"2\" fill=\"%s\"/>", y + 10, colours.get(t.id())));
            h.append(fmt("<text x=\"24\" y=\"%d\" class=\"name\">", y + 19)).append(escape(clip(t.name(), 14)))
                    .append(fmt("<tspan class=\"meta\"> #%d %s</tspan></text></g>\n", t.id(), t == kernel.idleTask() ? "idle" : user ? "EL0" : "EL1"));
        }
        h.append(fmt("<g class=\"label\"><rect x=\"8\" y=\"%d\" width=\"10\" height=\"10\" rx=\"2\" fill=\"%s\"/>", ky + 10, KERNEL_COLOUR))
                .append(fmt("<text x=\"24\" y=\"%d\" class=\"name\">kernel<tspan class=\"meta\"> reaping, TLBI</tspan></text></g>\n", ky + 19));
        legendRow(h, legendY, levels);
        h.append("</svg>");
    }

    /** The first label step (in ticks) that keeps tick labels about 60 px apart. */
    private static int labelStep(double pxPerTick) {
        for (int step : new int[] {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000}) {
            if (step * pxPerTick >= 60) {
                return step;
            }
        }
        return 100_000;
    }

    /** One stretch: a bar on the CPU (at least {@link #MIN_RUN_PX} wide), a thin ready bar, a hatched sleep or block. */
    private void stretch(StringBuilder h, String name, Schedule.Stretch s, String colour, int y, int barY, double k) {
        double a = ms(s.from());
        double b = ms(s.to());
        String activity = s.activity().name().toLowerCase(Locale.ROOT);
        String tip = escape(name) + fmt(" (#%d): %s %.2f–%.2f ms (%.2f ms)", s.task(), activity, a, b, b - a)
                + (s.level() >= 0 ? fmt(", MLFQ level %d", s.level()) : "") + (s.note().isEmpty() ? "" : "; " + escape(s.note()));
        String data = fmt("data-a=\"%.4f\" data-b=\"%.4f\" data-from=\"%d\" data-to=\"%d\"", a, b, s.from(), s.to());
        switch (s.activity()) {
            case RUN -> {
                double w = Math.max(MIN_RUN_PX, (b - a) * k);
                h.append(fmt("<rect class=\"run\" %s data-min=\"%.1f\"%s x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" rx=\"1.5\" fill=\"%s\"%s><title>%s</title></rect>",
                        data, MIN_RUN_PX, s.level() >= 0 ? fmt(" data-level=\"%d\"", s.level()) : "", a * k, barY, w, BAR_HEIGHT, colour,
                        s.level() >= 0 ? fmt(" fill-opacity=\"%.2f\"", levelOpacity(s.level())) : "", tip));
            }
            case READY -> {
                if (s.to() > s.from()) {
                    h.append(fmt("<rect class=\"ready\" %s data-min=\"0\" x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"6\"><title>%s</title></rect>",
                            data, a * k, y + LANE_HEIGHT / 2 - 3, (b - a) * k, tip));
                }
            }
            case SLEEP, BLOCK -> h.append(fmt("<rect class=\"%s\" %s data-min=\"0\" x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"url(#%s)\"><title>%s</title></rect>",
                    activity, data, a * k, barY + 3, (b - a) * k, BAR_HEIGHT - 6, activity, tip));
        }
    }

    /** The MLFQ tint: level 0 (the top queue) solid, the bottom level lightest. */
    private double levelOpacity(int level) {
        int n = Math.max(2, schedule.levels());
        return 1.0 - 0.6 * Math.min(level, n - 1) / (n - 1);
    }

    /**
     * A lane's marks: those less than {@link #MARK_CLUSTER_PX} apart in the first view are drawn
     * as the first of them with a count ("+3"), and the tooltip lists them all.
     */
    private void marks(StringBuilder h, int laneId, int y, int barY, double k) {
        List<Schedule.Mark> mine = new ArrayList<>();
        for (Schedule.Mark m : schedule.marks()) {
            boolean drawn = switch (m.kind()) {
                case PREEMPT, YIELD, EXIT, MAP, UNMAP, REAP -> true;
                case TLBI, TABLE_FREED -> laneId == Schedule.KERNEL;
                default -> false;
            };
            int at = m.kind() == KernelEvent.Kind.TLBI || m.kind() == KernelEvent.Kind.TABLE_FREED ? Schedule.KERNEL : m.lane();
            if (drawn && at == laneId) {
                mine.add(m);
            }
        }
        double lastX = Double.NEGATIVE_INFINITY;
        int head = -1;
        List<StringBuilder> out = new ArrayList<>();
        int[] cluster = new int[mine.size()];
        for (int i = 0; i < mine.size(); i++) {
            double x = ms(mine.get(i).cycles()) * k;
            if (head >= 0 && x - lastX < MARK_CLUSTER_PX) {
                cluster[head]++;
            } else {
                head = i;
                lastX = x;
            }
            cluster[i] += head == i ? 1 : 0;
        }
        head = -1;
        for (int i = 0; i < mine.size(); i++) {
            Schedule.Mark m = mine.get(i);
            double t = ms(m.cycles());
            boolean isHead = cluster[i] > 0;
            String who = m.lane() == Schedule.KERNEL && m.task() > 0 ? fmt(" for task #%d", m.task()) : "";
            String tip = escape(label(m.kind())) + who + fmt(" at %.3f ms (tick %d)", t, m.tick()) + (m.detail().isEmpty() ? "" : ": " + escape(m.detail()));
            StringBuilder g = new StringBuilder();
            g.append(fmt("<g class=\"mark\" data-t=\"%.4f\" data-kind=\"%s\" transform=\"translate(%.2f,0)\"%s>", t, m.kind().name().toLowerCase(Locale.ROOT), t * k,
                    isHead ? "" : " visibility=\"hidden\""));
            switch (m.kind()) {
                case PREEMPT -> g.append(fmt("<path class=\"preempt\" d=\"M0 %dl-3.5 -6h7z\"/>", barY));
                case YIELD -> g.append(fmt("<circle class=\"yield\" cx=\"0\" cy=\"%d\" r=\"3\"/>", barY - 2));
                case EXIT -> g.append(fmt("<path class=\"exit\" d=\"M0 %1$dl5 -5M0 %1$dl-5 -5M0 %1$dl5 5M0 %1$dl-5 5\"/>", y + 15));
                case MAP, UNMAP -> g.append(fmt("<rect class=\"%s\" x=\"-2\" y=\"%d\" width=\"4\" height=\"4\"/>",
                        m.kind() == KernelEvent.Kind.MAP ? "map" : "unmap", barY + BAR_HEIGHT + 1));
                case REAP -> g.append(fmt("<path class=\"reap\" d=\"M0 %dl4 7h-8z\"/>", barY + 2));
                case TLBI -> g.append(fmt("<line class=\"tlbi\" x1=\"0\" y1=\"%d\" x2=\"0\" y2=\"%d\"/>", barY + 8, barY + BAR_HEIGHT));
                case TABLE_FREED -> g.append(fmt("<rect class=\"tfree\" x=\"-2.5\" y=\"%d\" width=\"5\" height=\"5\"/>", barY + 1));
                default -> {
                }
            }
            g.append(fmt("<text class=\"count\" x=\"5\" y=\"%d\">%s</text>", barY + 1, isHead && cluster[i] > 1 ? "+" + (cluster[i] - 1) : ""));
            g.append("<title>").append(tip).append("</title></g>");
            out.add(g);
        }
        for (StringBuilder g : out) {
            h.append(g);
        }
    }

    private static String label(KernelEvent.Kind kind) {
        return switch (kind) {
            case PREEMPT -> "preempted";
            case YIELD -> "yielded";
            case EXIT -> "exited";
            case MAP -> "mmap";
            case UNMAP -> "unmap";
            case REAP -> "reaped";
            case TLBI -> "TLBI";
            case TABLE_FREED -> "table freed";
            default -> kind.name().toLowerCase(Locale.ROOT);
        };
    }

    /**
     * The overview: the whole run in {@link #PLOT_WIDTH} px, each 3 px column split between the
     * tasks by their share of the CPU in it (so a long run reads as shares, not a barcode), and
     * the window the lanes show.
     */
    private void overview(StringBuilder h, List<Task> tasks, Map<Integer, String> colours, long end, int y, double viewMs) {
        int columns = PLOT_WIDTH / 3;
        double perColumn = Math.max(1.0, end / (double) columns);
        Map<Integer, double[]> share = new LinkedHashMap<>();
        for (Task t : tasks) {
            share.put(t.id(), new double[columns]);
        }
        for (Schedule.Stretch s : schedule.cpu()) {
            double[] col = share.get(s.task());
            if (col == null) {
                continue;
            }
            for (long c = s.from(); c < s.to(); ) {
                int i = (int) Math.min(columns - 1, c / perColumn);
                long next = Math.min(s.to(), (long) Math.ceil((i + 1) * perColumn));
                if (next <= c) {
                    next = s.to();
                }
                col[i] += next - c;
                c = next;
            }
        }
        h.append(fmt("<g class=\"overview\" id=\"overview\" transform=\"translate(%d,%d)\">", LABEL_WIDTH, y));
        h.append(fmt("<rect class=\"ovbg\" x=\"0\" y=\"0\" width=\"%d\" height=\"%d\"/>", PLOT_WIDTH, OVERVIEW_HEIGHT));
        for (int i = 0; i < columns; i++) {
            double stacked = 0;
            for (Map.Entry<Integer, double[]> e : share.entrySet()) {
                double f = e.getValue()[i] / perColumn;
                if (f > 0.001) {
                    double hgt = Math.min(OVERVIEW_HEIGHT - stacked, f * OVERVIEW_HEIGHT);
                    h.append(fmt("<rect x=\"%d\" y=\"%.2f\" width=\"3\" height=\"%.2f\" fill=\"%s\"/>", i * 3, OVERVIEW_HEIGHT - stacked - hgt, hgt, colours.get(e.getKey())));
                    stacked += hgt;
                }
            }
        }
        double endMs = Math.max(ms(end), 1e-6);
        h.append(fmt("<rect class=\"window\" id=\"window\" x=\"0\" y=\"-2\" width=\"%.2f\" height=\"%d\"/>", PLOT_WIDTH * viewMs / endMs, OVERVIEW_HEIGHT + 4));
        h.append("<title>The whole run: each column splits between the tasks by their share of the CPU; the frame is the window the lanes show</title></g>\n");
    }

    private void legendRow(StringBuilder h, int legendY, boolean levels) {
        h.append(fmt("<g class=\"legend\" transform=\"translate(%d,%d)\">", 8, legendY));
        int x = 0;
        x = legend(h, x, "<rect x=\"0\" y=\"-9\" width=\"22\" height=\"12\" rx=\"2\" fill=\"#4e79a7\"/>", "on the CPU");
        x = legend(h, x, "<rect class=\"ready\" x=\"0\" y=\"-6\" width=\"22\" height=\"6\"/>", "ready, waiting");
        x = legend(h, x, "<rect x=\"0\" y=\"-8\" width=\"22\" height=\"10\" fill=\"url(#sleep)\"/>", "sleeping");
        x = legend(h, x, "<rect x=\"0\" y=\"-8\" width=\"22\" height=\"10\" fill=\"url(#block)\"/>", "blocked");
        x = legend(h, x, "<path class=\"preempt\" d=\"M11 -1l-4 -6h8z\"/>", "preempted");
        x = legend(h, x, "<circle class=\"yield\" cx=\"11\" cy=\"-4\" r=\"3\"/>", "yielded");
        x = legend(h, x, "<path class=\"exit\" d=\"M11 -3l5 -5M11 -3l-5 -5M11 -3l5 5M11 -3l-5 5\"/>", "exited");
        x = legend(h, x, "<rect class=\"map\" x=\"9\" y=\"-5\" width=\"4\" height=\"4\"/>", "mmap");
        x = legend(h, x, "<rect class=\"unmap\" x=\"9\" y=\"-5\" width=\"4\" height=\"4\"/>", "munmap");
        x = legend(h, x, "<path class=\"reap\" d=\"M11 -8l4 7h-8z\"/>", "reaped");
        x = legend(h, x, "<line class=\"tlbi\" x1=\"11\" y1=\"-8\" x2=\"11\" y2=\"2\"/>", "TLBI");
        legend(h, x, "<text class=\"count\" x=\"4\" y=\"-1\">+2</text>", "marks too close to tell apart");
        if (levels) {
            h.append("</g>\n").append(fmt("<g class=\"legend levels\" transform=\"translate(%d,%d)\">", 8, legendY + 22));
            x = 0;
            for (int l = 0; l < schedule.levels(); l++) {
                x = legend(h, x, fmt("<rect x=\"0\" y=\"-9\" width=\"22\" height=\"12\" rx=\"2\" fill=\"#4e79a7\" fill-opacity=\"%.2f\"/>", levelOpacity(l)),
                        l == 0 ? "MLFQ level 0 (top queue)" : l == schedule.levels() - 1 ? "MLFQ level " + l + " (bottom)" : "MLFQ level " + l);
            }
            legend(h, x, "", "(a bar's tint: the level it was dispatched from)");
        }
        h.append("</g>\n");
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
        long ram = 0;
        for (dev.levitate.core.mem.MemoryRegion r : kernel.memory().regions()) {
            ram += r.size() >> dev.levitate.core.mem.PhysicalMemory.PAGE_SHIFT;
        }
        long used = kernel.frames().usedFrames();
        long reserved = ram - kernel.frames().totalFrames();
        kv(h, "RAM", fmt("%,d frames = %,d free + %,d in use + %,d reserved", ram, free, used, reserved));
        kv(h, "free now", fmt("%,d frames", free));
        kv(h, "in use now", fmt("%,d frames (kernel tables, stacks, code, user pages)", used));
        kv(h, "reserved", fmt("%,d frames (the backend's runtime: vectors, trampoline; never handed out)", reserved));
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
        h.append("<details open=\"open\"><summary>Kernel (TTBR1, global entries: no ASID): ").append(escape(k.stats())).append("</summary>\n");
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
                    .append(escape(name)).append(" (TTBR0, ASID ").append(s.asid()).append("), ")
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

    /**
     * The timeline's zoom and pan: redraws every element of the plot from its times in ms
     * ({@code data-a}/{@code data-b}: x and width, never narrower than {@code data-min} px;
     * {@code data-t}: a mark's or gridline's x), thins the tick labels to about 60 px apart, and
     * re-clusters the marks that come closer than the cluster distance, with the same rules as
     * the Java that wrote the first view. The URL's fragment {@code #view=FROM-TO} (ms) opens a
     * window. No network, no storage, nothing outside the timeline is touched.
     */
    private static final String SCRIPT = """
            (function () {
              'use strict';
              var svg = document.getElementById('timeline');
              if (!svg) { return; }
              var plot = document.getElementById('plot');
              var num = function (e, a) { return Number(e.getAttribute(a)); };
              var W = num(svg, 'data-plot'), END = num(svg, 'data-end'), TICK = num(svg, 'data-tick');
              var GAP = num(svg, 'data-cluster'), LABEL = num(svg, 'data-label');
              var t0 = 0, t1 = num(svg, 'data-view');
              var bars = plot.querySelectorAll('[data-a]');
              var grid = plot.querySelectorAll('.grid [data-t]');
              var lanes = plot.querySelectorAll('g.lane');
              var win = document.getElementById('window'), view = document.getElementById('view');
              var steps = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];
              function clamp() {
                var minSpan = Math.max(Math.min(END, TICK / 50), 1e-3);
                if (t1 - t0 < minSpan) { var c = (t0 + t1) / 2; t0 = c - minSpan / 2; t1 = c + minSpan / 2; }
                if (t1 - t0 >= END) { t0 = 0; t1 = END; return; }
                if (t0 < 0) { t1 -= t0; t0 = 0; }
                if (t1 > END) { t0 -= t1 - END; t1 = END; }
              }
              function draw() {
                clamp();
                var k = W / (t1 - t0), i, e, x;
                for (i = 0; i < bars.length; i++) {
                  e = bars[i];
                  var a = num(e, 'data-a'), b = num(e, 'data-b');
                  e.setAttribute('x', ((a - t0) * k).toFixed(2));
                  e.setAttribute('width', Math.max(num(e, 'data-min'), (b - a) * k).toFixed(2));
                }
                var pxTick = TICK * k, step = 100000;
                for (i = 0; i < steps.length; i++) { if (steps[i] * pxTick >= 60) { step = steps[i]; break; } }
                for (i = 0; i < grid.length; i++) {
                  e = grid[i];
                  x = ((num(e, 'data-t') - t0) * k).toFixed(2);
                  var major = num(e, 'data-n') % step === 0;
                  if (e.tagName === 'line') {
                    e.setAttribute('x1', x); e.setAttribute('x2', x);
                    e.setAttribute('visibility', major || pxTick >= 3 ? 'visible' : 'hidden');
                    e.classList.toggle('major', major);
                  } else {
                    e.setAttribute('x', x);
                    e.setAttribute('visibility', major ? 'visible' : 'hidden');
                  }
                }
                for (var l = 0; l < lanes.length; l++) {
                  var marks = lanes[l].querySelectorAll('g.mark'), last = -1e9, head = null, count = 0;
                  for (i = 0; i <= marks.length; i++) {
                    var g = marks[i];
                    x = g ? (num(g, 'data-t') - t0) * k : 0;
                    if (g) { g.setAttribute('transform', 'translate(' + x.toFixed(2) + ',0)'); }
                    if (g && head && x - last < GAP) { count++; g.setAttribute('visibility', 'hidden'); continue; }
                    if (head) { head.querySelector('.count').textContent = count > 1 ? '+' + (count - 1) : ''; }
                    if (!g) { break; }
                    head = g; last = x; count = 1; g.setAttribute('visibility', 'visible');
                  }
                }
                if (win) { win.setAttribute('x', (t0 / END * W).toFixed(2)); win.setAttribute('width', Math.max(2, (t1 - t0) / END * W).toFixed(2)); }
                if (view) { view.textContent = t0.toFixed(1) + '\\u2013' + t1.toFixed(1) + ' ms of ' + END.toFixed(1) + ' ms'; }
                svg.setAttribute('data-shown', t0.toFixed(4) + '-' + t1.toFixed(4));
              }
              function zoom(f, at) {
                var c = at === undefined ? (t0 + t1) / 2 : at;
                t0 = c - (c - t0) / f; t1 = c + (t1 - c) / f; draw();
              }
              function pan(dt) { t0 += dt; t1 += dt; draw(); }
              function plotX(ev) {
                var r = svg.getBoundingClientRect();
                return (ev.clientX - r.left) * (svg.viewBox.baseVal.width / r.width) - LABEL;
              }
              var buttons = document.querySelectorAll('#zoom button');
              for (var i = 0; i < buttons.length; i++) {
                buttons[i].addEventListener('click', function () {
                  var z = this.getAttribute('data-zoom'), span = t1 - t0;
                  if (z === 'in') { zoom(2); } else if (z === 'out') { zoom(0.5); } else if (z === 'left') { pan(-span / 2); }
                  else if (z === 'right') { pan(span / 2); } else { t0 = 0; t1 = END; draw(); }
                });
              }
              svg.addEventListener('wheel', function (ev) {
                var x = plotX(ev);
                if (x < 0 || x > W) { return; }
                ev.preventDefault();
                zoom(ev.deltaY < 0 ? 1.25 : 0.8, t0 + x / W * (t1 - t0));
              }, { passive: false });
              var drag = null;
              svg.addEventListener('pointerdown', function (ev) {
                var x = plotX(ev);
                if (ev.target.closest && ev.target.closest('#overview')) {
                  var span = t1 - t0, c = x / W * END; t0 = c - span / 2; t1 = c + span / 2; draw(); return;
                }
                if (x >= 0 && x <= W) { drag = { x: x, t0: t0, t1: t1 }; }
              });
              window.addEventListener('pointermove', function (ev) {
                if (!drag) { return; }
                var dt = (plotX(ev) - drag.x) / W * (drag.t1 - drag.t0);
                t0 = drag.t0 - dt; t1 = drag.t1 - dt; draw();
              });
              window.addEventListener('pointerup', function () { drag = null; });
              var m = /view=([0-9.]+)-([0-9.]+)/.exec(window.location.hash);
              if (m) { t0 = Number(m[1]); t1 = Number(m[2]); }
              draw();
            })();
            """;

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
            .ready { fill: #e4e8ee; stroke: #9aa5b1; stroke-width: 1; stroke-dasharray: 3 2; }
            .grid line { stroke: #eceef1; } .grid line.major { stroke: #c9ced6; }
            .ovbg { fill: #f1f3f6; } .window { fill: rgba(31,41,51,0.06); stroke: #1f2933; stroke-width: 1.5; }
            .overview { cursor: pointer; } .plot { cursor: grab; }
            .reap { fill: #52606d; } .tlbi { stroke: #7b61ff; stroke-width: 1.5; } .tfree { fill: #9c755f; }
            .count { font-size: 9px; font-weight: 700; fill: #1f2933; }
            .zoom { display: flex; gap: 6px; align-items: center; margin: 0 0 6px; }
            .zoom button { font: inherit; min-width: 30px; padding: 2px 8px; border: 1px solid var(--line); border-radius: 6px; background: #fff; cursor: pointer; }
            .zoom .view { font-variant-numeric: tabular-nums; color: var(--muted); margin-left: 8px; }
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
