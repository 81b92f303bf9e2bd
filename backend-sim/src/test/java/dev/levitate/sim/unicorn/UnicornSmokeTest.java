package dev.levitate.sim.unicorn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.levitate.sim.ExternalTools;
import org.junit.jupiter.api.Test;

/** Checks the binding itself on two instructions whose results are known by hand. */
class UnicornSmokeTest {

    @Test
    void addsAndSetsFlagsLikeTheArchitectureSays() {
        ExternalTools.require("Unicorn 2 (apt-get install libunicorn2)", Unicorn.unavailableReason());
        try (Unicorn uc = new Unicorn()) {
            long base = 0x4000_0000L;
            uc.map(base, 0x1000);
            // add x0, x1, x2 ; subs x3, x1, x1
            int[] code = {0x8b020020, 0xeb010023};
            byte[] bytes = new byte[code.length * 4];
            for (int i = 0; i < code.length; i++) {
                for (int b = 0; b < 4; b++) {
                    bytes[4 * i + b] = (byte) (code[i] >>> (8 * b));
                }
            }
            uc.write(base, bytes);
            uc.setReg(Unicorn.x(1), 40);
            uc.setReg(Unicorn.x(2), 2);
            assertEquals(0, uc.run(base, base + bytes.length, 2));
            assertEquals(42, uc.reg(Unicorn.x(0)));
            assertEquals(0, uc.reg(Unicorn.x(3)));
            assertEquals(0x6000_0000L, uc.reg(Unicorn.REG_NZCV) & 0xF000_0000L, "Z and C set by subs of equal values");
            assertEquals(base + 8, uc.reg(Unicorn.REG_PC));
        }
    }
}
