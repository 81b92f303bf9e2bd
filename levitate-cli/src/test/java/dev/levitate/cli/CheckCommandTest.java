package dev.levitate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code levitate check} on levitate-check's example kernel (its C source and binding live in that
 * module's test resources): clean it passes, with a TLBI left out it fails with the shrunk calls.
 */
class CheckCommandTest {
    static final Path EXAMPLE = Path.of("..", "examples", "check-your-kernel", "kernel");

    @TempDir
    Path dir;

    private Path build(String bug) throws Exception {
        Path gcc = ExternalTools.require("aarch64-linux-gnu-gcc", "builds the example kernel");
        Path elf = dir.resolve((bug == null ? "clean" : bug) + ".elf");
        List<String> cmd = new ArrayList<>(List.of(gcc.toString(), "-ffreestanding", "-mgeneral-regs-only", "-nostdlib", "-static", "-O2",
                "-fno-builtin", "-fno-tree-loop-distribute-patterns", "-Wl,-Ttext=0x40080000", "-Wl,--build-id=none"));
        if (bug != null) {
            cmd.add("-D" + bug);
        }
        cmd.addAll(List.of("-o", elf.toString(), EXAMPLE.resolve("mmu.c").toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), log);
        return elf;
    }

    @Test
    void aCleanKernelPassesAndAMissingTlbiFailsWithTheShrunkCalls() throws Exception {
        String binding = EXAMPLE.resolve("kernel.binding").toString();
        String[] ok = CliRun.run("check", build(null).toString(), "--binding", binding, "--tries", "20");
        assertEquals("0", ok[0], ok[1] + ok[2]);
        assertTrue(ok[1].startsWith("20 sequences passed (seed 1"), ok[1]);

        String[] bad = CliRun.run("check", build("BUG_NO_TLBI").toString(), "--binding", binding, "--tries", "400", "--seed", "42");
        assertEquals("1", bad[0], bad[1] + bad[2]);
        assertTrue(bad[1].startsWith("FAILED on try ") && bad[1].contains("[staleEntry]") && bad[1].contains("\n  map(0x"), bad[1]);
    }

    @Test
    void aBindingThatNamesAMissingSymbolIsRefused() throws Exception {
        Path binding = dir.resolve("bad.binding");
        Files.writeString(binding, Files.readString(EXAMPLE.resolve("kernel.binding")).replace("map_page", "no_such_function"));
        String[] r = CliRun.run("check", build(null).toString(), "--binding", binding.toString(), "--tries", "5");
        assertEquals(Integer.toString(CheckCommand.BAD_INPUT), r[0], r[1] + r[2]);
        assertTrue(r[2].contains("no symbol 'no_such_function'"), r[2]);
        String[] usage = CliRun.run("check", build(null).toString(), "--binding", binding.toString(), "--tries", "0");
        assertEquals("2", usage[0], usage[2]);
    }
}
