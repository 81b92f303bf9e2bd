package dev.levitate.sim.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.sim.ExternalTools;
import dev.levitate.sim.cpu.StopKind;
import dev.levitate.sim.isa.A64;
import dev.levitate.sim.isa.Field;
import dev.levitate.sim.machine.Machine;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class ElfLoaderTest {
    static final long LOAD = 0x4008_0000L;

    /** movz w0, #0x18; adr x1, block; hlt #0xf000 ; block: {0x20026, 7}. */
    static byte[] exitSeven() {
        ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(A64.MOVZ.encoding().encode(Field.SF, 0, Field.SH, 0, Field.IMM, 0x18, Field.RD, 0));
        b.putInt(A64.ADR.encoding().encode(Field.IMMLO, 0, Field.IMM, 3, Field.RD, 1)); // +12 -> offset 16
        b.putInt(A64.HLT.encoding().encode(Field.IMM, 0xF000));
        b.putInt(0);
        b.putLong(0x20026).putLong(7);
        return b.array();
    }

    static final byte[] VALID = ElfBuilder.build(LOAD, exitSeven(), 64, "_start");

    static Machine machine() {
        return new Machine(64L << 20, c -> { }, c -> { }, c -> { });
    }

    @Test
    void aValidImageLoadsAndRuns() {
        ElfImage image = ElfImage.parse(VALID);
        assertEquals(LOAD, image.entry());
        assertEquals("_start+0x8", image.symbolize(LOAD + 8));
        Machine m = machine();
        m.loadElf(image);
        assertEquals(StopKind.EXIT, m.run(100));
        assertEquals(7, m.cpu().stopValue());
    }

    @Test
    void malformedFilesGetTheReason() {
        assertTrue(assertThrows(ElfFormatException.class, () -> ElfImage.parse(Arrays.copyOf(VALID, 40))).getMessage().contains("truncated"));
        byte[] wrongMachine = VALID.clone();
        wrongMachine[18] = 62; // EM_X86_64
        assertTrue(assertThrows(ElfFormatException.class, () -> ElfImage.parse(wrongMachine)).getMessage().contains("not AArch64"));
        byte[] cut = Arrays.copyOf(VALID, 64 + 56 + 8);
        assertTrue(assertThrows(ElfFormatException.class, () -> ElfImage.parse(cut)).getMessage().contains("segment 0"));
        byte[] outside = ElfBuilder.build(Machine.FLASH_SIZE, exitSeven(), 0, "gic"); // the GIC's window: neither RAM nor flash
        assertTrue(assertThrows(ElfFormatException.class, () -> machine().loadElf(ElfImage.parse(outside))).getMessage().contains("outside RAM"));
        byte[] straddles = ElfBuilder.build(Machine.FLASH_SIZE - 16, exitSeven(), 0, "edge"); // 32 bytes: half in flash
        assertTrue(assertThrows(ElfFormatException.class, () -> machine().loadElf(ElfImage.parse(straddles))).getMessage().contains("and flash"));
    }

    /** QEMU virt's -kernel loads segments that lie in its flash (0 .. 0x0800_0000) there, and runs them. */
    @Test
    void anImageInTheFlashWindowLoadsAndRuns() {
        Machine m = machine();
        m.loadElf(ElfImage.parse(ElfBuilder.build(0x1000, exitSeven(), 0, "low")));
        assertEquals(StopKind.EXIT, m.run(100));
        assertEquals(7, m.cpu().stopValue(), "the exit code came from the parameter block in flash");
        assertEquals(0x52800300, m.flash().read32(0x1000), "movz w0, #0x18 is in flash");
        assertEquals(0, m.ram().read32(Machine.RAM_BASE), "and nothing went to RAM");
    }

    @Provide
    Arbitrary<byte[]> mutants() {
        Arbitrary<int[]> flips = Arbitraries.integers().between(0, VALID.length - 1).array(int[].class).ofMinSize(1).ofMaxSize(8);
        return Combinators.combine(flips, Arbitraries.integers().between(0, 255), Arbitraries.integers().between(1, VALID.length))
                .as((positions, value, length) -> {
                    byte[] m = Arrays.copyOf(VALID, length);
                    for (int p : positions) {
                        if (p < m.length) {
                            m[p] = (byte) (m[p] ^ value ^ p);
                        }
                    }
                    return m;
                });
    }

    @Property(tries = 1500)
    void mutatedImagesFailOnlyWithElfFormatException(@ForAll("mutants") byte[] file) {
        ElfImage image;
        try {
            image = ElfImage.parse(file);
        } catch (ElfFormatException expected) {
            return;
        }
        Machine m = machine();
        try {
            m.loadElf(image);
        } catch (ElfFormatException expected) {
            return;
        }
        StopKind stop = m.run(10_000); // whatever it runs, it ends in a stop, never an exception
        assertTrue(stop != StopKind.NONE);
    }

    static Optional<String> missing(String tool) {
        return ExternalTools.missing(tool);
    }

    @Test
    void anImageFromTheGnuToolchainRuns() throws Exception {
        ExternalTools.require("aarch64-linux-gnu-gcc (apt-get install gcc-aarch64-linux-gnu)", missing("aarch64-linux-gnu-gcc"));
        Path dir = Files.createTempDirectory("levitate-elf");
        Path src = dir.resolve("hello.S");
        try (var in = ElfLoaderTest.class.getResourceAsStream("/asm/hello.S")) {
            Files.write(src, in.readAllBytes());
        }
        Path elf = dir.resolve("hello.elf");
        Process p = new ProcessBuilder("aarch64-linux-gnu-gcc", "-nostdlib", "-static", "-Wl,-Ttext=0x40080000", "-Wl,--build-id=none",
                "-o", elf.toString(), src.toString()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes()));
        ElfImage image = ElfImage.parse(Files.readAllBytes(elf));
        ByteArrayOutputStream uart = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Machine m = new Machine(64L << 20, uart::write, out::write, c -> { });
        m.loadElf(image);
        assertEquals(StopKind.EXIT, m.run(100_000), () -> "stopped at " + image.symbolize(m.cpu().stopPc()));
        assertEquals(3, m.cpu().stopValue());
        assertEquals("Levitate\n", uart.toString());
        assertEquals("semihosting ok\n", out.toString());
        assertEquals("_start", image.symbolize(image.entry()));
    }
}
