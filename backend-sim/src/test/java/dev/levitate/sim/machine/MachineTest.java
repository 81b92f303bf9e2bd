package dev.levitate.sim.machine;

import static dev.levitate.a64.Field.B40;
import static dev.levitate.a64.Field.COND;
import static dev.levitate.a64.Field.IMM;
import static dev.levitate.a64.Field.IMMLO;
import static dev.levitate.a64.Field.RD;
import static dev.levitate.a64.Field.RM;
import static dev.levitate.a64.Field.RN;
import static dev.levitate.a64.Field.SF;
import static dev.levitate.a64.Field.SH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.sim.cpu.StopKind;
import dev.levitate.a64.A64;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/** Whole programs, encoded from the table, run on the machine. */
class MachineTest {
    static final long RAM = Machine.RAM_BASE;

    final ByteArrayOutputStream uart = new ByteArrayOutputStream();
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final Machine m = new Machine(16L << 20, uart::write, out::write, err::write);

    static int movz(int rd, int imm16, int hw) {
        return A64.MOVZ.encoding().encode(SF, 1, SH, hw, IMM, imm16, RD, rd);
    }

    static int hlt(int imm) {
        return A64.HLT.encoding().encode(IMM, imm);
    }

    static int adr(int rd, long offset) {
        return A64.ADR.encoding().encode(IMMLO, offset & 3, IMM, offset >> 2, RD, rd);
    }

    void load(int... words) {
        for (int i = 0; i < words.length; i++) {
            m.ram().write32(RAM + 4L * i, words[i]);
        }
        m.cpu().setPc(RAM);
    }

