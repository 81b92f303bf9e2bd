package dev.levitate.sim.machine;

import static dev.levitate.a64.Field.IMM;
import static dev.levitate.a64.Field.RD;
import static dev.levitate.a64.Field.RN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.sim.Rig;
import dev.levitate.sim.cpu.StopKind;
import dev.levitate.sim.gic.GicV2;
import dev.levitate.a64.A64;
import dev.levitate.a64.A64Assembler;
import dev.levitate.a64.SystemRegister;
import dev.levitate.sim.timer.GenericTimer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The timer through the GIC to the core: WFI skips time to the deadline; runs are deterministic. */
class TimerInterruptTest {
    static final int TICK_CYCLES = 16; // 1 GHz core, 62.5 MHz counter

    static void gicOn(Machine m, int id) {
        GicV2 g = m.gic();
        g.writeDistributor(0x000, 4, 1);
        g.writeDistributor(0x100, 4, 1L << id);
        g.writeDistributor(0x400 + id, 1, 0x80);
        g.writeCpuInterface(0x00, 4, 1);
        g.writeCpuInterface(0x04, 4, 0xF0);
    }

    @Test
    void wfiWithIrqMaskedSkipsTimeToTheDeadlineAndCountsItAsIdle() {
        Rig rig = new Rig();
        gicOn(rig.machine(), GenericTimer.PPI_PHYSICAL);
        A64Assembler a = Rig.code().movz(1, 1000, 0);
        Rig.msr(a, SystemRegister.CNTP_TVAL_EL0, 1);   // deadline: count + 1000 ticks
        a.movz(1, 1, 0);
        Rig.msr(a, SystemRegister.CNTP_CTL_EL0, 1);    // enable
        Rig.mrs(a, 2, SystemRegister.CNTP_CVAL_EL0);
        a.word(Rig.WFI);                               // PSTATE.I masked: wakes, takes nothing
        Rig.mrs(a, 3, SystemRegister.CNTPCT_EL0);
        Rig.mrs(a, 4, SystemRegister.CNTP_CTL_EL0);
        a.brk(0);
        rig.load(a);
        assertEquals(StopKind.BREAKPOINT, rig.machine().run(100));
        long cval = rig.cpu().reg(2);
        assertTrue(cval >= 1000 && cval < 1010, "CVAL = count at the write + 1000: " + cval);
        assertEquals(cval, rig.cpu().reg(3), "woke exactly at the deadline (no instruction ran between)");
        assertEquals(5, rig.cpu().reg(4), "ENABLE | ISTATUS");
        long idle = rig.cpu().idleCycles();
        assertTrue(idle > 990 * TICK_CYCLES && idle <= 1000 * TICK_CYCLES, "idle " + idle);
        assertTrue(rig.cpu().cycles() >= cval * TICK_CYCLES);
        assertTrue(rig.cpu().instructions() < 20);
    }

    /**
     * WFE waits like WFI for the timer's interrupt (masked: it wakes and takes nothing), unless
     * the event register is set (SEVL): then it clears it and goes on at once (ARM ARM D1.16).
     */
    @Test
    void wfeWaitsForTheTimerUnlessTheEventRegisterIsSet() {
        for (boolean sevl : new boolean[] {false, true}) {
            Rig rig = new Rig();
            gicOn(rig.machine(), GenericTimer.PPI_PHYSICAL);
            A64Assembler a = Rig.code().movz(1, 1000, 0);
            Rig.msr(a, SystemRegister.CNTP_TVAL_EL0, 1);
            a.movz(1, 1, 0);
            Rig.msr(a, SystemRegister.CNTP_CTL_EL0, 1);
            Rig.mrs(a, 2, SystemRegister.CNTP_CVAL_EL0);
            if (sevl) {
                a.word(0xD503_20BF); // sevl
            }
            a.word(0xD503_205F);    // wfe, PSTATE.I masked
            Rig.mrs(a, 3, SystemRegister.CNTPCT_EL0);
            a.brk(0);
            rig.load(a);
            assertEquals(StopKind.BREAKPOINT, rig.machine().run(100));
            if (sevl) {
                assertEquals(0, rig.cpu().idleCycles(), "the event register let the WFE through");
                assertTrue(rig.cpu().reg(3) < rig.cpu().reg(2), "before the deadline");
            } else {
                assertEquals(rig.cpu().reg(2), rig.cpu().reg(3), "woke exactly at the deadline");
                assertTrue(rig.cpu().idleCycles() > 990 * TICK_CYCLES, "idle " + rig.cpu().idleCycles());
            }
        }
    }

