package dev.levitate.sim.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.sim.ExternalTools;
import dev.levitate.sim.cpu.StopKind;
import dev.levitate.sim.elf.ElfImage;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The C corpus in {@code src/test/resources/corpus} — integer arithmetic on every width, bit
 * manipulation, loads and stores of every size, strings, sorting, recursion, function pointers
 * and bytecode interpreters, the benchmark's workload, and the pair loads and stores of
 * {@code pairs.S} (LDNP/STNP, LDPSW with writeback) — compiled by {@code aarch64-linux-gnu-gcc
 * -O2 -ffreestanding -nostdlib -mgeneral-regs-only -mstrict-align} with the corpus's own crt0,
 * linker script and printf, then run on {@code qemu-system-aarch64 -M virt -cpu cortex-a53
 * -semihosting} and on the simulator: the UART and semihosting output must be identical byte for
 * byte, and the exit status (main's return value, through semihosting SYS_EXIT) the same.
 */
class CCorpusCrossCheckTest {
    static final String GCC = "aarch64-linux-gnu-gcc";
    static final String QEMU = "qemu-system-aarch64";
    /** The flags; the rest only link the image (crt0, link.ld: image at 0x40080000). */
    static final List<String> CFLAGS = List.of("-O2", "-ffreestanding", "-nostdlib", "-mgeneral-regs-only",
            "-mstrict-align", "-static", "-Wall", "-Wl,--build-id=none", "-Wl,--no-warn-rwx-segments");
    static final List<String> SOURCES = List.of("crt0.S", "lib.c", "lib.h", "link.ld");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} exits {1}")
    @CsvSource({"arith.c, 0", "bits.c, 0", "memory.c, 0", "strings.c, 0", "sort.c, 0", "recursion.c, 42", "fnptr.c, 0",
        "bench.c, 0", "pairs.S, 0", "el1.c, 0"})
    void sameOutputAndExitStatusAsQemu(String source, int expectedStatus) throws Exception {
        String program = source.substring(0, source.lastIndexOf('.'));
        ExternalTools.require(GCC + " (apt-get install gcc-aarch64-linux-gnu)", ExternalTools.missing(GCC));
        ExternalTools.require(QEMU + " (apt-get install qemu-system-arm)", ExternalTools.missing(QEMU));
        List<String> files = new ArrayList<>(SOURCES);
        files.add(source);
        for (String f : files) {
            try (InputStream in = getClass().getResourceAsStream("/corpus/" + f)) {
                Files.copy(in, dir.resolve(f));
            }
        }
        Path elf = dir.resolve(program + ".elf");
        List<String> gcc = new ArrayList<>(List.of(GCC));
        gcc.addAll(CFLAGS);
        gcc.addAll(List.of("-T", dir.resolve("link.ld").toString(), "-o", elf.toString(),
                dir.resolve("crt0.S").toString(), dir.resolve("lib.c").toString(), dir.resolve(source).toString()));
        ExternalTools.Result compiled = ExternalTools.run(60, gcc.toArray(String[]::new));
        assertTrue(Files.exists(elf) && compiled.status() == 0, "the cross compiler failed: " + compiled.output());

        ExternalTools.Result qemu = ExternalTools.run(60, QEMU, "-M", "virt", "-cpu", "cortex-a53", "-display", "none", "-monitor", "none",
                "-serial", "stdio", "-nic", "none", "-semihosting", "-kernel", elf.toString());

        StringBuilder sim = new StringBuilder();
        Machine m = new Machine(128L << 20, b -> sim.append((char) b), b -> sim.append((char) b), b -> sim.append((char) b));
        m.loadElf(ElfImage.parse(Files.readAllBytes(elf)));
        StopKind stop = m.run(200_000_000);
        assertEquals(StopKind.EXIT, stop, () -> "simulator stopped " + stop + " at 0x" + Long.toHexString(m.cpu().stopPc())
                + " after printing:\n" + sim);
        assertTrue(qemu.output().contains("done"), () -> "QEMU did not finish the program:\n" + qemu.output());
        assertEquals(qemu.output(), sim.toString(), "UART and semihosting output, QEMU (expected) vs simulator");
        assertEquals(expectedStatus, qemu.status(), "QEMU's exit status");
        assertEquals(qemu.status(), m.cpu().stopValue(), "exit status, QEMU (expected) vs simulator");
    }

}
