package dev.levitate.sim.isa;

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
        assertEquals("add sp, sp, #16", Disassembler.disassemble(0x910043ff, 0));
        assertEquals("movz x0, #0x2a", Disassembler.disassemble(0xd2800540, 0));
        assertEquals("ret", Disassembler.disassemble(0xd65f03c0, 0));
        assertEquals("b.ne 0x3ffffffc", Disassembler.disassemble(0x54ffffe1, 0x4000_0000L));
        assertEquals("stp x29, x30, [sp, #-16]!", Disassembler.disassemble(0xa9bf7bfd, 0));
        assertEquals("ldr x0, [x1, #8]", Disassembler.disassemble(0xf9400420, 0));
        assertEquals("orr x0, xzr, #0xff", Disassembler.disassemble(0xb2401fe0, 0));
        assertEquals("nop", Disassembler.disassemble(0xd503201f, 0));
        assertEquals(".inst 0x00000000 ; undefined", Disassembler.disassemble(0, 0));
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
