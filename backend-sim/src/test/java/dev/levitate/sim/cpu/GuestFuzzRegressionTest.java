package dev.levitate.sim.cpu;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays every guest input that ever failed the fuzz campaign ({@link GuestFuzzTest}), kept one
 * per file under {@code src/test/resources/fuzz-regressions/guest/} in {@link GuestFuzz.Input}'s
 * one-line form ({@code #} lines are comments saying what failed), with every check of the
 * campaign: every tier, both timing models.
 */
class GuestFuzzRegressionTest {

    @TestFactory
    Stream<DynamicTest> everyInputThatEverFailedPassesNow() throws IOException, URISyntaxException {
        Path dir = Paths.get(GuestFuzzRegressionTest.class.getResource("/fuzz-regressions/guest").toURI());
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.toString().endsWith(".txt")).sorted().forEach(files::add);
        }
        assertFalse(files.isEmpty(), "no regression inputs in " + dir);
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    GuestFuzz.Input in = GuestFuzz.Input.parse(line);
                    try {
                        GuestFuzz.check(in);
                    } catch (AssertionError e) {
                        throw new AssertionError(f.getFileName() + ": " + e.getMessage() + "\n" + in.listing(), e);
                    }
                }
            }
        }));
    }
}
