package dev.levitate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RunCommandTest {

    @Test
    void aMissingOrBadImageIsAClearErrorWithItsOwnStatus() throws Exception {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        try {
            StringWriter out = new StringWriter();
            assertEquals(RunCommand.BAD_IMAGE, LevitateCommand.execute(new PrintWriter(out), new PrintWriter(new StringWriter()), "run", "/no/such.elf"));
            Path bad = Files.createTempFile("bad", ".elf");
            Files.write(bad, new byte[] {1, 2, 3});
            assertEquals(RunCommand.BAD_IMAGE, LevitateCommand.execute(new PrintWriter(out), new PrintWriter(new StringWriter()), "run", bad.toString()));
        } finally {
            System.setErr(saved);
        }
        assertTrue(err.toString().contains("no such file"), err.toString());
        assertTrue(err.toString().contains("truncated"), err.toString());
    }

    @Test
    void statsSayHowManyInstructionsRanAndHowManyOfThemInTheFastTier() throws Exception {
        Path spin = Files.createTempFile("spin", ".elf");
        Files.write(spin, GdbCommandTest.spinImage()); // b . : one fast-tier instruction, forever
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        int status;
        try {
            status = LevitateCommand.execute(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
                    "run", "--stats", "--max-instructions", "1000", spin.toString());
        } finally {
            System.setErr(saved);
        }
        assertEquals(RunCommand.STOPPED, status, err.toString());
        // the first execution decodes the word, then every one of the 1,000 runs in the fast tier;
        // once the block is hot (16 entries), compiled
        assertTrue(err.toString().contains("levitate run: 1,000 instructions (100.0% in the fast tier, 98.6% in 1 compiled blocks)"), err.toString());
        assertTrue(err.toString().contains("stopped after 1,000 instructions (--max-instructions)"), err.toString());
    }
}
