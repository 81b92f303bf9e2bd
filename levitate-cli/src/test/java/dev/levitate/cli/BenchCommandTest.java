package dev.levitate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code levitate bench} prints every figure beside its peer (the values are not asserted: timing is not behaviour). */
class BenchCommandTest {
    @Test
    void printsEveryRowWithAPositiveRate() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = LevitateCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), "bench", "--seconds", "0.1");
        assertEquals(0, code, err.toString());
        String[] rows = {"fixed timing", "A53 cycle model", "MMU on", "guest context switches", "thread handoffs", "O(1) counts", "rescanning"};
        for (String r : rows) {
            String line = out.toString().lines().filter(l -> l.contains(r)).findFirst().orElse("");
            assertTrue(line.matches(".*\\s[0-9][0-9,]*\\.[0-9]$"), "a row for '" + r + "' with a rate: " + out);
        }
        assertTrue(err.toString().contains("levitate bench: simulator"), "progress on stderr");
    }

    @Test
    void badSecondsIsAUsageError() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(2, LevitateCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), "bench", "--seconds", "0"));
        assertTrue(err.toString().contains("--seconds must be 0.1..60"), err.toString());
    }
}
