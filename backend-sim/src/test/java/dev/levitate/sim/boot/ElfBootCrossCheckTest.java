package dev.levitate.sim.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.sim.ExternalTools;
import dev.levitate.sim.cpu.StopKind;
import dev.levitate.sim.machine.Machine;
import dev.levitate.sim.machine.PowerRequest;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a bare ELF finds at boot ({@code boot/dtbprobe.S}: x0..x3, its address, the word at the start
 * of RAM), on {@code qemu-system-aarch64 -M virt -cpu cortex-a53 -kernel} and through
 * {@link KernelBoot}, linked in flash, just below and at 1 MiB above RAM base, and higher: the device
 * tree is at 0x40000000 exactly when QEMU puts it there, and x0 is 0 either way.
 */
class ElfBootCrossCheckTest {
    static final String GCC = "aarch64-linux-gnu-gcc";
    static final String QEMU = "qemu-system-aarch64";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "linked at {0}: DTB at RAM base {1}")
    @CsvSource({"0x1000, true", "0x40080000, false", "0x400ff000, false", "0x40100000, true", "0x40280000, true"})
    void anElfFindsWhatItFindsOnQemu(String address, boolean dtb) throws Exception {
        ExternalTools.require(GCC + " (apt-get install gcc-aarch64-linux-gnu)", ExternalTools.missing(GCC));
        ExternalTools.require(QEMU + " (apt-get install qemu-system-arm)", ExternalTools.missing(QEMU));
        try (InputStream in = getClass().getResourceAsStream("/boot/dtbprobe.S")) {
            Files.copy(in, dir.resolve("dtbprobe.S"));
        }
        Path elf = dir.resolve("dtbprobe.elf");
        ExternalTools.Result gcc = ExternalTools.run(60, GCC, "-nostdlib", "-static", "-Wl,-N", "-Wl,-Ttext=" + address,
                "-Wl,--build-id=none", "-Wl,--no-warn-rwx-segments", "-o", elf.toString(), dir.resolve("dtbprobe.S").toString());
        assertTrue(Files.exists(elf), gcc.output());
        ExternalTools.Result qemu = ExternalTools.run(60, QEMU, "-M", "virt", "-cpu", "cortex-a53", "-display", "none", "-monitor", "none",
                "-serial", "stdio", "-nic", "none", "-append", "x", "-kernel", elf.toString());
        StringBuilder sim = new StringBuilder();
        Machine m = new Machine(128L << 20, b -> sim.append((char) b), b -> { }, b -> { });
        KernelBoot.Boot boot = KernelBoot.load(m, Files.readAllBytes(elf), null, "x", false);
        assertEquals(StopKind.POWER_OFF, m.run(10_000));
        assertEquals(PowerRequest.SYSTEM_OFF, m.powerRequest());
        assertEquals(qemu.output(), sim.toString(), "x0, x1|x2|x3, the PC, the word at 0x40000000: QEMU (expected) vs simulator");
        assertEquals(dtb ? "00000000edfe0dd0" : "0000000000000000", qemu.output().split("\n")[3], "QEMU's own answer");
        assertEquals(dtb ? Machine.RAM_BASE : -1, boot.dtbAddress());
    }
}
