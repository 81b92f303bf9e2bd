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
}
