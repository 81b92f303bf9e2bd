package dev.levitate.check;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds the example kernel ({@code examples/check-your-kernel/kernel/mmu.c}, on the test classpath as {@code check-your-kernel/}) with the cross
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
        return check("mmu.c", "kernel.binding", bug);
    }

    /**
     * Returns the check of a driver of the example kernel (a C file that includes mmu.c, e.g.
     * mmu_on.c) built with {@code -D<bug>}, bound by a binding file of the same resources.
     *
     * @param source the C file to compile, mmu.c or one that includes it
     * @param bindingFile the binding file
     * @param bug the switch, or null for the clean kernel
     */
    static KernelCheck check(String source, String bindingFile, String bug) throws Exception {
        ExternalTools.require(GCC + " (apt-get install gcc-aarch64-linux-gnu)", ExternalTools.missing(GCC));
        String key = (source.equals("mmu.c") ? "" : source.replace(".c", "-")) + (bug == null ? "clean" : bug);
        KernelCheck c = BUILT.get(key);
        if (c != null) {
            return c;
        }
        Path dir = Files.createTempDirectory("check-your-kernel");
        for (String f : new java.util.LinkedHashSet<>(List.of("mmu.c", source, bindingFile))) {
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
        cmd.addAll(List.of("-o", elf.toString(), dir.resolve(source).toString()));
        ExternalTools.Result r = ExternalTools.run(120, cmd.toArray(String[]::new));
        if (r.status() != 0 || !Files.exists(elf)) {
            throw new AssertionError("the cross compiler failed on " + source + " (" + key + "):\n" + r.output());
        }
        c = KernelCheck.of(elf, dir.resolve(bindingFile));
        BUILT.put(key, c);
        return c;
    }
}
