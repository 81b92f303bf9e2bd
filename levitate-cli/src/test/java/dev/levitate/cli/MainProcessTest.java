package dev.levitate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.a64.A64Assembler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command through the real {@code main}, in a child JVM, as {@code ./levitate} runs it: what
 * reaches the process's standard output and error and its exit status. (Issue 23, item 1: the
 * in-process tests wrote to a {@code StringWriter}, so they never saw that {@code pagetable}'s
 * output was lost when {@code main} exited without flushing.)
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class MainProcessTest {
    private static final String SPACE = "../examples/pagetables/user-space.txt";

    @TempDir
    Path dir;

    /** What a child process left. */
    record Ran(int status, String out, String err) {
        @Override
        public String toString() {
            return "status " + status + "\n--- stdout:\n" + out + "\n--- stderr:\n" + err;
        }
    }

    /** The test class path: the forked JVM's own (surefire names it when its booter jar hides it). */
    private static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    private static Process start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath(), LevitateCommand.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    }

    /** Collects a stream on a thread (so that a full pipe never blocks the child). */
    private static final class Drain extends Thread {
        private final InputStream in;
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

        Drain(InputStream in) {
            this.in = in;
            setDaemon(true);
            start();
        }

        @Override
        public void run() {
            byte[] b = new byte[8192];
            try {
                for (int n; (n = in.read(b)) > 0;) {
                    synchronized (buf) {
                        buf.write(b, 0, n);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String text() {
            synchronized (buf) {
                return buf.toString(StandardCharsets.UTF_8);
            }
        }
    }

    private static Ran main(String... args) throws Exception {
        Process p = start(args);
        Drain out = new Drain(p.getInputStream());
        Drain err = new Drain(p.getErrorStream());
        if (!p.waitFor(240, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("levitate " + String.join(" ", args) + " did not end in 240 s");
        }
        out.join();
        err.join();
        return new Ran(p.exitValue(), out.text(), err.text());
    }

    @Test
    void pagetablePrintsItsTreeAndItsDot() throws Exception {
        Ran tree = main("pagetable", SPACE);
        assertEquals(0, tree.status(), tree.toString());
        assertTrue(tree.out().contains("block 2M 0x0000_0000_4120_0000") && tree.out().contains("PageTable["), tree.toString());
        Ran dot = main("pagetable", "--dot", SPACE);
        assertEquals(0, dot.status(), dot.toString());
        assertTrue(dot.out().startsWith("digraph pagetable") && dot.out().trim().endsWith("}"), dot.toString());
        Ran unmap = main("pagetable", "--unmap", "0x7f_ffff_f000", SPACE);
        assertEquals(0, unmap.status(), unmap.toString());
        assertTrue(unmap.out().contains("TLBI VAE1IS va=0x0000_007f_ffff_f000 asid=5") && unmap.out().contains("PageTable["), unmap.toString());
    }

    @Test
    void tourDemoAndReportPrintToTheEnd() throws Exception {
        Ran tour = main("tour");
        assertEquals(0, tour.status(), tour.toString());
        assertTrue(tour.out().contains("Levitate memory tour, part 2") && tour.out().contains("Nothing leaked."), tour.toString());
        Ran demo = main("demo", "--rounds", "2", "--width", "20");
        assertEquals(0, demo.status(), demo.toString());
        assertTrue(demo.out().startsWith("Levitate demo") && demo.out().contains("every stack, page, table and ASID came back"), demo.toString());
        Path html = dir.resolve("report.html");
        Ran report = main("report", "--rounds", "2", "--html", html.toString());
        assertEquals(0, report.status(), report.toString());
        assertTrue(report.out().contains("Report:  " + html) && Files.size(html) > 1000, report.toString());
    }

    @Test
    void benchAndHelp() throws Exception {
        Ran bench = main("bench", "--seconds", "0.1");
        assertEquals(0, bench.status(), bench.toString());
        assertTrue(bench.out().contains("peer: map+unmap pairs, rescanning 512 entries") && bench.out().contains("vs-qemu.sh"), bench.toString());
        Ran help = main("--help");
        assertEquals(0, help.status(), help.toString());
        assertTrue(help.out().contains("pagetable") && help.out().contains("Exit status:"), help.toString());
    }

    /** "hi" (no newline) through semihosting SYS_WRITE0, then exit 3. */
    static byte[] hiThenExit3() {
        A64Assembler a = new A64Assembler(GdbCommandTest.ENTRY);
        A64Assembler.Label text = a.label();
        A64Assembler.Label block = a.label();
        A64Assembler.Label spin = a.label();
        a.adr(1, text).movz(0, 0x04, 0).hlt(0xF000);              // SYS_WRITE0
        a.adr(1, block).movz(0, 0x18, 0).hlt(0xF000);             // SYS_EXIT
        a.bind(spin);
        a.b(spin);
        a.bind(block);
        a.word(0x20026).word(0).word(3).word(0);
        a.bind(text);
        a.word('h' | 'i' << 8);
        return a.assembleBytes();
    }

    @Test
    void runAndGdbKeepTheGuestsOutputAndTheirExitStatus() throws Exception {
        Path hi = dir.resolve("hi.elf");
        Files.write(hi, TestElf.image(GdbCommandTest.ENTRY, hiThenExit3(), "_start"));
        Ran run = main("run", "--stats", hi.toString());
        assertEquals(3, run.status(), run.toString());
        assertEquals("hi", run.out(), "the guest's last output, with no newline, reached stdout");
        assertTrue(run.err().startsWith("levitate run: ") && run.err().contains(" instructions ("), run.toString());

        Ran bad = main("gdb", "--port", "70000", hi.toString());
        assertEquals(2, bad.status(), bad.toString());
        assertEquals("", bad.out());
        assertEquals(1, bad.err().lines().count(), bad.toString());
        assertTrue(bad.err().startsWith("levitate gdb: --port must be 0..65535, got 70000"), bad.toString());

        Ran zero = main("run", "/dev/zero");
        assertEquals(RunCommand.BAD_IMAGE, zero.status(), zero.toString());
        assertEquals("levitate run: /dev/zero is not a regular file (a device, a pipe or a socket?), so not an image\n", zero.err());
    }

    /** True if this process (and so its children) ignores SIGINT, as a shell's background job does. */
    private static boolean sigintIgnored() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return false;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << (2 - 1))) != 0;
            }
        }
        return false;
    }

    @Test
    void ctrlCStopsAnUnboundedRunAndPrintsItsStatistics() throws Exception {
        Path spin = dir.resolve("spin.elf");
        Files.write(spin, GdbCommandTest.spinImage());
        Process p = start("run", spin.toString()); // no --max-instructions: it would spin for ever
        Drain out = new Drain(p.getInputStream());
        Drain err = new Drain(p.getErrorStream());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!err.text().contains("instructions so far") && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(p.isAlive() && err.text().contains("instructions so far"), "it runs past its first progress line: " + err.text());
        // a shell's background job ignores SIGINT, and so would the child: then SIGTERM, which takes the same path
        boolean ignored = sigintIgnored();
        Process kill = new ProcessBuilder("kill", ignored ? "-TERM" : "-INT", Long.toString(p.pid())).start();
        assertEquals(0, kill.waitFor());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "it stopped");
        out.join();
        err.join();
        Ran r = new Ran(p.exitValue(), out.text(), err.text());
        assertEquals(ignored ? 143 : RunCommand.INTERRUPTED, r.status(), r.toString());
        assertTrue(r.err().contains("levitate run: interrupted (Ctrl-C) after "), r.toString());
        assertTrue(r.err().matches("(?s).*levitate run: [0-9,]+ instructions \\(.*in the fast tier.*MIPS.*simulated cycles.*TLB: .*"),
                "the statistics line: " + r);
        assertFalse(r.err().contains("stopped after"), "not the --max-instructions stop: " + r);
    }
}
