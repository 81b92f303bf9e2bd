package dev.levitate.sched.kernel;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays every user program that ever broke {@link ElfProgram} or {@link
 * Kernel#spawnUserElf(String, byte[], long)}, kept under {@code fuzz-regressions/elf/} as {@code
 * NAME.hex} (the file in hex; whitespace and {@code #} comment lines ignored): each must now meet
 * {@link ElfProgramInvariants}, through the parser and through a kernel.
 */
class ElfProgramRegressionsTest {
    @TestFactory
    Stream<DynamicTest> everyKeptInputMeetsTheInvariants() throws IOException, URISyntaxException {
        Path dir = Path.of(ElfProgramRegressionsTest.class.getResource("/fuzz-regressions/elf").toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".hex")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no kept inputs in " + dir);
        return files.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            String hex = Files.readString(p).replaceAll("(?m)^#.*$", "").replaceAll("\\s+", "");
            byte[] file = HexFormat.of().parseHex(hex);
            ElfProgramInvariants.parse(file);
            ElfProgramInvariants.spawnAndRun(file);
        }));
    }
}
