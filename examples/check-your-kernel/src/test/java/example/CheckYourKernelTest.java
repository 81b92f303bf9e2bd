package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.check.KernelCheck;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernel in {@code kernel/} is a small page-table implementation in C written the way the
 * original kernel's {@code mmu.rs} was (4 levels, 2 MiB blocks, split, reclaim, never the root),
 * with each of that kernel's known mistakes behind a compile-time switch. levitate-check calls its
 * own {@code map_page}, {@code unmap_page}, {@code map_range}, {@code unmap_range} and
 * {@code protect_range} on the simulator, as {@code kernel/kernel.binding} says, and checks every
 * step against the testkit's reference model and TLB model. Built clean it passes; built with a
 * mistake it fails with a short call sequence that names the check that caught it.
 *
 * <p>Needs the cross compiler ({@code apt-get install gcc-aarch64-linux-gnu}); without it the
 * tests are skipped, unless {@code -Dlevitate.requireTools=true} (as CI runs them) makes that a
 * failure.
 */
class CheckYourKernelTest {
    static final String GCC = "aarch64-linux-gnu-gcc";
    static final Path KERNEL = Path.of("kernel");

    @TempDir
    Path out;

    /** Compiles kernel/mmu.c, optionally with {@code -D<mistake>}, and binds it. */
    KernelCheck build(String mistake) throws Exception {
        if (!onPath(GCC)) {
            String why = GCC + " is not installed (apt-get install gcc-aarch64-linux-gnu)";
            if (Boolean.getBoolean("levitate.requireTools")) {
                throw new AssertionError(why + ", and levitate.requireTools is set");
            }
            Assumptions.abort(why);
        }
        Path elf = out.resolve((mistake == null ? "clean" : mistake) + ".elf");
        List<String> cmd = new ArrayList<>(List.of(GCC, "-ffreestanding", "-mgeneral-regs-only", "-nostdlib", "-static", "-O2",
                "-fno-builtin", "-fno-tree-loop-distribute-patterns", "-Wl,-Ttext=0x40080000", "-Wl,--build-id=none"));
        if (mistake != null) {
            cmd.add("-D" + mistake);
        }
        cmd.addAll(List.of("-o", elf.toString(), KERNEL.resolve("mmu.c").toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, "the cross compiler failed:\n" + log);
        return KernelCheck.of(elf, KERNEL.resolve("kernel.binding"));
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void theCleanKernelPassesEveryGeneratedSequence() throws Exception {
        assertEquals(Optional.empty(), build(null).search(100, 2026, 20));
    }

    @Test
    void anUnmapWithoutTlbiLeavesAStaleTranslation() throws Exception {
        KernelCheck.Counterexample c = build("BUG_NO_TLBI").search(400, 42, 20).orElseThrow();
        System.out.println("BUG_NO_TLBI: " + c.ops() + "\n" + c.message());
        assertTrue(c.message().startsWith("[staleEntry]") || c.message().contains("[staleEntry]"), c.message());
        assertTrue(c.ops().size() <= 4, "shrunk to a short sequence: " + c.ops());
    }

    @Test
    void aTlbiWithoutTheBarrierBeforeItIsCaught() throws Exception {
        KernelCheck.Counterexample c = build("BUG_NO_DSB").search(400, 42, 20).orElseThrow();
        System.out.println("BUG_NO_DSB: " + c.ops() + "\n" + c.message());
        assertTrue(c.message().contains("[tlbiBeforeDsb]"), c.message());
    }

    @Test
    void aTableFreedWithoutInvalidationIsCaught() throws Exception {
        KernelCheck.Counterexample c = build("BUG_FREE_NO_TLBI").search(400, 42, 20).orElseThrow();
        System.out.println("BUG_FREE_NO_TLBI: " + c.ops() + "\n" + c.message());
        assertTrue(c.message().contains("[freedBeforeInvalidate]"), c.message());
    }
}
