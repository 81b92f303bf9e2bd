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

    /** Issue 16: e_phoff or p_offset near 2^63 made the bounds checks overflow (IndexOutOfBoundsException). */
    @Test
    void offsetsAndSizesNearTwoToTheSixtyThreeAreRefusedWithIllegalArgumentException() {
        long[] extremes = {Long.MAX_VALUE, Long.MAX_VALUE - 8, Long.MAX_VALUE - 100, Long.MIN_VALUE, -1L, -56L};
        int ph = 64;
        int[][] fields = {{32, 0}, {ph + 8, 1}, {ph + 32, 1}, {ph + 40, 1}, {ph + 16, 1}, {ph + 56 + 8, 1}, {ph + 56 + 40, 1}, {ph + 56 + 16, 1}};
        for (int[] f : fields) {
            for (long v : extremes) {
                byte[] file = UserElf.build();
                java.nio.ByteBuffer.wrap(file).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(f[0], v);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ElfProgram.parse(file),
                        "field at offset " + f[0] + " = 0x" + Long.toHexString(v));
                assertTrue(e.getMessage().startsWith("not a runnable AArch64 user program"), e.getMessage());
            }
        }
    }

    @Test
    void segmentsThatShareFileBytesBeyondTheFileSizeAreRefused() {
        // 1,000 PT_LOAD headers at distinct pages, all reading the same whole file: a copy per header
        int phnum = 1000;
        int size = 64 + 56 * phnum;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(size).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put(java.util.Arrays.copyOf(UserElf.build(), 64));
        b.putLong(40, 0).putShort(56, (short) phnum).putShort(60, (short) 0);
        for (int i = 0; i < phnum; i++) {
            int h = 64 + 56 * i;
            long at = UserElf.CODE + ((long) i << 16);
            b.putInt(h, 1).putInt(h + 4, 5).putLong(h + 8, 0).putLong(h + 16, at).putLong(h + 32, size).putLong(h + 40, size);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ElfProgram.parse(b.array()));
        assertTrue(e.getMessage().contains("segment 1 ") && e.getMessage().contains("add up to"), e.getMessage());
    }

    @Test
    void aValidProgramStillLoadsWithItsSegments() {
        ElfProgram p = ElfProgram.parse(UserElf.build());
        assertEquals(UserElf.CODE, p.entry());
        assertEquals(2, p.segments().size());
        assertTrue(p.segments().get(0).executable() && p.segments().get(1).writable());
    }
}
