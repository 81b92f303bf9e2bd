package dev.levitate.check;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The rule for tests that need an external tool: skip with a clear message when it is missing on
 * a user's machine, fail when the system property {@code levitate.requireTools} is true (CI).
 */
public final class ExternalTools {
    private ExternalTools() {
    }

    /**
     * Skips or fails the calling test when a tool is unavailable.
     *
     * @param tool the tool's name, for the message
     * @param unavailableReason empty when available, else why not
     */
    public static void require(String tool, Optional<String> unavailableReason) {
        if (unavailableReason.isEmpty()) {
            return;
        }
        String msg = tool + " is needed for this test: " + unavailableReason.get();
        if (Boolean.getBoolean("levitate.requireTools")) {
            Assertions.fail(msg + " (levitate.requireTools=true: CI must install it)");
        }
        Assumptions.abort(msg + " — skipped; install it to run this cross-check");
    }

    /**
     * Looks a command up on PATH.
     *
     * @param tool the command's name
     * @return empty when found, else why not
     */
    public static Optional<String> missing(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
                return Optional.empty();
            }
        }
        return Optional.of(tool + " not found on PATH");
    }

    /**
     * What a finished process said.
     *
     * @param status its exit status
     * @param output its stdout and stderr, merged, as ISO-8859-1 text
     */
    public record Result(int status, String output) {
    }

    /**
     * Runs a command, collecting its output, and fails the test if it does not finish in time.
     *
     * @param seconds the time limit
     * @param command the command and its arguments
     * @return its status and output
     * @throws Exception if it cannot be started or waited for
     */
    public static Result run(int seconds, String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        Thread pump = new Thread(() -> {
            try (java.io.InputStream in = p.getInputStream()) {
                in.transferTo(out);
            } catch (java.io.IOException e) {
                // the process ended
            }
        });
        pump.start();
        if (!p.waitFor(seconds, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            pump.join();
            throw new AssertionError(command[0] + " did not finish in " + seconds + " s; output so far:\n" + out);
        }
        pump.join();
        return new Result(p.exitValue(), out.toString(java.nio.charset.StandardCharsets.ISO_8859_1));
    }
}
