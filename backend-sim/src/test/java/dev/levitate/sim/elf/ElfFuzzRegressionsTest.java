package dev.levitate.sim.elf;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays every ELF input that ever broke a loader invariant, kept under {@code
 * fuzz-regressions/elf/}: {@code NAME.hex} (the file in hex, whitespace ignored) or {@code
 * NAME.elf.gz} (the file, gzipped: for large but repetitive files). Each must now meet {@link
 * ElfInvariants}.
 */
class ElfFuzzRegressionsTest {
    static byte[] load(Path p) throws IOException {
        String name = p.getFileName().toString();
        if (name.endsWith(".hex")) {
            return HexFormat.of().parseHex(Files.readString(p).replaceAll("\\s+", ""));
        }
        try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
            return in.readAllBytes();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyKeptInputMeetsTheInvariants() throws IOException, URISyntaxException {
        Path dir = Path.of(ElfFuzzRegressionsTest.class.getResource("/fuzz-regressions/elf").toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".hex") || p.toString().endsWith(".elf.gz")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no kept inputs in " + dir);
        return files.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(),
                () -> assertNull(ElfInvariants.check(load(p)))));
    }
}
