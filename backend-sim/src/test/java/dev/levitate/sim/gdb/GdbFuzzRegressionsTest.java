package dev.levitate.sim.gdb;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/**
 * Replays every debugger session that ever broke the stub, kept under {@code
 * fuzz-regressions/gdb/} as {@link GdbScript} text ({@code NAME.rsp}): after each, no exception
 * has left {@link GdbStub#serve()} and a new debugger is served.
 */
@Timeout(120)
class GdbFuzzRegressionsTest {
    @TestFactory
    Stream<DynamicTest> everyKeptSessionLeavesTheStubServing() throws IOException, URISyntaxException {
        Path dir = Path.of(GdbFuzzRegressionsTest.class.getResource("/fuzz-regressions/gdb").toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".rsp")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no kept sessions in " + dir);
        return files.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            try (GdbScript.Harness h = new GdbScript.Harness()) {
                assertNull(h.run(GdbScript.parse(Files.readString(p))));
            }
        }));
    }
}
