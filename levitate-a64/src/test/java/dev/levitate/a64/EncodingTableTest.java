package dev.levitate.a64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EncodingTableTest {

    @Test
    void everyRowRoundTripsEncodeDecodePrint() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (A64 row : A64.values()) {
            Encoding e = row.encoding();
            int hits = 0;
            for (int t = 0; t < 200; t++) {
                int word = e.value() | (rnd.nextInt() & ~e.mask());
                if (Decoder.decode(word) != row.ordinal()) {
                    continue; // an earlier row owns this word
                }
                // re-encode from the fields by name: the same word comes back
                Object[] fields = new Object[2 * Field.values().length];
                int k = 0;
                for (Field f : Field.values()) {
                    if (e.has(f)) {
                        fields[k++] = f;
                        fields[k++] = e.get(word, f);
                    }
                }
                int again = e.encode(java.util.Arrays.copyOf(fields, k));
                assertEquals(word & e.mask() | (word & ~e.mask() & fieldBits(e)), again, row + " re-encodes");
                String text = Disassembler.disassemble(word, 0x4000_0000L);
                assertFalse(text.isEmpty());
                assertFalse(text.contains("{"), row + " printed a raw token: " + text);
                hits++;
            }
            assertTrue(hits > 0, row + " never decoded to itself: the table shadows it");
        }
    }

    private static int fieldBits(Encoding e) {
        int m = 0;
        for (Field f : Field.values()) {
            if (e.has(f)) {
                for (int b = 0; b < 32; b++) {
                    int probe = 1 << b;
                    if (e.get(probe, f) != 0) {
                        m |= probe;
                    }
                }
            }
        }
        return m;
    }

    @Test
    void disassemblyReadsLikeGnuSyntax() {
        assertEquals("add sp, sp, #0x10", Disassembler.disassemble(0x910043ff, 0));
        assertEquals("mov x0, #0x2a", Disassembler.disassemble(0xd2800540, 0));
        assertEquals("ret", Disassembler.disassemble(0xd65f03c0, 0));
        assertEquals("b.ne 0x3ffffffc", Disassembler.disassemble(0x54ffffe1, 0x4000_0000L));
        assertEquals("stp x29, x30, [sp, #-16]!", Disassembler.disassemble(0xa9bf7bfd, 0));
        assertEquals("ldr x0, [x1, #8]", Disassembler.disassemble(0xf9400420, 0));
        assertEquals("orr x0, xzr, #0xff", Disassembler.disassemble(0xb2401fe0, 0));
        assertEquals("nop", Disassembler.disassemble(0xd503201f, 0));
        assertEquals("udf #0", Disassembler.disassemble(0, 0));
        assertEquals(".inst 0x0adfdc57 ; undefined", Disassembler.disassemble(0x0adfdc57, 0), "ROR on a 32-bit shift of 55 is reserved");
    }

    @Test
    void preferredAliasesAreTheOnesObjdumpPrints() {
        // each pair: the word and aarch64-linux-gnu-objdump's text (binutils 2.40), comments dropped
        String[][] known = {
            {"aa0103e0", "mov x0, x1"}, {"910003fd", "mov x29, sp"}, {"eb01001f", "cmp x0, x1"},
            {"f100001f", "cmp x0, #0x0"}, {"b100a81f", "cmn x0, #0x2a"}, {"ea01001f", "tst x0, x1"},
            {"cb0003e0", "neg x0, x0"}, {"aa2003e0", "mvn x0, x0"}, {"53057c23", "lsr w3, w1, #5"},
            {"13047c00", "asr w0, w0, #4"}, {"d3453800", "ubfx x0, x0, #5, #10"}, {"531d1823", "ubfiz w3, w1, #3, #7"},
            {"93403c21", "sxth x1, w1"}, {"93c04400", "ror x0, x0, #17"}, {"1a9fa7e0", "cset w0, lt"},
            {"5a9f13e0", "csetm w0, eq"}, {"9a829440", "cinc x0, x2, hi"}, {"da80a400", "cneg x0, x0, lt"},
            {"9b017c00", "mul x0, x0, x1"}, {"9b00fc20", "mneg x0, x1, x0"}, {"9b217c00", "smull x0, w0, w1"},
            {"d2a00020", "mov x0, #0x10000"}, {"d2a00000", "movz x0, #0x0, lsl #16"}, {"92800000", "mov x0, #0xffffffffffffffff"},
            {"b2401fe0", "orr x0, xzr, #0xff"}, {"b23f6bff", "mov sp, #0xffffffe0ffffffe"},
            {"d50323ff", "autibsp"}, {"d5033bbf", "dmb ish"}, {"d5033fdf", "isb"},
            {"d508751f", "ic iallu"}, {"d50b7520", "ic ivau, x0"}, {"d538d080", "mrs x0, tpidr_el1"},
            {"ba470220", "ccmn x17, x7, #0x0, eq"}, {"f98d1bdf", "prfm #0x1f, [x30, #6704]"},
        };
        for (String[] k : known) {
            assertEquals(k[1], Disassembler.disassemble((int) Long.parseLong(k[0], 16), 0), k[0]);
        }
    }

    @Test
    void fieldValuesThatDoNotFitAreRefused() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> A64.MOVZ.encoding().encode(Field.SF, 1, Field.SH, 0, Field.IMM, 70000, Field.RD, 0));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> A64.MOVZ.encoding().encode(Field.SF, 1, Field.IMM, 7, Field.RD, 0));
    }

    @Test
    void bitmaskImmediatesDecodeAndEncode() {
        assertEquals(0xFFL, BitMasks.logicalImmediate(1, 7, 0, 64));
        assertEquals(0x5555_5555_5555_5555L, BitMasks.logicalImmediate(0, 0x3C, 0, 64));
        assertEquals(BitMasks.INVALID, BitMasks.logicalImmediate(1, 0x3F, 0, 64), "all ones is reserved");
        int[] nrs = BitMasks.encodeLogical(0x0F0F_0F0F_0F0F_0F0FL, 64);
        assertEquals(0x0F0F_0F0F_0F0F_0F0FL, BitMasks.logicalImmediate(nrs[0], nrs[2], nrs[1], 64));
        assertEquals(null, BitMasks.encodeLogical(0x1234, 64));
    }
}
