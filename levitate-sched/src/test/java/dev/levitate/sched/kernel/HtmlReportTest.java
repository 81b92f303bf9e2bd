package dev.levitate.sched.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.sched.RoundRobinPolicy;
import dev.levitate.sched.Task;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/** The HTML report: well-formed, self-contained, escaped, one lane per task. */
class HtmlReportTest {
    private static final String EVIL = "<script>alert(1)</script>";
    private static final String EVIL_OUTPUT = "<img src=x onerror=alert(2)>&amp;\"'\u0001]]>";
    private static String html;
    private static int lanesExpected;
    private static final Map<Integer, Long> WAIT = new LinkedHashMap<>();
    private static final Map<Integer, Long> EXITED_AT = new LinkedHashMap<>();
    private static int bId;
    private static int mapperId;
    private static long ramFrames;

    @BeforeAll
    static void runAScenario() {
        try (Kernel k = Kernel.builder().ramMib(64).policy(new RoundRobinPolicy(1)).build()) {
            HtmlReport report = HtmlReport.attach(k);
            long tick = k.tickCycles();
            k.spawn(Workload.named(EVIL).write(EVIL_OUTPUT).compute(tick * 3 / 2).repeat(3).exit(1));
            k.spawn(Workload.named("B").write("B").compute(tick * 3 / 2).yield().repeat(3).exit(2));
            k.spawnUser(Workload.named("mapper").touchPages(0x2000_0000L, 4).sleep(2).repeat(2).exit(3));
            k.spawn(Workload.named("sleeper").sleep(3).write("z").repeat(2).exit(4));
            Kernel.RunResult r = k.run(10_000);
            assertTrue(r.allExited(), r.toString());
            Map<String, String> figures = new LinkedHashMap<>();
            figures.put("TLB hits", "1,234");
            figures.put("<b>key</b>", "<i>value</i>");
            html = report.render(figures);
            lanesExpected = k.tasks().size() + 1; // and the idle task
            for (Task t : k.tasks()) {
                WAIT.put(t.id(), k.controlBlock(t).waitCycles());
                bId = t.name().equals("B") ? t.id() : bId;
                mapperId = t.name().equals("mapper") ? t.id() : mapperId;
            }
            for (Schedule.Mark m : report.schedule().marks()) {
                if (m.kind() == KernelEvent.Kind.EXIT) {
                    EXITED_AT.put(m.task(), m.cycles());
                }
            }
            ramFrames = (64L << 20) / 4096;
        }
    }

    private static Document parse() throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        DocumentBuilder b = f.newDocumentBuilder();
        return b.parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void isWellFormedXml() throws Exception {
        Document d = parse();
        assertEquals("html", d.getDocumentElement().getNodeName());
        assertTrue(html.startsWith("<!DOCTYPE html>"), html.substring(0, 40));
    }

    @Test
    void referencesNothingOutsideItself() throws Exception {
        Matcher m = Pattern.compile("(?i)https?://[^\"' )<]*").matcher(html);
        while (m.find()) {
            assertEquals("http://www.w3.org/2000/svg", m.group(), "only the SVG namespace may look like a URL");
        }
        String lower = html.toLowerCase(java.util.Locale.ROOT);
        NodeList scripts = parse().getElementsByTagName("script");
        assertEquals(1, scripts.getLength(), "one inline script (the timeline's zoom)");
        assertEquals(0, scripts.item(0).getAttributes().getLength(), "inline: no src, no type");
        String code = scripts.item(0).getTextContent();
        for (String net : new String[] {"fetch(", "XMLHttpRequest", "import(", "localStorage", "cookie", "http", "eval(", "innerHTML"}) {
            assertFalse(code.contains(net), "the script reaches nothing outside the page: " + net);
        }
        assertFalse(lower.contains("<link"), "no linked stylesheet");
        assertFalse(lower.contains("<img"), "no image");
        assertFalse(lower.contains("@import") || lower.contains("@font-face"), "no imported CSS or fonts");
        NodeList all = parse().getElementsByTagName("*");
        for (int i = 0; i < all.getLength(); i++) {
            org.w3c.dom.NamedNodeMap attributes = all.item(i).getAttributes();
            for (int a = 0; a < attributes.getLength(); a++) {
                String name = attributes.item(a).getNodeName().toLowerCase(java.util.Locale.ROOT);
                assertFalse(name.equals("src") || name.endsWith("href") || name.startsWith("on"), "no " + name + " attribute");
            }
        }
        Matcher url = Pattern.compile("url\\(([^)]*)\\)").matcher(html);
        while (url.find()) {
            assertTrue(url.group(1).startsWith("#"), "only in-document url(#...) references: " + url.group());
        }
    }

