package dev.levitate.sched.kernel;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays every input that ever broke the kernel's invariants, kept as text under
 * {@code src/test/resources/fuzz-regressions/kernel/} (the format of {@link HostileScenario}):
 * the issue's own attacks and what {@link HostileTaskFuzzTest} found. Not tagged: it runs in every
 * build.
 */
class HostileTaskRegressionTest {

    @TestFactory
    Stream<DynamicTest> everyKeptInputStillHoldsTheInvariants() throws IOException, URISyntaxException {
        Path dir = Path.of(HostileTaskRegressionTest.class.getResource("/fuzz-regressions/kernel").toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".txt")).sorted().collect(Collectors.toList());
        }
        assertTrue(files.size() >= 3, "the kept inputs are there: " + files);
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            HostileScenario s = HostileScenario.parse(Files.readString(f, StandardCharsets.UTF_8));
            assertTrue(!s.hostiles.isEmpty(), f + " has no hostile task");
            assertNull(s.check(), f.getFileName().toString());
        }));
    }
}
