package dev.levitate.nativebackend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Builds the C harness (src/test/c/harness.c) with the shim's own sources and runs it: natively,
 * and for AArch64 with aarch64-linux-gnu-gcc under qemu-aarch64, so the AArch64 cpu_switch_to is
 * tested on AArch64 instructions.
 */
class NativeHarnessTest {
    static final Path NATIVE = Path.of("src/main/native");
    static final Path HARNESS = Path.of("src/test/c/harness.c");

    static Optional<String> missing(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return Optional.empty();
            }
        }
        return Optional.of(tool + " not found on PATH");
    }

    static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed:\n" + out);
        return out;
    }

    static String buildAndRun(String cc, String asm, List<String> extra, List<String> runner) throws Exception {
        Path exe = Files.createTempDirectory("levitate-harness").resolve("harness");
        List<String> cmd = new ArrayList<>(List.of(cc, "-O2", "-Wall", "-Wextra", "-Werror", "-I", NATIVE.toString(), "-o", exe.toString(),
                HARNESS.toString(), NATIVE.resolve("levitate_native.c").toString(), NATIVE.resolve(asm).toString()));
        cmd.addAll(extra);
        run(cmd);
        List<String> exec = new ArrayList<>(runner);
        exec.add(exe.toString());
        return run(exec);
    }

    @Test
    void theHostAssemblyPassesTheHarness() throws Exception {
        NativeTools.require("gcc", missing("gcc"));
        String asm = System.getProperty("os.arch").equals("aarch64") ? "switch_aarch64.S" : "switch_x86_64.S";
        String out = buildAndRun("gcc", asm, List.of(), List.of());
        assertTrue(out.contains("all callee-saved registers and sp preserved"), out);
        assertTrue(out.contains("faulted as it must"), out);
        assertTrue(out.contains(" passed, 0 failed"), out);
    }

    @Test
    void theAarch64AssemblyPassesTheHarnessUnderQemu() throws Exception {
        NativeTools.require("aarch64-linux-gnu-gcc (apt-get install gcc-aarch64-linux-gnu)", missing("aarch64-linux-gnu-gcc"));
        NativeTools.require("qemu-aarch64 (apt-get install qemu-user)", missing("qemu-aarch64"));
        String out = buildAndRun("aarch64-linux-gnu-gcc", "switch_aarch64.S", List.of("-static"), List.of("qemu-aarch64"));
        assertTrue(out.startsWith("arch aarch64"), out);
        assertTrue(out.contains("all callee-saved registers and sp preserved"), out);
        assertTrue(out.contains("faulted as it must"), out);
        assertTrue(out.contains(" passed, 0 failed"), out);
    }
}