    @Test
    void taskNamesAndConsoleTextAreEscaped() throws Exception {
        assertFalse(html.contains(EVIL), "the task name must not appear as markup");
        assertFalse(html.contains("<img src=x"), "console output must not appear as markup");
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the name is shown, escaped");
        assertTrue(html.contains("&lt;img src=x onerror=alert(2)&gt;&amp;amp;&quot;&#39;\u2401]]&gt;"), "the output is shown, escaped");
        assertTrue(html.contains("&lt;b&gt;key&lt;/b&gt;") && html.contains("&lt;i&gt;value&lt;/i&gt;"), "machine figures are escaped");
        // and the parsed document holds the text, not elements
        Document d = parse();
        assertEquals(1, d.getElementsByTagName("script").getLength(), "only the report's own script");
        assertFalse(d.getElementsByTagName("script").item(0).getTextContent().contains("alert"), "and no guest text in it");
        assertEquals(0, d.getElementsByTagName("img").getLength());
        assertTrue(d.getDocumentElement().getTextContent().contains(EVIL));
    }

    @Test
    void theTimelineHasOneLanePerTask() throws Exception {
        Document d = parse();
        NodeList lanes = (NodeList) XPathFactory.newInstance().newXPath()
                .evaluate("//*[local-name()='svg'][@class='timeline']//*[local-name()='g'][@class='lane']", d, XPathConstants.NODESET);
        assertEquals(lanesExpected, lanes.getLength());
        for (String name : new String[] {"idle", "B", "mapper", "sleeper"}) {
            assertTrue(html.contains(">" + name + "<"), "lane label " + name);
        }
        assertTrue(html.contains("class=\"run\""), "stretches on the CPU");
        assertTrue(html.contains("class=\"preempt\""), "preemption marks");
        assertTrue(html.contains("class=\"sleep\""), "sleeping stretches");
        assertTrue(html.contains("class=\"yield\""), "yield marks");
    }

    @Test
    void showsStatisticsPageTablesAllocatorAndConsole() {
        assertTrue(html.contains("Per task"));
        assertTrue(html.contains("EL0 user") && html.contains("EL1 kernel"));
        assertTrue(html.contains("exit(3)"), "exit reasons");
        assertTrue(html.contains("Kernel (TTBR1, global entries: no ASID)"), "the kernel's tree");
        assertTrue(html.contains("mapper (#") && html.contains("(TTBR0, ASID 1), at its largest"), "the user task's tree, captured at a MAP");
        assertTrue(html.contains("4 × 4 KiB page"), "the four touched pages fold into one row");
        assertTrue(html.contains("2 MiB block"), "the kernel's linear map");
        assertTrue(html.contains("everything: every stack, page, table and ASID"), "nothing leaked");
        assertTrue(html.contains("TLBI "), "TLBI figures by operation");
        assertTrue(html.contains("TLB hits"), "machine figures");
    }

    @Test
    void escapeHandlesControlsAndSurrogates() {
        assertEquals("a&amp;b&lt;c&gt;&quot;&#39;", HtmlReport.escape("a&b<c>\"'"));
        assertEquals("\u2400\u241b\n\t\u2421", HtmlReport.escape("\u0000\u001b\n\t\u007f"));
        assertEquals("\ufffd x \ud83d\ude00", HtmlReport.escape("\ud800 x \ud83d\ude00"));
    }

