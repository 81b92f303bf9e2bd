package dev.levitate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code levitate report --html} and {@code levitate demo --html}, and the page in a real browser. */
class ReportCommandTest {
    private static String[] run(String... args) {
        return CliRun.run(args);
    }

    @Test
    void reportWritesOneSelfContainedPage(@TempDir Path dir) throws Exception {
        Path html = dir.resolve("sub/out.html");
        String[] r = run("report", "--rounds", "4", "--html", html.toString());
        assertEquals("0", r[0], r[1] + r[2]);
        assertTrue(r[1].contains(html.toString()) && r[1].contains("open it in a browser"), r[1]);
        String page = Files.readString(html);
        assertTrue(page.startsWith("<!DOCTYPE html>"), page.substring(0, 50));
        for (String name : new String[] {"A", "B", "mapper", "sleeper"}) {
            assertTrue(page.contains(">" + name + "<"), "lane for " + name);
        }
        assertTrue(page.contains("TLB hits / misses"), "the simulator's figures reach the page");
        assertTrue(page.contains("[mapper done]"), "the console");
    }

    @Test
    void demoWritesTheSamePageOnRequest(@TempDir Path dir) throws Exception {
        Path html = dir.resolve("demo.html");
        String[] r = run("demo", "--rounds", "3", "--html", html.toString());
        assertEquals("0", r[0], r[1] + r[2]);
        assertTrue(r[1].contains("Timeline (") && r[1].contains("Report:  " + html), r[1]);
        assertTrue(Files.readString(html).contains("Who ran when"));
    }

    @Test
    void reportNeedsAPath() {
        String[] r = run("report");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--html"), r[2]);
    }

    /** Headless Chromium loads the page (no script, no network), its DOM has the tasks, and it paints a screenshot. */
    @Test
    void chromiumLoadsAndPaintsThePage(@TempDir Path dir) throws Exception {
        Path chromium = ExternalTools.require("chromium", "to load the HTML report in a real browser");
        Path html = dir.resolve("report.html");
        String[] r = run("report", "--rounds", "4", "--html", html.toString());
        assertEquals("0", r[0], r[1] + r[2]);
        String url = html.toUri().toString();

        String dom = chromium(chromium, dir, "dom", "--dump-dom", url);
        assertTrue(dom.contains("Levitate kernel run"), "the page loaded: " + head(dom));
        for (String name : new String[] {"mapper", "sleeper", "idle"}) {
            assertTrue(dom.contains(">" + name + "<"), name + " in the DOM: " + head(dom));
        }
        assertTrue(dom.contains("<svg") && dom.contains("class=\"lane\""), "the timeline's SVG was parsed");
        for (String error : new String[] {"ERR_", "This page isn", "This site can", "XML Parsing Error", "error on line"}) {
            assertFalse(dom.contains(error), "no browser error page (" + error + "): " + head(dom));
        }

        Path png = dir.resolve("report.png");
        chromium(chromium, dir, "shot", "--screenshot=" + png, "--window-size=1400,2000", url);
        assertTrue(Files.isRegularFile(png), "a screenshot was written");
        byte[] bytes = Files.readAllBytes(png);
        assertTrue(bytes.length > 10_000, "a painted page, not an empty one: " + bytes.length + " bytes");
        assertEquals((byte) 0x89, bytes[0]);
        assertEquals("PNG", new String(bytes, 1, 3, StandardCharsets.US_ASCII), "a PNG file");
    }

