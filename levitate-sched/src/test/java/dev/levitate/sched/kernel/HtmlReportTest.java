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
        assertFalse(lower.contains("<script"), "no script element");
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
        assertEquals(0, d.getElementsByTagName("script").getLength());
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
        assertTrue(html.contains("Kernel (TTBR1)"), "the kernel's tree");
        assertTrue(html.contains("mapper (#") && html.contains("(TTBR0), at its largest"), "the user task's tree, captured at a MAP");
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
}
