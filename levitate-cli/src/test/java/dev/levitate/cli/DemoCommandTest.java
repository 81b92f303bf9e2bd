package dev.levitate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command: the kernel on the simulator. */
class DemoCommandTest {
    private static String[] run(String... args) {
        return CliRun.run(args);
    }

    @Test
    void bootsRunsInterleavesAndGivesEverythingBack(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("trace.json");
        String[] r = run("demo", "--rounds", "6", "--trace", trace.toString());
        String out = r[1];
        assertEquals("0", r[0], out + r[2]);
        String console = out.substring(out.indexOf("Console"), out.indexOf("Timeline"));
        assertTrue(console.contains("ABAB"), console);
        assertTrue(console.contains("[mapper done]"), console);
        assertTrue(out.contains("every stack, page, table and ASID came back"), out);
        assertTrue(out.matches("(?s).*A\\s+\\|[#+.]+.*"), "a timeline row for A: " + out);
        String json = Files.readString(trace);
        assertTrue(json.startsWith("{\"traceEvents\":[") && json.contains("\"ph\":\"X\"") && json.contains("\"name\":\"A\""), json);
    }

    @Test
    void badQuantumIsAClearUsageError() {
        String[] r = run("demo", "--quantum", "0");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--quantum must be 1..100"), r[2]);
    }

    @Test
    void fifoRunsEachPrinterToTheEndAndABadPolicyIsAUsageError() {
        String[] r = run("demo", "--policy", "fifo", "--rounds", "3");
        assertEquals("0", r[0], r[1] + r[2]);
        String console = r[1].substring(r[1].indexOf("Console"), r[1].indexOf("Timeline"));
        assertTrue(console.contains("AAABBB"), "FIFO: A runs to its end before B starts: " + console);
        String[] bad = run("demo", "--policy", "lottery");
        assertEquals("2", bad[0]);
        assertTrue(bad[2].contains("--policy must be rr, fifo, priority, mlfq, stride or fair"), bad[2]);
    }
}