    /**
     * The page after its script ran, in headless Chromium, opened on a 60 ms window
     * ({@code #view=0-60}): every task that waited has READY rects in its lane, redrawn by the
     * script for the window; every run is at least 2 px wide; the marks left visible stay apart.
     */
    @Test
    void chromiumRunsTheZoomAndDrawsReadyStretches(@TempDir Path dir) throws Exception {
        Path chromium = ExternalTools.require("chromium", "to run the HTML report's script in a real browser");
        Path html = dir.resolve("report.html");
        String[] r = run("report", "--rounds", "4", "--html", html.toString());
        assertEquals("0", r[0], r[1] + r[2]);
        String dom = chromium(chromium, dir, "zoom", "--dump-dom", html.toUri() + "#view=0-60");
        Matcher shown = Pattern.compile("data-shown=\"([0-9.]+)-([0-9.]+)\"").matcher(dom);
        assertTrue(shown.find(), "the script ran and drew a window: " + head(dom));
        assertEquals(0.0, Double.parseDouble(shown.group(1)), 1e-9);
        assertEquals(60.0, Double.parseDouble(shown.group(2)), 1e-9);
        double pxPerMs = 1050 / 60.0;
        Map<String, Integer> readyPerTask = new TreeMap<>();
        Matcher lane = Pattern.compile("<g class=\"lane\" data-task=\"(\\d+)\">(.*?)</g>\\s*(?=<g class=\"lane|</g>)", Pattern.DOTALL).matcher(dom);
        while (lane.find()) {
            Matcher ready = Pattern.compile("<rect class=\"ready\" data-a=\"([0-9.]+)\" data-b=\"([0-9.]+)\"[^>]* x=\"(-?[0-9.]+)\"[^>]* width=\"([0-9.]+)\"").matcher(lane.group(2));
            while (ready.find()) {
                double a = Double.parseDouble(ready.group(1));
                double b = Double.parseDouble(ready.group(2));
                assertEquals(a * pxPerMs, Double.parseDouble(ready.group(3)), 0.02, "x redrawn for the window");
                assertEquals((b - a) * pxPerMs, Double.parseDouble(ready.group(4)), 0.02, "width redrawn for the window");
                readyPerTask.merge(lane.group(1), 1, Integer::sum);
            }
            Matcher run = Pattern.compile("<rect class=\"run\"[^>]* width=\"([0-9.]+)\"").matcher(lane.group(2));
            while (run.find()) {
                assertTrue(Double.parseDouble(run.group(1)) >= 2.0, "a run at least 2 px wide: " + run.group());
            }
        }
        // A is task 2, B task 3: each waits while the other runs
        assertTrue(readyPerTask.getOrDefault("2", 0) >= 3 && readyPerTask.getOrDefault("3", 0) >= 3, "READY rects per task: " + readyPerTask);
        assertTrue(dom.contains("0.0–60.0 ms of"), "the window is named above the timeline");
    }

    /** {@code demo --trace}: the count the command prints is the number of events in the file. */
    @Test
    void theTraceCountIsTheFilesEventCount(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("t.json");
        String[] r = run("demo", "--rounds", "3", "--trace", trace.toString());
        assertEquals("0", r[0], r[1] + r[2]);
        Matcher m = Pattern.compile("Trace: +\\S+ \\(([0-9,]+) events").matcher(r[1]);
        assertTrue(m.find(), r[1]);
        String json = Files.readString(trace);
        int events = 0;
        for (int i = json.indexOf("\"ph\":"); i >= 0; i = json.indexOf("\"ph\":", i + 1)) {
            events++;
        }
        assertEquals(events, Integer.parseInt(m.group(1).replace(",", "")), "the printed count is the file's");
        for (String track : new String[] {"\"CPU 0 (what ran)\"", "\"timer interrupts (ticks)\"", "\"name\":\"free frames\",\"ph\":\"C\"",
            "\"name\":\"TLB entries\",\"ph\":\"C\"", "\"name\":\"ready\""}) {
            assertTrue(json.contains(track), "the trace has " + track);
        }
    }

    private static String head(String s) {
        return s.length() <= 600 ? s : s.substring(0, 600) + "...";
    }

    /** Runs headless Chromium with its own profile; returns its standard output. */
    private static String chromium(Path exe, Path dir, String tag, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(exe.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=" + dir.resolve("profile-" + tag)));
        cmd.addAll(List.of(args));
        Path stdout = dir.resolve(tag + ".out");
        Path stderr = dir.resolve(tag + ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 120 s: " + cmd);
        }
        String out = Files.readString(stdout);
        assertEquals(0, p.exitValue(), "chromium " + cmd + " failed:\n" + Files.readString(stderr));
        return out;
    }
}