    @Test
    void aReportWithoutEventsStillRenders() throws Exception {
        try (Kernel k = Kernel.builder().ramMib(64).build()) {
            HtmlReport r = HtmlReport.attach(k);
            Task unused = k.idleTask();
            String page = r.toHtml();
            assertTrue(page.contains("class=\"lane\" data-task=\"" + unused.id() + "\""), page);
            DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(page.getBytes(StandardCharsets.UTF_8)));
        }
    }

    private static NodeList xpath(String expression) throws Exception {
        return (NodeList) XPathFactory.newInstance().newXPath().evaluate(expression, parse(), XPathConstants.NODESET);
    }

    private static String attr(org.w3c.dom.Node n, String name) {
        org.w3c.dom.Node a = n.getAttributes().getNamedItem(name);
        return a == null ? null : a.getNodeValue();
    }

    @Test
    void readyStretchesAreDrawnAndAddUpToTheKernelsWait() throws Exception {
        int checked = 0;
        for (Map.Entry<Integer, Long> w : WAIT.entrySet()) {
            NodeList ready = xpath("//*[local-name()='g'][@data-task='" + w.getKey() + "']/*[local-name()='rect'][@class='ready']");
            long sum = 0;
            for (int i = 0; i < ready.getLength(); i++) {
                sum += Long.parseLong(attr(ready.item(i), "data-to")) - Long.parseLong(attr(ready.item(i), "data-from"));
                assertTrue(Double.parseDouble(attr(ready.item(i), "width")) > 0, "a ready rect has a width");
            }
            assertEquals(w.getValue(), sum, "task #" + w.getKey() + ": its READY rects add up to the wait the table shows");
            checked += w.getValue() > 0 ? 1 : 0;
        }
        assertTrue(checked >= 2, "at least two tasks waited: " + WAIT);
        assertTrue(xpath("//*[local-name()='g'][@data-task='" + bId + "']/*[local-name()='rect'][@class='ready']").getLength() >= 3,
                "B waits for the CPU again and again");
    }

    @Test
    void everyRunHasAVisibleMinimumWidth() throws Exception {
        NodeList runs = xpath("//*[local-name()='rect'][@class='run']");
        assertTrue(runs.getLength() > 10);
        boolean tiny = false;
        for (int i = 0; i < runs.getLength(); i++) {
            double w = Double.parseDouble(attr(runs.item(i), "width"));
            assertTrue(w >= HtmlReport.MIN_RUN_PX, "run " + i + " is " + w + " px wide");
            long cycles = Long.parseLong(attr(runs.item(i), "data-to")) - Long.parseLong(attr(runs.item(i), "data-from"));
            tiny |= cycles < 1000; // a sleeper's or mapper's few instructions: a fraction of a pixel at true scale
        }
        assertTrue(tiny, "the scenario has runs far shorter than a pixel");
    }

    @Test
    void marksTooCloseToTellApartAreOneWithACount() throws Exception {
        NodeList lanes = xpath("//*[local-name()='g'][contains(@class,'lane')]");
        int hiddenTotal = 0;
        int counted = 0;
        for (int l = 0; l < lanes.getLength(); l++) {
            NodeList children = lanes.item(l).getChildNodes();
            double last = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < children.getLength(); i++) {
                org.w3c.dom.Node g = children.item(i);
                if (!"g".equals(g.getNodeName()) || !"mark".equals(attr(g, "class"))) {
                    continue;
                }
                String t = attr(g, "transform");
                double x = Double.parseDouble(t.substring("translate(".length(), t.indexOf(',')));
                if ("hidden".equals(attr(g, "visibility"))) {
                    hiddenTotal++;
                    assertTrue(x - last < HtmlReport.MARK_CLUSTER_PX, "a hidden mark is within a cluster");
                    continue;
                }
                assertTrue(x - last >= HtmlReport.MARK_CLUSTER_PX, "visible marks stay apart: " + last + " and " + x);
                last = x;
                String badge = g.getLastChild().getPreviousSibling().getTextContent();
                counted += badge.isEmpty() ? 0 : Integer.parseInt(badge.substring(1));
            }
        }
        assertTrue(hiddenTotal > 0, "the scenario has marks closer than the cluster distance (map and its TLBIs)");
        assertEquals(hiddenTotal, counted, "every hidden mark is counted in its cluster's badge");
    }

    @Test
    void reapingIsDrawnOnTheKernelLaneNotOnTheExitedTask() throws Exception {
        NodeList reaps = xpath("//*[local-name()='g'][@class='lane kernel']/*[local-name()='g'][@data-kind='reap']");
        assertEquals(EXITED_AT.size(), reaps.getLength(), "one reap per task, on the kernel's lane");
        NodeList mapperMarks = xpath("//*[local-name()='g'][@data-task='" + mapperId + "']/*[local-name()='g'][@class='mark']");
        double exitMs = EXITED_AT.get(mapperId) / 100_000.0; // 100 MHz
        for (int i = 0; i < mapperMarks.getLength(); i++) {
            assertTrue(Double.parseDouble(attr(mapperMarks.item(i), "data-t")) <= exitMs + 1e-4,
                    "nothing on the mapper's lane after it exited at " + exitMs + " ms: " + attr(mapperMarks.item(i), "data-kind"));
        }
    }

    @Test
    void theAxisStartsAtZero() throws Exception {
        NodeList zero = xpath("//*[local-name()='text'][@data-t='0']");
        assertEquals(1, zero.getLength());
        assertEquals("0", zero.item(0).getTextContent());
        assertEquals("0", attr(zero.item(0), "x"));
        assertTrue(html.contains(">time (ms)<"), "the unit is the axis' title, not a label at 0");
    }

    @Test
    void framesAddUpWithTheReservedOnes() {
        Matcher m = Pattern.compile("([0-9,]+) frames = ([0-9,]+) free \\+ ([0-9,]+) in use \\+ ([0-9,]+) reserved").matcher(html);
        assertTrue(m.find(), "a RAM line");
        long[] v = new long[5];
        for (int i = 1; i <= 4; i++) {
            v[i] = Long.parseLong(m.group(i).replace(",", ""));
        }
        assertEquals(ramFrames, v[1], "all of RAM");
        assertEquals(v[1], v[2] + v[3] + v[4], "free + in use + reserved = RAM");
        assertTrue(v[4] > 0, "the backend reserves some frames");
    }

    @Test
    void mlfqLevelsAreShownPerRun() throws Exception {
        try (Kernel k = Kernel.builder().ramMib(64).policy(new dev.levitate.sched.policy.MlfqPolicy()).build()) {
            HtmlReport r = HtmlReport.attach(k);
            k.spawn(Workload.named("hog").compute(k.tickCycles() * 12).exit(0));
            k.spawn(Workload.named("io").sleep(1).repeat(4).exit(0));
            assertTrue(k.run(10_000).allExited());
            String page = r.toHtml();
            Matcher m = Pattern.compile("class=\"run\"[^>]*data-level=\"(\\d)\"").matcher(page);
            java.util.Set<String> levels = new java.util.TreeSet<>();
            while (m.find()) {
                levels.add(m.group(1));
            }
            assertTrue(levels.size() >= 2, "runs from more than one level: " + levels);
            assertTrue(page.contains("MLFQ level 0 (top queue)") && page.contains("MLFQ level 2 (bottom)"), "a legend of the levels");
        }
        assertFalse(html.contains("data-level"), "round-robin has no levels");
        assertFalse(html.contains("MLFQ level"), "nor their legend");
    }
}