    @Test
    void wfiWithNothingToWakeItStopsTheMachine() {
        Rig rig = new Rig();
        rig.load(Rig.code().word(Rig.WFI));
        assertEquals(StopKind.WAIT, rig.machine().run(100));
        assertEquals(0, rig.cpu().idleCycles());
    }

    /** A periodic timer, its handler logging ELR at each interrupt; the result of one run. */
    record Run(long cycles, long instructions, long idle, List<Long> interruptedAt, long interrupts) { }

    static Run periodicTimerProgram() {
        Rig rig = new Rig();
        Machine m = rig.machine();
        rig.installVectors();
        gicOn(m, GenericTimer.PPI_PHYSICAL);
        long log = Rig.FRAMES;
        // IRQ from the current EL with SP_ELx: acknowledge, log ELR, re-arm 37 ticks ahead, EOI, return
        A64Assembler h = new A64Assembler(Rig.VECTORS + 0x280);
        h.mov64(9, GicV2.CPU_INTERFACE_BASE);
        h.emit(A64.LDRW_uimm, IMM, 3, RN, 9, RD, 10);  // ldr w10, [x9, #0xc]  GICC_IAR
        Rig.mrs(h, 11, SystemRegister.ELR_EL1);
        h.str(11, 20, 0).addImm(20, 20, 8);
        h.movz(12, 37, 0);
        Rig.msr(h, SystemRegister.CNTP_TVAL_EL0, 12);
        h.emit(A64.STRW_uimm, IMM, 4, RN, 9, RD, 10);  // str w10, [x9, #0x10] GICC_EOIR
        h.addImm(21, 21, 1);
        h.word(Rig.ERET);
        rig.load(h, Rig.VECTORS + 0x280);
        A64Assembler a = Rig.code();
        a.mov64(20, log).movz(1, 37, 0);
        Rig.msr(a, SystemRegister.CNTP_TVAL_EL0, 1);
        a.movz(1, 1, 0);
        Rig.msr(a, SystemRegister.CNTP_CTL_EL0, 1);
        a.word(Rig.msrDaif(false, 2));                 // unmask IRQ
        A64Assembler.Label loop = a.label();
        A64Assembler.Label idle = a.label();
        a.movz(0, 5000, 0);
        a.bind(loop).addImm(2, 2, 3).subsImm(0, 0, 1).bCond(A64Assembler.Cond.NE, loop);
        a.movz(0, 4, 0).bind(idle).word(Rig.WFI).subsImm(0, 0, 1).bCond(A64Assembler.Cond.NE, idle);
        a.brk(9);
        rig.load(a);
        assertEquals(0x200, rig.runToHandler(1_000_000), "stopped at the BRK");
        assertEquals(0xF200_0009L, rig.sys(SystemRegister.ESR_EL1));
        long n = rig.cpu().reg(21);
        List<Long> at = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            at.add(m.ram().read64(log + 8L * i));
        }
        return new Run(rig.cpu().cycles(), rig.cpu().instructions(), rig.cpu().idleCycles(), at, m.gic().acknowledged());
    }

    @Test
    void theSameTimerProgramGivesTheSameCyclesAndInterruptsAtTheSameInstructions() {
        Run first = periodicTimerProgram();
        Run second = periodicTimerProgram();
        assertTrue(first.interruptedAt().size() > 10, "interrupts happened: " + first.interruptedAt().size());
        assertEquals(first.interrupts(), first.interruptedAt().size());
        assertTrue(first.idle() > 0, "the WFIs skipped time");
        assertEquals(first, second);
    }
}
