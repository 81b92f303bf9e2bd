package dev.levitate.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The rule for tests that need an external tool (the same as backend-sim's test helper, whose test
 * classes this module cannot see): skip with a clear message when it is missing on a user's
 * machine, fail when the system property {@code levitate.requireTools} is true (CI).
 */
final class ExternalTools {
    private ExternalTools() {
    }

    /** Skips or fails the calling test when {@code tool} is not on PATH; returns its path otherwise. */
    static Path require(String tool, String why) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = d.isEmpty() ? null : Path.of(d, tool);
            if (p != null && Files.isExecutable(p)) {
                return p;
            }
        }
        String msg = tool + " is needed for this test (" + why + "): not found on PATH";
        if (Boolean.getBoolean("levitate.requireTools")) {
            Assertions.fail(msg + " (levitate.requireTools=true: CI must install it; see levitate-cli/ci-apt-packages)");
        }
        Assumptions.abort(msg + " — skipped; install it (Debian packages: README, levitate-cli/ci-apt-packages) to run this check");
        throw new AssertionError("unreachable");
    }
}
