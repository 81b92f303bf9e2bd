package dev.levitate.sim.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.sim.ExternalTools;
import dev.levitate.sim.cpu.StopKind;
import dev.levitate.a64.A64;
import dev.levitate.a64.Field;
import dev.levitate.sim.machine.Machine;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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

    /**
     * The file of issue 16: 2 MiB, half a string table with no NUL byte at all, half symbols that
     * each name a different offset of it. Every name used to run to the table's end and every copy
     * was kept (about 45,000 names of up to 1 MiB: out of heap after 20 s).
     */
    static byte[] strtabAttack(boolean endsWithNul) {
        int tableBytes = 1 << 20;
        byte[] strtab = new byte[tableBytes];
        Arrays.fill(strtab, (byte) 'A');
        strtab[0] = 0;
        if (endsWithNul) {
            strtab[tableBytes - 1] = 0;
        }
        int symbols = (1 << 20) / 24;
        int[] names = new int[symbols];
        long[] values = new long[symbols];
        for (int i = 0; i < symbols; i++) {
            names[i] = 1 + i * 7 % (tableBytes - 2);
            values[i] = LOAD + 4L * i;
        }
        return ElfBuilder.withSymbols(LOAD, exitSeven(), names, values, strtab);
    }

    @Test
    void aStringTableWithoutNulIsRefusedWithItsOffset() {
        byte[] file = strtabAttack(false);
        ElfFormatException e = assertThrows(ElfFormatException.class, () -> ElfImage.parse(file));
        assertTrue(e.getMessage().contains("does not end with a NUL byte"), e.getMessage());
    }

    @Test
    void namesThatOverlapWithoutLimitAreRefusedBeforeTheyFillTheHeap() {
        byte[] file = strtabAttack(true); // NUL-terminated, but every name runs to the table's end
        ElfFormatException e = assertThrows(ElfFormatException.class, () -> ElfImage.parse(file));
        assertTrue(e.getMessage().contains("overlapping names"), e.getMessage());
    }

    @Test
    void symbolsSharingOneLongNameDecodeItOnce() {
        int tableBytes = 1 << 20;
        byte[] strtab = new byte[tableBytes];
        Arrays.fill(strtab, 1, tableBytes - 1, (byte) 'B');
        int symbols = 20_000; // 20,000 copies of a 1 MiB name would be 40 GB of chars
        int[] names = new int[symbols];
        long[] values = new long[symbols];
        for (int i = 0; i < symbols; i++) {
            names[i] = 1;
            values[i] = LOAD + 4L * i;
        }
        ElfImage image = ElfImage.parse(ElfBuilder.withSymbols(LOAD, exitSeven(), names, values, strtab));
        assertEquals(symbols, image.symbols().size());
        java.util.Set<String> distinct = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        distinct.addAll(image.symbols().values());
        long chars = distinct.stream().mapToLong(String::length).sum();
        assertTrue(chars <= tableBytes, chars + " characters of names from a " + tableBytes + "-byte string table");
        assertEquals(tableBytes - 2, image.symbolize(LOAD).length());
    }

    @Test
    void sharedNameSuffixesAsLinkersWriteThemAreRead() {
        byte[] strtab = "\0barfoo\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ElfImage image = ElfImage.parse(ElfBuilder.withSymbols(LOAD, exitSeven(), new int[] {1, 4, 5}, new long[] {LOAD, LOAD + 4, LOAD + 8},
                strtab));
        assertEquals("barfoo", image.symbolize(LOAD));
        assertEquals("foo", image.symbolize(LOAD + 4));
        assertEquals("oo", image.symbolize(LOAD + 8));
    }

    @Test
    void aSecondSymbolTableOrAStringTableOfTheWrongTypeIsRefused() {
        byte[] two = VALID.clone();
        ByteBuffer b = ByteBuffer.wrap(two).order(ByteOrder.LITTLE_ENDIAN);
        int shoff = (int) b.getLong(40);
        b.putInt(shoff + 2 * 64 + 4, 2); // the string table's header now says SHT_SYMTAB too
        assertTrue(assertThrows(ElfFormatException.class, () -> ElfImage.parse(two)).getMessage().contains("both SHT_SYMTAB"));
        byte[] wrongLink = VALID.clone();
        ByteBuffer w = ByteBuffer.wrap(wrongLink).order(ByteOrder.LITTLE_ENDIAN);
        w.putInt(shoff + 64 + 40, 0); // sh_link to the null section
        assertTrue(assertThrows(ElfFormatException.class, () -> ElfImage.parse(wrongLink)).getMessage().contains("not SHT_STRTAB"));
    }

    @Test
    void segmentsThatCopyTheSameFileBytesManyTimesAreRefused() {
        // 2,000 PT_LOAD headers, each at its own address but all reading the whole file: 2,000 copies of it
        int phnum = 2000;
        int phoff = 64;
        int size = phoff + 56 * phnum;
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(Arrays.copyOf(VALID, 64));
        b.putLong(32, phoff).putLong(40, 0).putShort(56, (short) phnum).putShort(60, (short) 0);
        for (int i = 0; i < phnum; i++) {
            int h = phoff + 56 * i;
            long at = LOAD + ((long) i << 20);
            b.putInt(h, 1).putInt(h + 4, 5).putLong(h + 8, 0).putLong(h + 16, at).putLong(h + 24, at).putLong(h + 32, size).putLong(h + 40, size);
        }
        ElfFormatException e = assertThrows(ElfFormatException.class, () -> ElfImage.parse(b.array()));
        assertTrue(e.getMessage().contains("segment 1:") && e.getMessage().contains("more than the"), e.getMessage());
    }

    @Test
    void offsetsNearTwoToTheSixtyFourAreRefusedAsTruncation() {
        for (long bad : new long[] {Long.MAX_VALUE, Long.MIN_VALUE, -1L, Long.MAX_VALUE - 60}) {
            byte[] ph = VALID.clone();
            ByteBuffer.wrap(ph).order(ByteOrder.LITTLE_ENDIAN).putLong(32, bad); // e_phoff
            assertTrue(assertThrows(ElfFormatException.class, () -> ElfImage.parse(ph)).getMessage().contains("truncated"));
            byte[] off = VALID.clone();
            ByteBuffer.wrap(off).order(ByteOrder.LITTLE_ENDIAN).putLong(64 + 8, bad); // p_offset
            assertTrue(assertThrows(ElfFormatException.class, () -> ElfImage.parse(off)).getMessage().contains("truncated"));
        }
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
