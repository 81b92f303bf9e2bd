package dev.levitate.sched.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.sched.Task;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A user task from an ELF file the GNU toolchain built; malformed files are refused and change nothing. */
class ElfTaskTest {
    @TempDir
    Path dir;

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void anElfBuiltByGccRunsAsAUserTask() throws Exception {
        String gcc = "aarch64-linux-gnu-gcc";
        if (!onPath(gcc)) {
            String msg = gcc + " is needed for this test (apt-get install gcc-aarch64-linux-gnu)";
            if (Boolean.getBoolean("levitate.requireTools")) {
                Assertions.fail(msg + " (levitate.requireTools=true: CI must install it)");
            }
            Assumptions.abort(msg + " — skipped");
        }
        Path src = dir.resolve("hello-user.S");
        try (InputStream in = getClass().getResourceAsStream("/elf/hello-user.S")) {
            Files.copy(in, src);
        }
        Path elf = dir.resolve("hello-user.elf");
        Process p = new ProcessBuilder(gcc, "-nostdlib", "-static", "-no-pie", "-Wl,-Ttext=0x400000", "-Wl,--build-id=none",
                "-o", elf.toString(), src.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, log);
        try (Kernel k = Kernel.builder().ramMib(32).build()) {
            Task t = k.spawnUserElf("hello", Files.readAllBytes(elf), 2);
            assertTrue(k.run(100).allExited());
            assertEquals("hello from an ELF user program\n", k.console());
            assertEquals(42, t.exitCode(), "40 from its data segment + the argument 2");
            assertEquals(k.freeFramesAfterBoot(), k.frames().freeFrames());
        }
    }

    @Test
    void malformedFilesAreRefusedAndNothingLeaks() {
        try (Kernel k = Kernel.builder().ramMib(32).build()) {
            long free = k.frames().freeFrames();
            byte[] junk = new byte[100];
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> k.spawnUserElf("junk", junk, 0));
            assertTrue(e.getMessage().contains("no ELF magic"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> k.spawnUserElf("short", new byte[10], 0));
            assertEquals(free, k.frames().freeFrames());
            assertEquals(0, k.tasks().size());
        }
    }
}
