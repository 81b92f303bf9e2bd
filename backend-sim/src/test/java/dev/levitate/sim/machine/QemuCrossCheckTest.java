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
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bare-metal programs in {@code src/test/resources/baremetal} — exceptions and their syndromes,
 * the MMU with faults and TLB maintenance, EL0 and back, the timer through the GIC, the PSCI calls
 * of a kernel's boot (every function's PSCI_FEATURES answer and result) — built with the
 * GNU cross toolchain and run unmodified on {@code qemu-system-aarch64 -M virt -cpu cortex-a53
 * -semihosting} and on the simulator: the UART output must be identical, byte for byte, and both
 * must exit with code 0.
 *
 * <p>What QEMU does not model is left out of the programs and tested on the simulator alone: SP
 * alignment faults (QEMU ignores SCTLR_EL1.SA) and the ISS of a trapped MSR DAIFSet (QEMU swaps
 * op1 and op2), and stale TLB entries (QEMU over-invalidates).
 */
class QemuCrossCheckTest {
    static final String GCC = "aarch64-linux-gnu-gcc";
    static final String QEMU = "qemu-system-aarch64";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}.S")
    @ValueSource(strings = {"exceptions", "mmu", "timer", "sysregs", "psci"})
    void sameOutputAsQemu(String program) throws Exception {
        ExternalTools.require(GCC + " (apt-get install gcc-aarch64-linux-gnu)", ExternalTools.missing(GCC));
        ExternalTools.require(QEMU + " (apt-get install qemu-system-arm)", ExternalTools.missing(QEMU));
        for (String f : List.of("lib.inc", program + ".S")) {
            try (InputStream in = getClass().getResourceAsStream("/baremetal/" + f)) {
                Files.copy(in, dir.resolve(f));
            }
        }
        Path elf = dir.resolve(program + ".elf");
        String gccLog = ExternalTools.run(60, GCC, "-nostdlib", "-static", "-Wl,-Ttext=0x40080000", "-Wl,--build-id=none",
                "-Wa,-I" + dir, "-o", elf.toString(), dir.resolve(program + ".S").toString()).output();
        assertTrue(Files.exists(elf), "the cross compiler failed: " + gccLog);

        String qemu = ExternalTools.run(60, QEMU, "-M", "virt", "-cpu", "cortex-a53", "-display", "none", "-monitor", "none",
                "-serial", "stdio", "-nic", "none", "-semihosting", "-kernel", elf.toString()).output();

        StringBuilder sim = new StringBuilder();
        Machine m = new Machine(128L << 20, b -> sim.append((char) b), b -> sim.append((char) b), b -> { });
        m.loadElf(ElfImage.parse(Files.readAllBytes(elf)));
        StopKind stop = m.run(10_000_000);
        assertEquals(StopKind.EXIT, stop, () -> "simulator stopped " + stop + " at 0x" + Long.toHexString(m.cpu().stopPc())
                + " after printing:\n" + sim);
        assertEquals(0, m.cpu().stopValue(), "exit code");
        assertTrue(qemu.endsWith("done\n"), () -> "QEMU did not finish the program:\n" + qemu);
        assertEquals(qemu, sim.toString(), "UART output, QEMU (expected) vs simulator");
    }

}
