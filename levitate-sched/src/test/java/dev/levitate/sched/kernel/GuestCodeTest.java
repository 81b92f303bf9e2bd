package dev.levitate.sched.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.levitate.a64.Disassembler;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every hand encoding of {@link GuestCode}, read back by the simulator's disassembler (built from the encoding table). */
class GuestCodeTest {
    @Test
    void encodingsDisassembleToWhatTheyMean() {
        GuestCode g = new GuestCode();
        g.mov(3, 0x1234_0000_5678L);          // movz + movk (the zero half is skipped)
        g.movFixed(4, 0);                     // always four
        g.subs(9, 9, 1).add(1, 2, 3).str(10, 11).ldr(12, 13);
        int loop = g.here();
        g.bne(loop).b(loop).wfi();
        g.word(0xD400_0001);
        List<String> expected = List.of(
                "mov x3, #0x5678", "movk x3, #0x1234, lsl #32",
                "mov x4, #0x0", "movk x4, #0x0, lsl #16", "movk x4, #0x0, lsl #32", "movk x4, #0x0, lsl #48",
                "subs x9, x9, #0x1", "add x1, x2, #0x3", "str x10, [x11]", "ldr x12, [x13]",
                "b.ne 0x1028", "b 0x1028", "wfi", "svc #0x0");
        int[] w = g.words();
        assertEquals(expected.size(), w.length);
        for (int i = 0; i < w.length; i++) {
            assertEquals(expected.get(i), Disassembler.disassemble(w[i], 0x1000 + 4L * i), "word " + i);
        }
    }
}
