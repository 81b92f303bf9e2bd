package dev.levitate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build the {@code levitate} script runs writes no colour escape codes: Maven 3.8's Jansi 2
 * wrote a reset ({@code ESC[0m}) to standard output and standard error on exit even in batch mode
 * (the first thing a new user saw in the script's output); {@code .mvn/jvm.config} turns that off
 * with {@code -Djansi.noreset=true}.
 */
class BuildOutputTest {
    @Test
    void aQuietBatchBuildPrintsNothingAtAll(@TempDir Path dir) throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();
        assertTrue(Files.isRegularFile(root.resolve("levitate")), "the repository root: " + root);
        Path mvn = ExternalTools.require("mvn", "to run the build as the levitate script does");
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        Process p = new ProcessBuilder(List.of(mvn.toString(), "-o", "-B", "-q", "-N", "validate")).directory(root.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "mvn finished");
        String o = Files.readString(out);
        String e = Files.readString(err);
        assertEquals(0, p.exitValue(), o + e);
        assertFalse(o.contains("\u001b") || e.contains("\u001b"), "no escape codes: stdout " + o.replace("\u001b", "ESC")
                + ", stderr " + e.replace("\u001b", "ESC"));
        assertEquals("", o + e, "a quiet build that succeeds says nothing");
    }
}