    @Test
    void semihostingWritesAndExitsWithACode() {
        // the string at RAM + 0x40, the SYS_EXIT block at RAM + 0x80
        load(adr(1, 0x40), movz(0, 4, 0), hlt(0xF000), // SYS_WRITE0 "hi\n"
                adr(1, 0x80 - 0x0C), movz(0, 0x18, 0), hlt(0xF000)); // SYS_EXIT {ADP_Stopped_ApplicationExit, 42}
        m.ram().write(RAM + 0x40, "hi\n\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, 4);
        m.ram().write64(RAM + 0x80, 0x20026);
        m.ram().write64(RAM + 0x88, 42);
        assertEquals(StopKind.EXIT, m.run(1000));
        assertEquals(42, m.cpu().stopValue());
        assertEquals("hi\n", out.toString());
    }

    @Test
    void thePl011TransmitsWhatIsStoredToItsDataRegister() {
        load(movz(1, 0x0900, 1), movz(2, 'L', 0),
                A64.STRB_uimm.encoding().encode(IMM, 0, RN, 1, RD, 2),
                A64.BRK.encoding().encode(IMM, 7));
        assertEquals(StopKind.BREAKPOINT, m.run(100));
        assertEquals(7, m.cpu().stopValue());
        assertEquals("L", uart.toString());
    }

    @Test
    void aLoopSums1To100() {
        // x0 = 0; x1 = 100; loop: add x0, x0, x1; subs x1, x1, #1; b.ne loop; brk #0
        load(movz(0, 0, 0), movz(1, 100, 0),
                A64.ADD_shift.encoding().encode(SF, 1, SH, 0, RM, 1, IMM, 0, RN, 0, RD, 0),
                A64.SUBS_imm.encoding().encode(SF, 1, SH, 0, IMM, 1, RN, 1, RD, 1),
                A64.B_cond.encoding().encode(IMM, -2, COND, 1),
                A64.BRK.encoding().encode(IMM, 0));
        assertEquals(StopKind.BREAKPOINT, m.run(10_000));
        assertEquals(5050, m.cpu().reg(0));
        assertEquals(2 + 3 * 100, m.cpu().instructions());
    }

    @Test
    void runawayLoopsEndInTheBudget() {
        load(A64.B.encoding().encode(IMM, 0));
        assertEquals(StopKind.BUDGET, m.run(1_000_000));
        assertEquals(1_000_000, m.cpu().instructions());
    }

    @Test
    void wildAccessesAndUndefinedWordsStopCleanly() {
        load(A64.LDRX_uimm.encoding().encode(IMM, 0, RN, 3, RD, 0));
        m.cpu().setReg(3, 0xdead_0000L);
        assertEquals(StopKind.ABORT, m.run(10));
        assertEquals(0xdead_0000L, m.cpu().stopValue());
        assertEquals(RAM, m.cpu().stopPc());

        load(0x0000_0000);
        assertEquals(StopKind.UNDEFINED, m.run(10));
        assertEquals(RAM, m.cpu().stopPc());

        m.cpu().setPc(0x10);
        assertEquals(StopKind.ABORT, m.run(10), "fetch outside RAM");
        m.cpu().setPc(RAM + 2);
        assertEquals(StopKind.ALIGNMENT, m.run(10));
    }

    /** QEMU virt's flash window: the guest reads what was loaded there, a store to it aborts, the rest stays a hole. */
    @Test
    void theFlashWindowReadsWhatWasLoadedAndRefusesStores() {
        byte[] data = new byte[16];
        java.nio.ByteBuffer.wrap(data).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(0x1122_3344_5566_7788L);
        m.loadFlash(0x2000, data, 4096); // as loadElf does with a segment there
        load(A64.LDRX_uimm.encoding().encode(IMM, 0, RN, 3, RD, 0), A64.LDRX_uimm.encoding().encode(IMM, 1, RN, 3, RD, 1),
                A64.STRX_uimm.encoding().encode(IMM, 0, RN, 3, RD, 0));
        m.cpu().setReg(3, 0x2000);
        m.cpu().setReg(1, -1);
        assertEquals(StopKind.ABORT, m.run(10));
        assertEquals(0x1122_3344_5566_7788L, m.cpu().reg(0));
        assertEquals(0, m.cpu().reg(1), "the segment's memory past its bytes reads 0");
        assertEquals(0x2000, m.cpu().stopValue(), "the store to flash aborted");
        assertEquals(RAM + 8, m.cpu().stopPc());
        assertEquals(0x1122_3344_5566_7788L, m.flash().read64(0x2000), "and changed nothing");

        load(A64.LDRX_uimm.encoding().encode(IMM, 0, RN, 3, RD, 0));
        m.cpu().setReg(3, 0x3000); // in the window, past what was loaded: a hole, as a null pointer's neighbourhood is
        assertEquals(StopKind.ABORT, m.run(10));
        assertEquals(0x3000, m.cpu().stopValue());
    }

    @Test
    void writingCodeDropsItsDecodedInstructions() {
        load(movz(0, 1, 0), A64.BRK.encoding().encode(IMM, 0));
        m.run(10);
        assertEquals(1, m.cpu().reg(0));
        m.ram().write32(RAM, movz(0, 2, 0));
        m.cpu().setPc(RAM);
        m.run(10);
        assertEquals(2, m.cpu().reg(0), "the rewritten instruction ran, not the cached one");
    }

    @Test
    void anExclusivePairSucceedsOnceAndASecondStoreFails() {
        // ldxr x1, [x0]; add x1, x1, #5; stxr w2, x1, [x0]; stxr w3, x1, [x0]; brk #0
        load(A64.LDXR_x.encoding().encode(RN, 0, RD, 1),
                A64.ADD_imm.encoding().encode(SF, 1, SH, 0, IMM, 5, RN, 1, RD, 1),
                A64.STXR_x.encoding().encode(RM, 2, RN, 0, RD, 1),
                A64.STXR_x.encoding().encode(RM, 3, RN, 0, RD, 1),
                A64.BRK.encoding().encode(IMM, 0));
        m.ram().write64(RAM + 0x800, 37);
        m.cpu().setReg(0, RAM + 0x800);
        assertEquals(StopKind.BREAKPOINT, m.run(10));
        assertEquals(0, m.cpu().reg(2), "the first store-exclusive passes");
        assertEquals(1, m.cpu().reg(3), "the monitor was cleared: the second fails");
        assertEquals(42, m.ram().read64(RAM + 0x800));
    }

    @Test
    void psciSystemOffHaltsTheMachine() {
        load(movz(0, 0x0008, 0), A64.MOVK.encoding().encode(SF, 1, SH, 1, IMM, 0x8400, RD, 0),
                A64.HVC.encoding().encode(IMM, 0));
        assertEquals(StopKind.POWER_OFF, m.run(10));
    }

    @Test
    void testBitBranchesUseBit32AndUp() {
        // tbnz x5, #40, +8 ; brk #1 ; brk #2
        load(A64.TBNZ.encoding().encode(Field40.B5, 1, B40, 8, IMM, 2, RD, 5), A64.BRK.encoding().encode(IMM, 1),
                A64.BRK.encoding().encode(IMM, 2));
        m.cpu().setReg(5, 1L << 40);
        m.run(10);
        assertEquals(2, m.cpu().stopValue());
        assertTrue(m.cpu().instructions() == 1);
    }

    /** Alias so the test reads like the pattern. */
    static final class Field40 {
        static final dev.levitate.a64.Field B5 = dev.levitate.a64.Field.B5;
    }
}
