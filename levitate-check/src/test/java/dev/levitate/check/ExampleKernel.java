package dev.levitate.check;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds the example kernel ({@code check-your-kernel/mmu.c} in the test resources) with the cross
 * compiler, clean or with one of its planted mistakes switched on; skips (or fails under
 * {@code -Dlevitate.requireTools=true}) when the cross compiler is missing.
 */
final class ExampleKernel {
    static final String GCC = "aarch64-linux-gnu-gcc";
    private static final ConcurrentHashMap<String, KernelCheck> BUILT = new ConcurrentHashMap<>();

    private ExampleKernel() {
    }

    /**
     * Returns the check of the kernel built with {@code -D<bug>} (none for null).
     *
     * @param bug the switch, e.g. BUG_NO_DSB, or null for the clean kernel
     */
    static KernelCheck check(String bug) throws Exception {
        ExternalTools.require(GCC + " (apt-get install gcc-aarch64-linux-gnu)", ExternalTools.missing(GCC));
        String key = bug == null ? "clean" : bug;
        KernelCheck c = BUILT.get(key);
        if (c != null) {
            return c;
        }
        Path dir = Files.createTempDirectory("check-your-kernel");
        for (String f : List.of("mmu.c", "kernel.binding")) {
            try (InputStream in = ExampleKernel.class.getResourceAsStream("/check-your-kernel/" + f)) {
                Files.copy(in, dir.resolve(f));
            }
        }
        Path elf = dir.resolve(key + ".elf");
        List<String> cmd = new ArrayList<>(List.of(GCC, "-ffreestanding", "-mgeneral-regs-only", "-nostdlib", "-static", "-O2",
                "-fno-builtin", "-fno-tree-loop-distribute-patterns", "-Wl,-Ttext=0x40080000", "-Wl,--build-id=none"));
        if (bug != null) {
            cmd.add("-D" + bug);
        }
        cmd.addAll(List.of("-o", elf.toString(), dir.resolve("mmu.c").toString()));
        ExternalTools.Result r = ExternalTools.run(120, cmd.toArray(String[]::new));
        if (r.status() != 0 || !Files.exists(elf)) {
            throw new AssertionError("the cross compiler failed on mmu.c (" + key + "):\n" + r.output());
        }
        c = KernelCheck.of(elf, dir.resolve("kernel.binding"));
        BUILT.put(key, c);
        return c;
    }
}
