package dev.levitate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 20, part 2: a kernel in Linux arm64 Image format that reads the device tree it is given
 * ({@code backend-sim/src/test/resources/boot/dtbinfo.c}: memory size, the UART's address from the
 * pl011 node, the GIC, the timer's PPIs, /chosen's bootargs and initrd range with a checksum of its
 * bytes, PSCI through the method the tree names) prints the same on
 * {@code qemu-system-aarch64 -M virt -cpu cortex-a53 -nographic -kernel Image -append ... -initrd ...}
 * and on {@code levitate run Image --append ... --initrd ...}, and both power off with status 0.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ImageBootCrossCheckTest {
    static final Path SOURCES = Path.of("../backend-sim/src/test/resources/boot");

    @TempDir
    Path dir;

    /** Builds dtbinfo as an Image (and, gzip-compressed, as Image.gz). */
    private Path build() throws Exception {
        Path gcc = ExternalTools.require("aarch64-linux-gnu-gcc", "to build the Image");
        ExternalTools.require("aarch64-linux-gnu-objcopy", "to turn the ELF into an Image");
        for (String f : List.of("head.S", "dtbinfo.c", "image.ld")) {
            Files.copy(SOURCES.resolve(f), dir.resolve(f));
        }
        Path elf = dir.resolve("dtbinfo.elf");
        Path image = dir.resolve("Image");
        run(60, gcc.toString(), "-O2", "-ffreestanding", "-nostdlib", "-mgeneral-regs-only", "-mstrict-align", "-static", "-Wall",
                "-Wl,--build-id=none", "-Wl,--no-warn-rwx-segments", "-T", dir.resolve("image.ld").toString(), "-o", elf.toString(),
                dir.resolve("head.S").toString(), dir.resolve("dtbinfo.c").toString());
        run(60, "aarch64-linux-gnu-objcopy", "-O", "binary", elf.toString(), image.toString());
        return image;
    }

    private static String run(int seconds, String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread pump = new Thread(() -> {
            try (java.io.InputStream in = p.getInputStream()) {
                in.transferTo(out);
            } catch (java.io.IOException e) {
                // ended
            }
        });
        pump.start();
        assertTrue(p.waitFor(seconds, TimeUnit.SECONDS), command[0] + " did not finish: " + out);
        pump.join();
        String text = out.toString(StandardCharsets.ISO_8859_1);
        assertEquals(0, p.exitValue(), String.join(" ", command) + " failed:\n" + text);
        return text;
    }

    @ParameterizedTest(name = "-m {0} -append \"{1}\" initrd: {2}")
    @CsvSource({"128, console=ttyAMA0 root=/dev/ram0 rdinit=/init quiet, true", "256, '', false", "64, nokaslr, true",
        "512, '', true", "1024, a \"quoted\" argument, false"})
    void dtbinfoPrintsTheSameOnQemuAndLevitate(int mib, String append, boolean withInitrd) throws Exception {
        Path image = build();
        ExternalTools.require("qemu-system-aarch64", "the reference machine");
        Path rd = dir.resolve("initrd.txt");
        Files.writeString(rd, "first line of the initrd\n" + "x".repeat(5000) + "\nend\n");
        List<String> qemu = new ArrayList<>(List.of("qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a53", "-nographic",
                "-nic", "none", "-m", Integer.toString(mib), "-kernel", image.toString()));
        List<String> levitate = new ArrayList<>(List.of("run", "--ram-mib", Integer.toString(mib), image.toString()));
        if (!append.isEmpty()) {
            qemu.addAll(List.of("-append", append));
            levitate.addAll(List.of("--append", append));
        }
        if (withInitrd) {
            qemu.addAll(List.of("-initrd", rd.toString()));
            levitate.addAll(List.of("--initrd", rd.toString()));
        }
        String expected = run(60, qemu.toArray(String[]::new));
        assertTrue(expected.contains("dtbinfo: done"), expected);
        assertTrue(expected.contains("memory: 0x40000000 size 0x" + Long.toHexString((long) mib << 20)), expected);
        assertTrue(expected.contains(append.isEmpty() ? "bootargs: (none)" : "bootargs: \"" + append + "\""), expected);
        assertTrue(expected.contains(withInitrd ? "first line \"first line of the initrd\"" : "initrd: (none)"), expected);
        String[] ours = CliRun.run(levitate.toArray(String[]::new));
        assertEquals("0", ours[0], "levitate run's status (SYSTEM_OFF); stderr:\n" + ours[2]);
        assertEquals(expected, ours[1], "UART output, QEMU (expected) vs levitate run");
    }

    @Test
    void aGzippedImageRunsAsTheImage() throws Exception {
        Path image = build();
        Path gz = dir.resolve("Image.gz");
        try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(Files.readAllBytes(image));
        }
        String[] plain = CliRun.run("run", "--append", "x", image.toString());
        String[] zipped = CliRun.run("run", "--append", "x", gz.toString());
        assertEquals("0", zipped[0], zipped[2]);
        assertTrue(plain[1].contains("dtb at 0x44000000"), plain[1]);
        assertEquals(plain[1], zipped[1]);
    }
}
