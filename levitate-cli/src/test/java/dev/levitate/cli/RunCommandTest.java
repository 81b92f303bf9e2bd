package dev.levitate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.levitate.a64.A64Assembler;
import dev.levitate.sim.machine.Machine;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RunCommandTest {

    @Test
    void aMissingOrBadImageIsAClearErrorWithItsOwnStatus() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(RunCommand.BAD_IMAGE, run(err, "run", "/no/such.elf"));
        Path bad = Files.createTempFile("bad", ".elf");
        Files.write(bad, new byte[] {1, 2, 3});
        assertEquals(RunCommand.BAD_IMAGE, run(err, "run", bad.toString()));
        assertTrue(err.toString().contains("no such file"), err.toString());
        assertTrue(err.toString().contains("not a kernel: truncated at 3 bytes, too short for an ELF executable or a Linux arm64 Image"), err.toString());
    }

    @Test
    void aFileOfNoKnownKindRunsOnlyWithRawAsQemuWouldRunIt() throws Exception {
        // PSCI SYSTEM_OFF: movz w0, #0x8400, lsl #16; orr w0, w0, #8; hvc #0
        Path raw = Files.createTempFile("kernel", ".bin");
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(80).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x52b08000).putInt(0x321d0000).putInt(0xd4000002);
        Files.write(raw, b.array());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(RunCommand.BAD_IMAGE, run(err, "run", raw.toString()), err.toString());
        assertTrue(err.toString().contains("neither an ELF executable (\\x7fELF at offset 0) nor a Linux arm64 Image"
                + " (\"ARM\\x64\" at offset 56); QEMU would run it as a raw binary at 0x40080000 (--raw does that)"), err.toString());
        ByteArrayOutputStream err2 = new ByteArrayOutputStream();
        assertEquals(0, run(err2, "run", "--raw", "--max-instructions", "100", raw.toString()), err2.toString());
    }

    @Test
    void anInitrdForAnElfIsIgnoredAsQemuIgnoresItAndSaysSo() throws Exception {
        Path image = Files.createTempFile("exit42", ".elf");
        Files.write(image, TestElf.image(0x4008_0000L, exit42(0x4008_0000L), "_start"));
        Path rd = Files.createTempFile("initrd", ".img");
        Files.write(rd, new byte[100]);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(42, run(err, "run", "--initrd", rd.toString(), "--append", "a b", image.toString()), err.toString());
        assertTrue(err.toString().contains("levitate run: --initrd is ignored for an ELF image, as QEMU ignores -initrd for one"), err.toString());
        ByteArrayOutputStream err2 = new ByteArrayOutputStream();
        assertEquals(RunCommand.BAD_IMAGE, run(err2, "run", "--initrd", "/no/such/initrd", image.toString()));
        assertTrue(err2.toString().contains("no such file: /no/such/initrd"), err2.toString());
    }

    @Test
    void aSystemResetEndsTheRunAndSaysSo() throws Exception {
        // movz w0, #9; movk w0, #0x8400, lsl #16; hvc #0 -- PSCI SYSTEM_RESET
        Path image = Files.createTempFile("reset", ".elf");
        Files.write(image, image(12, 0, 0, 0x52800120, 0x72b08000, 0xd4000002));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = run(err, "run", "--max-instructions", "100", image.toString());
        assertEquals(0, status, err.toString());
        assertTrue(err.toString().contains("the guest asked for a system reset (PSCI SYSTEM_RESET)"), err.toString());
    }

    @Test
    void statsSayHowManyInstructionsRanAndHowManyOfThemInTheFastTier() throws Exception {
        Path spin = Files.createTempFile("spin", ".elf");
        Files.write(spin, GdbCommandTest.spinImage()); // b . : one fast-tier instruction, forever
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = run(err, "run", "--stats", "--max-instructions", "1000", spin.toString());
        assertEquals(RunCommand.STOPPED, status, err.toString());
        // the first execution decodes the word, then every one of the 1,000 runs in the fast tier;
        // once the block is hot (16 entries), compiled
        assertTrue(err.toString().contains("levitate run: 1,000 instructions (100.0% in the fast tier, 98.6% in 1 compiled blocks)"), err.toString());
        assertTrue(err.toString().contains("stopped after 1,000 instructions (--max-instructions)"), err.toString());
    }
    /** Runs the command line through {@link LevitateCommand#run} with stderr captured in {@code err}; returns the exit status. */
    static int run(ByteArrayOutputStream err, String... args) {
        return LevitateCommand.run(args, new PrintStream(OutputStream.nullOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    /**
     * A program that turns the MMU on with one level-1 table (a Device gigabyte at 0, RAM's
     * gigabyte at 0x40000000, both global 1 GiB blocks), loads from the table and spins. Its
     * source, assembled at 0x40080000 with aarch64-linux-gnu-gcc:
     * <pre>
     *   adr x0, l1; mov x1, #0x4ff; msr mair_el1, x1; mov x1, #0x3519; movk x1, #0x99, lsl #16
     *   movk x1, #0x2, lsl #32; msr tcr_el1, x1; msr ttbr0_el1, x0; isb; mrs x1, sctlr_el1
     *   orr x1, x1, #1; msr sctlr_el1, x1; isb; ldr x2, [x0]
     *   str xzr, [x0, #8]; dsb ish          // RAM's descriptor made invalid, and no TLBI
     *   b .                                 // still runs: the fetch uses the stale entry
     *   .balign 4096
     *   l1: .quad 0x405 (Device, AF, block); .quad 0x40000701 (Normal, inner shareable, AF, block)
     * </pre>
     */
    static byte[] mmuOnImage() {
        return image(4096 + 16, 0x405L, 0x4000_0701L, 0x10008000, 0xd2809fe1, 0xd518a201, 0xd286a321, 0xf2a01321, 0xf2c00041,
                0xd5182041, 0xd5182000, 0xd5033fdf, 0xd5381001, 0xb2400021, 0xd5181001, 0xd5033fdf, 0xf9400002, 0xf900041f,
                0xd5033b9f, 0x14000000);
    }

    /**
     * An ELF image of one RWX segment of {@code size} bytes at 0x40080000: {@code code} at its
     * start, and when the segment is over 4 KiB the two quads {@code l1a}, {@code l1b} at offset 4096.
     */
    static byte[] image(int size, long l1a, long l1b, int... code) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(120 + size).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1, 0}).put(new byte[8]);
        b.putShort((short) 2).putShort((short) 183).putInt(1);
        b.putLong(GdbCommandTest.ENTRY).putLong(64).putLong(0).putInt(0);
        b.putShort((short) 64).putShort((short) 56).putShort((short) 1).putShort((short) 0).putShort((short) 0).putShort((short) 0);
        b.putInt(1).putInt(7).putLong(120).putLong(GdbCommandTest.ENTRY).putLong(GdbCommandTest.ENTRY).putLong(size).putLong(size).putLong(4);
        for (int w : code) {
            b.putInt(w);
        }
        if (size > 4096) {
            b.position(120 + 4096);
            b.putLong(l1a).putLong(l1b);
        }
        return b.array();
    }

    @Test
    void anAbortWithoutVectorsIsNamedByItsSyndrome() throws Exception {
        // mov x0, #0x10000000; ldr x1, [x0]; b . -- a load outside RAM, flash and devices, MMU off
        Path image = Files.createTempFile("wild", ".elf");
        Files.write(image, image(12, 0, 0, 0xd2a20000, 0xf9400001, 0x14000000));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = run(err, "run", "--max-instructions", "1000", image.toString());
        assertEquals(RunCommand.STOPPED, status, err.toString());
        assertTrue(err.toString().contains("levitate run: abort at 0x10000000 with no vector table to take it to "
                + "(ESR 0x96000010: data abort (same EL), synchronous external abort, read), pc=0x40080004"), err.toString());
    }

    /** Code at {@code base} that exits through semihosting with code 42, its parameter block in the same segment. */
    private static byte[] exit42(long base) {
        A64Assembler a = new A64Assembler(base);
        A64Assembler.Label block = a.label();
        A64Assembler.Label spin = a.label();
        a.adr(1, block).movz(0, 0x18, 0).hlt(0xF000);
        a.bind(spin);
        a.b(spin);
        a.bind(block);
        a.word(0x20026).word(0).word(42).word(0); // ADP_Stopped_ApplicationExit, exit code 42
        return a.assembleBytes();
    }

    @Test
    void anImageLinkedIntoTheFlashWindowLoadsRunsAndReadsItsOwnData() throws Exception {
        // QEMU virt loads -kernel segments that lie in its flash (0x0 .. 0x0800_0000); so does run
        Path image = Files.createTempFile("flash", ".elf");
        Files.write(image, TestElf.image(0x1000, exit42(0x1000), "_start"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(42, run(err, "run", "--max-instructions", "1000", image.toString()), err.toString());
        // the semihosting parameter block was read from flash: the exit code came from it
        Path top = Files.createTempFile("flash-top", ".elf");
        long last = Machine.FLASH_BASE + Machine.FLASH_SIZE - 4096;
        Files.write(top, TestElf.image(last, exit42(last), null));
        assertEquals(42, run(err, "run", "--max-instructions", "1000", top.toString()), err.toString());
    }

    @Test
    void aStoreToFlashAbortsAsADeviceWould() throws Exception {
        // mov x0, #0x100000; str x0, [x0]; b . -- from code in flash, to flash
        A64Assembler a = new A64Assembler(0x1000);
        A64Assembler.Label spin = a.label();
        a.movz(0, 0x10, 1).str(0, 0, 0);
        a.bind(spin);
        a.b(spin);
        Path image = Files.createTempFile("flash-store", ".elf");
        Files.write(image, TestElf.image(0x1000, a.assembleBytes(), null));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(RunCommand.STOPPED, run(err, "run", "--max-instructions", "1000", image.toString()), err.toString());
        assertTrue(err.toString().contains("levitate run: abort at 0x100000 with no vector table to take it to "
                + "(ESR 0x96000050: data abort (same EL), synchronous external abort, write), pc=0x1004"), err.toString());
    }

    @Test
    void aSegmentNeitherInRamNorInFlashIsRefused() throws Exception {
        Path image = Files.createTempFile("gic", ".elf");
        Files.write(image, TestElf.image(Machine.FLASH_SIZE, exit42(Machine.FLASH_SIZE), null));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(RunCommand.BAD_IMAGE, run(err, "run", image.toString()), err.toString());
        assertTrue(err.toString().contains("is outside RAM [0x40000000, 0x48000000) and flash [0x0, 0x8000000)"), err.toString());
        assertEquals(1, err.toString().lines().count(), err.toString());
    }

    @Test
    void tlbPrintsTheValidEntriesAfterTheRun() throws Exception {
        Path image = Files.createTempFile("mmu-on", ".elf");
        Files.write(image, mmuOnImage());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = run(err, "run", "--tlb", "--max-instructions", "100", image.toString());
        String text = err.toString();
        assertEquals(RunCommand.STOPPED, status, text);
        // the fetches after the MMU came on and the load from the table: one global entry each for
        // the code page and the table page, from the same level-1 1 GiB block; the program then
        // made that block's descriptor invalid without a TLBI, so both are stale (and the spin
        // loop still runs, through the stale entry)
        java.util.regex.Matcher header = java.util.regex.Pattern.compile("levitate run: TLB, (\\d+) of (\\d+) entries valid, (\\d+) stale").matcher(text);
        assertTrue(header.find(), text);
        assertEquals(2, Integer.parseInt(header.group(1)), text);
        assertEquals(2, Integer.parseInt(header.group(3)), text);
        assertTrue(text.contains("va 0x0000000040080000 -> pa 0x0040080000 global  size 1G L1 EL0 --x EL1 rwx  STALE: the tables now fault here (fault status 0x05, level 1)"), text);
        assertTrue(text.contains("va 0x0000000040081000 -> pa 0x0040081000 global  size 1G L1 EL0 --x EL1 rwx  STALE: the tables now fault here (fault status 0x05, level 1)"), text);
        // 1 GiB blocks straight from the level-1 table: no table descriptor to cache
        assertTrue(text.contains("levitate run: walk cache, 0 entries (no table descriptor cached"), text);
    }

    /**
     * movz x0, #0x18; adr x1, block; hlt #0xf000; b .; block: {ADP_Stopped_ApplicationExit, 7}: a
     * semihosting SYS_EXIT with status 7, served by default (as {@code qemu ... -semihosting}) and an
     * undefined instruction with {@code --no-semihosting} (as QEMU without it).
     */
    @Test
    void noSemihostingMakesHltF000AnUndefinedInstruction() throws Exception {
        Path image = Files.createTempFile("exit7", ".elf");
        Files.write(image, image(32, 0, 0, 0xd2800300, 0x10000061, 0xd45e0000, 0x14000000, 0x20026, 0, 7, 0));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(7, run(err, "run", image.toString()), err.toString());
        err.reset();
        assertEquals(RunCommand.STOPPED, run(err, "run", "--no-semihosting", image.toString()), err.toString());
        assertTrue(err.toString().contains("undefined or unimplemented instruction 0xd45e0000 at pc=0x40080008"), err.toString());
    }

    @Test
    void tlbSaysSoWhenTheMmuStayedOff() throws Exception {
        Path spin = Files.createTempFile("spin", ".elf");
        Files.write(spin, GdbCommandTest.spinImage());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        run(err, "run", "--tlb", "--max-instructions", "10", spin.toString());
        assertTrue(err.toString().contains("TLB, 0 of ") && err.toString().contains("the MMU was off"), err.toString());
    }

    /** The trace names the EL, and with the MMU on reads the word through it (the PA column when it differs). */
    @Test
    void traceInstructionsShowsTheExceptionLevel() throws Exception {
        Path image = Files.createTempFile("mmu-on", ".elf");
        Files.write(image, mmuOnImage());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(RunCommand.STOPPED, run(err, "run", "--trace-instructions", "--max-instructions", "30", image.toString()), err.toString());
        String first = err.toString().lines().findFirst().orElseThrow();
        assertTrue(first.startsWith("EL1 0000000040080000 "), first);
        assertTrue(err.toString().lines().filter(l -> l.startsWith("EL1 ")).count() == 30, err.toString());
    }
}
