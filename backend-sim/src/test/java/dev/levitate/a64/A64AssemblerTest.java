package dev.levitate.a64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.sim.cpu.StopKind;
import dev.levitate.a64.A64Assembler.Cond;
import dev.levitate.a64.A64Assembler.Label;
import dev.levitate.sim.machine.Machine;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class A64AssemblerTest {
    static final long BASE = Machine.RAM_BASE;

    @Test
    void aProgramWithLabelsCallsAndAStackRuns() {
        A64Assembler a = new A64Assembler(BASE);
        Label fact = a.label();
        Label loop = a.label();
        Label done = a.label();
        Label msg = a.label();
        a.mov64(1, BASE + 0x10_0000).addImm(31, 1, 0);           // sp = RAM + 1 MiB
        a.movz(0, 10, 0).bl(fact);                                 // x0 = 10!
        a.mov(19, 0);
        a.mov64(1, Machine.UART_BASE).adr(2, msg).movz(3, 'O', 0).strb(3, 1, 0).movz(3, 'K', 0).strb(3, 1, 0);
        a.mov(0, 19).brk(0);
        a.bind(fact)                                               // fact(n): iterative, with a frame
                .stpPre(29, 30, 31, -16)
                .movz(9, 1, 0)
                .bind(loop).cbz(0, done).madd(9, 9, 0, 31).subImm(0, 0, 1).b(loop)
                .bind(done).mov(0, 9)
                .ldpPost(29, 30, 31, 16)
                .ret();
        a.bind(msg).word(0);
        ByteArrayOutputStream uart = new ByteArrayOutputStream();
        Machine m = new Machine(4L << 20, uart::write, c -> { }, c -> { });
        m.loadRaw(BASE, a.assembleBytes());
        assertEquals(StopKind.BREAKPOINT, m.run(10_000));
        assertEquals(3_628_800L, m.cpu().reg(0));
        assertEquals("OK", uart.toString());
        assertEquals(BASE + 0x10_0000, m.cpu().reg(31), "the frame was popped");
    }

    @Test
    void everyEmittedWordDisassemblesToWhatWasMeant() {
        A64Assembler a = new A64Assembler(BASE);
        Label l = a.label();
        a.bind(l).addImm(31, 31, 16).subsImm(31, 0, 1).bCond(Cond.NE, l).ldr(0, 1, 8).ret().nop();
        int[] code = a.assemble();
        String[] expected = {"add sp, sp, #0x10", "cmp x0, #0x1", "b.ne 0x40000000", "ldr x0, [x1, #8]", "ret", "nop"};
        for (int i = 0; i < code.length; i++) {
            assertEquals(expected[i], Disassembler.disassemble(code[i], BASE + 4L * i));
        }
    }

    @Test
    void mistakesAreNamed() {
        A64Assembler a = new A64Assembler(BASE);
        Label nowhere = a.label();
        a.b(nowhere);
        IllegalStateException e = assertThrows(IllegalStateException.class, a::assemble);
        assertTrue(e.getMessage().contains("never bound"), e.getMessage());
        A64Assembler far = new A64Assembler(BASE);
        Label end = far.label();
        far.cbz(0, end);
        for (int i = 0; i < (1 << 18) + 1; i++) {
            far.nop();
        }
        far.bind(end);
        assertTrue(assertThrows(IllegalStateException.class, far::assemble).getMessage().contains("cannot reach"));
        assertThrows(IllegalArgumentException.class, () -> new A64Assembler(BASE).ldr(0, 1, 12));
        assertThrows(IllegalArgumentException.class, () -> new A64Assembler(BASE + 2));
    }

    @Test
    void literalPoolsLoadSixtyFourBitConstants() {
        A64Assembler a = new A64Assembler(dev.levitate.sim.machine.Machine.RAM_BASE);
        a.ldrLiteral(1, 0x1122_3344_5566_7788L).ldrLiteral(2, -2L).ldrLiteral(3, 0x1122_3344_5566_7788L);
        a.add(4, 1, 2).hlt(0xF000 + 1); // not semihosting: an undefined stop ends the run
        byte[] code = a.assembleBytes();
        assertEquals(5 * 4 + 4 + 2 * 8, code.length, "five instructions, an alignment NOP, two shared slots");
        dev.levitate.sim.machine.Machine m = new dev.levitate.sim.machine.Machine(16L << 20, b -> { }, b -> { }, b -> { });
        m.loadRaw(dev.levitate.sim.machine.Machine.RAM_BASE, code);
        m.run(4);
        assertEquals(0x1122_3344_5566_7788L, m.cpu().reg(1));
        assertEquals(-2L, m.cpu().reg(2));
        assertEquals(0x1122_3344_5566_7788L, m.cpu().reg(3), "equal values share a slot");
        assertEquals(0x1122_3344_5566_7786L, m.cpu().reg(4));
    }
}
