package dev.levitate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RunCommandTest {

    @Test
    void aMissingOrBadImageIsAClearErrorWithItsOwnStatus() throws Exception {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        try {
            StringWriter out = new StringWriter();
            assertEquals(RunCommand.BAD_IMAGE, LevitateCommand.execute(new PrintWriter(out), new PrintWriter(new StringWriter()), "run", "/no/such.elf"));
            Path bad = Files.createTempFile("bad", ".elf");
            Files.write(bad, new byte[] {1, 2, 3});
            assertEquals(RunCommand.BAD_IMAGE, LevitateCommand.execute(new PrintWriter(out), new PrintWriter(new StringWriter()), "run", bad.toString()));
        } finally {
            System.setErr(saved);
        }
        assertTrue(err.toString().contains("no such file"), err.toString());
        assertTrue(err.toString().contains("truncated"), err.toString());
    }

    @Test
    void statsSayHowManyInstructionsRanAndHowManyOfThemInTheFastTier() throws Exception {
        Path spin = Files.createTempFile("spin", ".elf");
        Files.write(spin, GdbCommandTest.spinImage()); // b . : one fast-tier instruction, forever
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        int status;
        try {
            status = LevitateCommand.execute(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
                    "run", "--stats", "--max-instructions", "1000", spin.toString());
        } finally {
            System.setErr(saved);
        }
        assertEquals(RunCommand.STOPPED, status, err.toString());
        // the first execution decodes the word, then every one of the 1,000 runs in the fast tier;
        // once the block is hot (16 entries), compiled
        assertTrue(err.toString().contains("levitate run: 1,000 instructions (100.0% in the fast tier, 98.6% in 1 compiled blocks)"), err.toString());
        assertTrue(err.toString().contains("stopped after 1,000 instructions (--max-instructions)"), err.toString());
    }
    /**
     * A program that turns the MMU on with one level-1 table (a Device gigabyte at 0, RAM's
     * gigabyte at 0x40000000, both global 1 GiB blocks), loads from the table and spins. Its
     * source, assembled at 0x40080000 with aarch64-linux-gnu-gcc:
     * <pre>
     *   adr x0, l1; mov x1, #0x4ff; msr mair_el1, x1; mov x1, #0x3519; movk x1, #0x99, lsl #16
     *   movk x1, #0x2, lsl #32; msr tcr_el1, x1; msr ttbr0_el1, x0; isb; mrs x1, sctlr_el1
     *   orr x1, x1, #1; msr sctlr_el1, x1; isb; ldr x2, [x0]; b .
     *   .balign 4096
     *   l1: .quad 0x405 (Device, AF, block); .quad 0x40000701 (Normal, inner shareable, AF, block)
     * </pre>
     */
    static byte[] mmuOnImage() {
        int[] code = {0x10008000, 0xd2809fe1, 0xd518a201, 0xd286a321, 0xf2a01321, 0xf2c00041, 0xd5182041, 0xd5182000,
            0xd5033fdf, 0xd5381001, 0xb2400021, 0xd5181001, 0xd5033fdf, 0xf9400002, 0x14000000};
        int size = 4096 + 16;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(120 + size).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1, 0}).put(new byte[8]);
        b.putShort((short) 2).putShort((short) 183).putInt(1);
        b.putLong(GdbCommandTest.ENTRY).putLong(64).putLong(0).putInt(0);
        b.putShort((short) 64).putShort((short) 56).putShort((short) 1).putShort((short) 0).putShort((short) 0).putShort((short) 0);
        b.putInt(1).putInt(7).putLong(120).putLong(GdbCommandTest.ENTRY).putLong(GdbCommandTest.ENTRY).putLong(size).putLong(size).putLong(4);
        for (int w : code) {
            b.putInt(w);
        }
        b.position(120 + 4096);
        b.putLong(0x405L).putLong(0x4000_0701L);
        return b.array();
    }

    @Test
    void tlbPrintsTheValidEntriesAfterTheRun() throws Exception {
        Path image = Files.createTempFile("mmu-on", ".elf");
        Files.write(image, mmuOnImage());
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        int status;
        try {
            status = LevitateCommand.execute(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
                    "run", "--tlb", "--max-instructions", "100", image.toString());
        } finally {
            System.setErr(saved);
        }
        String text = err.toString();
        assertEquals(RunCommand.STOPPED, status, text);
        // the fetches after the MMU came on and the load from the table: one global entry each for
        // the code page and the table page, from the same level-1 1 GiB block
        java.util.regex.Matcher header = java.util.regex.Pattern.compile("levitate run: TLB, (\\d+) of (\\d+) entries valid:").matcher(text);
        assertTrue(header.find(), text);
        assertEquals(2, Integer.parseInt(header.group(1)), text);
        assertTrue(text.contains("va 0x0000000040080000 -> pa 0x0040080000 global  size 1G L1"), text);
        assertTrue(text.contains("va 0x0000000040081000 -> pa 0x0040081000 global  size 1G L1"), text);
    }

    @Test
    void tlbSaysSoWhenTheMmuStayedOff() throws Exception {
        Path spin = Files.createTempFile("spin", ".elf");
        Files.write(spin, GdbCommandTest.spinImage());
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        try {
            LevitateCommand.execute(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
                    "run", "--tlb", "--max-instructions", "10", spin.toString());
        } finally {
            System.setErr(saved);
        }
        assertTrue(err.toString().contains("TLB, 0 of ") && err.toString().contains("the MMU was off"), err.toString());
    }
}
