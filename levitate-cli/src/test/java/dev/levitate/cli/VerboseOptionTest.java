package dev.levitate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --verbose} through the real {@code main} in a fresh JVM (slf4j-simple fixes its levels
 * once per JVM, so an in-process run could not tell): the library's debug log reaches standard
 * error with it, and nothing does without it; standard output is the same either way.
 */
class VerboseOptionTest {
    private static String[] levitate(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LevitateCommand.class.getName()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "levitate finished");
        return new String[] {Integer.toString(p.exitValue()), Files.readString(out), Files.readString(err)};
    }

    @Test
    void verboseShowsTheLibrarysDebugLogOnStandardError(@TempDir Path dir) throws Exception {
        String[] quiet = levitate(dir, "demo", "--rounds", "2");
        String[] loud = levitate(dir, "demo", "--rounds", "2", "--verbose");
        assertEquals("0", quiet[0], quiet[2]);
        assertEquals("0", loud[0], loud[2]);
        assertEquals("", quiet[2], "without --verbose the library is silent");
        assertTrue(loud[2].contains("DEBUG CpuBackends - opened CPU backend 'sim'"), loud[2]);
        assertTrue(loud[2].contains("DEBUG Kernel - kernel booted on the 'sim' backend"), loud[2]);
        assertFalse(loud[1].contains("DEBUG"), "the log stays off standard output");
        assertEquals(strip(quiet[1]), strip(loud[1]), "the command's own output does not change");
    }

    /** The host-speed figures differ from run to run; everything else is deterministic. */
    private static String strip(String out) {
        return out.replaceAll("[0-9.]+ MIPS on this host", "").replaceAll("\\(\\d+% of the instructions[^)]*\\)", "");
    }
}
