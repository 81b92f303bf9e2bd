package dev.levitate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code levitate bench} prints every figure beside its peer (the values are not asserted: timing is not behaviour). */
class BenchCommandTest {
    @Test
    void printsEveryRowWithAPositiveRate() {
        String[] result = CliRun.run("bench", "--seconds", "0.1");
        String out = result[1];
        String err = result[2];
        assertEquals("0", result[0], err);
        String[] rows = {"fixed timing", "A53 cycle model", "MMU on", "guest context switches", "thread handoffs", "O(1) counts", "rescanning"};
        for (String r : rows) {
            String line = out.lines().filter(l -> l.contains(r)).findFirst().orElse("");
            assertTrue(line.matches(".*\\s[0-9][0-9,]*\\.[0-9]$"), "a row for '" + r + "' with a rate: " + out);
        }
        assertTrue(err.contains("levitate bench: simulator"), "progress on stderr");
    }

    @Test
    void badSecondsIsAUsageError() {
        String[] r = CliRun.run("bench", "--seconds", "0");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--seconds must be 0.1..60"), r[2]);
    }
}
