package dev.levitate.sim.cpu;

import static dev.levitate.sim.Rig.CODE;
import static dev.levitate.sim.Rig.ERET;
import static dev.levitate.sim.Rig.HANDLER;
import static dev.levitate.sim.Rig.VECTORS;
import static dev.levitate.sim.Rig.WFI;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.levitate.sim.Rig;
import dev.levitate.a64.A64Assembler;
import dev.levitate.a64.SystemRegister;
import dev.levitate.sim.Tier;
import dev.levitate.sim.machine.Machine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The exceptions the QEMU cross-check programs cannot cover (QEMU does not check SP alignment,
 * and a guest cannot observe its own illegal return cleanly), with ESR, ELR, SPSR and FAR checked
 * to the bit (ARM ARM D1.10, D17.2.37 ESR_EL1). The rig's vectors stop at the handler right after
 * entry, so what is checked is what the handler would see.
 */
class ExceptionTest {
    static final int CURRENT_SP0 = 0x000, CURRENT_SPX = 0x200, LOWER_A64 = 0x400;
    static final long EL1H_MASKED = 0x3C5, EL0T = 0x0;
    static final long SCTLR_SA = 1L << 3, SCTLR_SA0 = 1L << 4, SCTLR_UMA = 1L << 9, SCTLR_NTWI = 1L << 16;

    final Rig rig = new Rig();

    long sys(SystemRegister r) {
        return rig.sys(r);
    }

    void sctlr(long set, long clear) {
        rig.cpu().setSystemRegister(SystemRegister.SCTLR_EL1, (sys(SystemRegister.SCTLR_EL1) | set) & ~clear);
    }

    /** Code that starts at EL1 with an ERET to EL0t at CODE + 4 (DAIF clear), SP_EL0 = spEl0. */
    A64Assembler el0(long spEl0) {
        rig.cpu().setSystemRegister(SystemRegister.SPSR_EL1, EL0T);
        rig.cpu().setSystemRegister(SystemRegister.ELR_EL1, CODE + 4);
        rig.cpu().setSystemRegister(SystemRegister.SP_EL0, spEl0);
        return Rig.code().word(ERET);
    }

    void assertTaken(int vector, long esr, long elr, long spsr) {
        assertEquals(vector, rig.runToHandler(1000), "vector offset");
        assertEquals(Long.toHexString(esr), Long.toHexString(sys(SystemRegister.ESR_EL1)), "ESR_EL1");
        assertEquals(Long.toHexString(elr), Long.toHexString(sys(SystemRegister.ELR_EL1)), "ELR_EL1");
        assertEquals(Long.toHexString(spsr), Long.toHexString(sys(SystemRegister.SPSR_EL1)), "SPSR_EL1");
        assertEquals(1, rig.cpu().exceptionLevel());
        assertEquals(0x3C5, rig.cpu().pstate() & 0x3FF, "EL1h, DAIF masked");
    }

    @Test
    void anUnalignedSpBaseAtEl1IsAnSpAlignmentFaultWhenSctlrSaIsSet() {
        rig.installVectors();
        A64Assembler a = Rig.code().mov64(1, CODE + 0x2008).addImm(31, 1, 0).ldr(0, 31, 0);
        rig.load(a);
        long ldr = CODE + 4L * (a.assemble().length - 1);
        long far = sys(SystemRegister.FAR_EL1);
        assertTaken(CURRENT_SPX, 0x9A00_0000L, ldr, EL1H_MASKED);
        assertEquals(far, sys(SystemRegister.FAR_EL1), "SP alignment does not write FAR");
        assertEquals(CODE + 0x2008, rig.cpu().reg(31), "SP_EL1 untouched");
    }

    @Test
    void withSctlrSaClearAnUnalignedSpIsJustAnAddress() {
        rig.installVectors();
        sctlr(0, SCTLR_SA);
        rig.machine().ram().write64(CODE + 0x2008, 77);
        rig.load(Rig.code().mov64(1, CODE + 0x2008).addImm(31, 1, 0).ldr(0, 31, 0).brk(1));
        assertEquals(0x200, rig.runToHandler(1000));
        assertEquals(0xF200_0001L, sys(SystemRegister.ESR_EL1), "the BRK, not an SP alignment fault");
        assertEquals(77, rig.cpu().reg(0));
    }

    @Test
    void anUnalignedSpBaseAtEl0FollowsSa0() {
        rig.installVectors();
        A64Assembler a = el0(CODE + 0x3004).ldr(0, 31, 0);
        rig.load(a);
        assertTaken(LOWER_A64, 0x9A00_0000L, CODE + 4, EL0T);
        assertEquals(CODE + 0x3004, sys(SystemRegister.SP_EL0));

        Rig other = new Rig();
        other.installVectors();
        other.cpu().setSystemRegister(SystemRegister.SCTLR_EL1, other.sys(SystemRegister.SCTLR_EL1) & ~SCTLR_SA0);
        other.cpu().setSystemRegister(SystemRegister.SPSR_EL1, EL0T);
        other.cpu().setSystemRegister(SystemRegister.ELR_EL1, CODE + 4);
        other.cpu().setSystemRegister(SystemRegister.SP_EL0, CODE + 0x3004);
        other.load(Rig.code().word(ERET).ldr(0, 31, 0).brk(2));
        assertEquals(LOWER_A64, other.runToHandler(1000));
        assertEquals(0xF200_0002L, other.sys(SystemRegister.ESR_EL1), "SA0 = 0: no check at EL0");
    }

    @Test
    void msrDaifSetAtEl0WithUmaClearTrapsWithTheEncodingInTheIss() {
        rig.installVectors();
        rig.load(el0(CODE + 0x3000).word(Rig.msrDaif(true, 2)));
        // ISS for EC 0x18 (D17.2.37): Op0[21:20] = 0 for MSR (immediate), Op2[19:17] = 0b110,
        // Op1[16:14] = 0b011, CRn[13:10] = 4, Rt[9:5] = 31, CRm[4:1] = the immediate, Direction[0] = 0
        long iss = 0b110L << 17 | 0b011L << 14 | 4L << 10 | 31L << 5 | 2L << 1;
        assertTaken(LOWER_A64, 0x18L << 26 | 1L << 25 | iss, CODE + 4, EL0T);
        assertEquals(0x6200_0000L | 0xCD3E4L, sys(SystemRegister.ESR_EL1));
    }

    @Test
    void withUmaSetEl0MasksAndReadsDaif() {
        rig.installVectors();
        sctlr(SCTLR_UMA, 0);
        A64Assembler a = el0(CODE + 0x3000).word(Rig.msrDaif(true, 2));
        Rig.mrs(a, 0, SystemRegister.DAIF);
        a.brk(3);
        rig.load(a);
        assertEquals(LOWER_A64, rig.runToHandler(1000));
        assertEquals(0xF200_0003L, sys(SystemRegister.ESR_EL1));
        assertEquals(0x80, rig.cpu().reg(0), "PSTATE.I set by EL0");
        assertEquals(0x80, sys(SystemRegister.SPSR_EL1), "EL0t with I masked");
    }

    @Test
    void wfiAtEl0WithNtwiClearTrapsWithEc1() {
        rig.installVectors();
        sctlr(0, SCTLR_NTWI);
        rig.load(el0(CODE + 0x3000).word(WFI));
        // EC 0x01, IL, CV = 1, COND = 0b1110, TI = 0 (WFI)
        assertTaken(LOWER_A64, 0x01L << 26 | 1L << 25 | 1L << 24 | 0xEL << 20, CODE + 4, EL0T);
        assertEquals(0x07E0_0000L, sys(SystemRegister.ESR_EL1));
    }

    @Test
    void anIllegalExceptionReturnSetsIlAndTheNextInstructionTakesEc0x0E() {
        rig.installVectors();
        long target = CODE + 0x100;
        long spsr = 0xF000_0000L | 0x100 | 0b01001; // NZCV set, A masked, M = EL2h: not implemented, illegal
        rig.cpu().setSystemRegister(SystemRegister.SPSR_EL1, spsr);
        rig.cpu().setSystemRegister(SystemRegister.ELR_EL1, target);
        rig.load(Rig.code().word(ERET));
        rig.machine().ram().write32(target, 0xD2800540); // movz x0, #42: must not execute
        rig.cpu().setReg(0, 7);
        // SPSR_EL1 saved on entry: NZCV and DAIF restored from the SPSR, IL = 1, EL and SP unchanged (EL1h)
        assertTaken(CURRENT_SPX, 0x0EL << 26 | 1L << 25, target, 0xF000_0000L | 1L << 20 | 0x100 | 5);
        assertEquals(7, rig.cpu().reg(0), "the instruction at the return address did not execute");
        assertEquals(0, rig.cpu().pstate() & 1L << 20, "exception entry clears PSTATE.IL");
    }

    /**
     * Every SPSR_EL1.M[4:0] other than EL0t (0), EL1t (4) and EL1h (5) is an illegal exception
     * return from EL1 (ARM ARM "Illegal return events from AArch64 state"; QEMU's
     * helper_exception_return): M[4] = 1, AArch32, which this core does not implement (0x10 User,
     * 0x13 Supervisor, and 0x14/0x15, which were EL1t/EL1h if M[4] were dropped); EL2 and EL3
     * (0x08, 0x09, 0x0C, 0x0D: higher than EL1, and not implemented); M[1] = 1 (0x02, 0x03, 0x06,
     * 0x07: reserved); EL0 with M[0] = 1 (0x01: SP_EL1 at EL0). PSTATE.IL is set, NZCV and DAIF come
     * from the SPSR, EL and SP stay, the PC is ELR_EL1, and the instruction there takes EC 0x0E.
     */
    @ParameterizedTest(name = "M = {0}")
    @ValueSource(ints = {0x10, 0x13, 0x14, 0x15, 0x1F, 0x01, 0x02, 0x03, 0x06, 0x07, 0x08, 0x09, 0x0C, 0x0D})
    void everyIllegalTargetModeIsAnIllegalReturn(int m) {
        rig.installVectors();
        long target = CODE + 0x100;
        long spsr = 0x9000_0000L | 0x80 | m; // N and C set, I masked
        rig.cpu().setSystemRegister(SystemRegister.SPSR_EL1, spsr);
        assertEquals(m, sys(SystemRegister.SPSR_EL1) & 0x1F, "SPSR_EL1 keeps M[4:0] as written");
        rig.cpu().setSystemRegister(SystemRegister.ELR_EL1, target);
        rig.cpu().setReg(31, CODE + 0x8000);
        rig.load(Rig.code().word(ERET));
        rig.machine().ram().write32(target, 0xD2800540); // movz x0, #42: must not execute
        rig.cpu().setReg(0, 7);
        // taken from EL1h (EL and SP unchanged) with SPSR = NZCV and DAIF from the bad SPSR, IL, EL1h
        assertTaken(CURRENT_SPX, 0x0EL << 26 | 1L << 25, target, 0x9000_0000L | 1L << 20 | 0x80 | 5);
        assertEquals(7, rig.cpu().reg(0), "the instruction at the return address did not execute");
        assertEquals(CODE + 0x8000, rig.cpu().reg(31), "SP_EL1 unchanged");
    }

    /** The legal targets, for contrast: EL0t, EL1t and EL1h return without IL. */
    @ParameterizedTest(name = "M = {0}")
    @ValueSource(ints = {0x00, 0x04, 0x05})
    void theThreeImplementedTargetModesReturnNormally(int m) {
        rig.cpu().setSystemRegister(SystemRegister.SPSR_EL1, m);
        rig.cpu().setSystemRegister(SystemRegister.ELR_EL1, CODE + 0x100);
        rig.load(Rig.code().word(ERET));
        rig.machine().ram().write32(CODE + 0x100, 0xD2800540); // movz x0, #42
        rig.machine().ram().write32(CODE + 0x104, 0xD4200000); // brk #0
        assertEquals(dev.levitate.sim.cpu.StopKind.BREAKPOINT, rig.machine().run(10));
        assertEquals(42, rig.cpu().reg(0));
        assertEquals(m, rig.cpu().pstate() & 0x1F, "PSTATE.EL and SP as the SPSR said");
        assertEquals(0, rig.cpu().pstate() & 1L << 20, "IL clear");
    }

    @Test
    void eretAtEl0IsUndefined() {
        rig.installVectors();
        rig.load(el0(CODE + 0x3000).word(ERET));
        assertTaken(LOWER_A64, 1L << 25, CODE + 4, EL0T);
    }

    /**
     * An ERET to AArch32 after the code at its return address ran hot in the fast loop and as a
     * compiled block: every tier and timing model takes the Illegal Execution state exception
     * before that code, whatever it has cached for it.
     */
    @ParameterizedTest(name = "{0}, {1} timing")
    @MethodSource("dev.levitate.sim.Tier#everyTierAndTiming")
    void anEretToAArch32IsIllegalInEveryTier(Tier tier, CpuConfig.Timing timing) {
        Rig r = new Rig(new Machine(16L << 20, tier.config(timing), b -> { }, b -> { }, b -> { }));
        r.installVectors();
        // x2 = 40; loop: add x3, x3, #1; subs x2, x2, #1; b.ne loop; then ERET back to the loop
        A64Assembler a = Rig.code().movz(2, 40, 0).movz(3, 0, 0);
        A64Assembler.Label loop = a.label();
        a.bind(loop).addImm(3, 3, 1).subsImm(2, 2, 1).bCond(A64Assembler.Cond.NE, loop);
        a.eret();
        r.load(a);
        long loopAddress = CODE + 8;
        r.cpu().setSystemRegister(SystemRegister.SPSR_EL1, 0x10); // AArch32 User
        r.cpu().setSystemRegister(SystemRegister.ELR_EL1, loopAddress);

        assertEquals(CURRENT_SPX, r.runToHandler(10_000));
        assertEquals(40, r.cpu().reg(3), "the loop ran 40 times, and not once more after the ERET");
        assertEquals(Long.toHexString(0x0EL << 26 | 1L << 25), Long.toHexString(r.sys(SystemRegister.ESR_EL1)));
        assertEquals(loopAddress, r.sys(SystemRegister.ELR_EL1));
        assertEquals(1L << 20 | 5, r.sys(SystemRegister.SPSR_EL1) & 0x10_001F, "IL, still EL1h");
        if (tier == Tier.COMPILED) {
            assertNotEquals(0, r.cpu().compiledInstructions(), "the loop ran compiled");
        } else if (tier == Tier.FAST) {
            assertNotEquals(0, r.cpu().fastTierInstructions(), "the loop ran in the fast tier");
        }
    }

    /** Synchronous exception priority: PC alignment and Instruction Abort come before Illegal Execution state. */
    @Test
    void afterAnIllegalReturnToAnUnalignedPcThePcAlignmentFaultComesFirst() {
        rig.installVectors();
        long bad = CODE + 0x102;
        rig.cpu().setSystemRegister(SystemRegister.SPSR_EL1, 0b01001);
        rig.cpu().setSystemRegister(SystemRegister.ELR_EL1, bad);
        rig.load(Rig.code().word(ERET));
        assertTaken(CURRENT_SPX, 0x8A00_0000L, bad, 1L << 20 | 5);
        assertEquals(bad, sys(SystemRegister.FAR_EL1));
    }

    @Test
    void afterAnIllegalReturnToAnUnmappedPcTheInstructionAbortComesFirst() {
        rig.installVectors();
        rig.enableMmu(rig.identityRoot(), 1);
        long unmapped = 0x7_0000_0000L; // L1 entry 28: invalid
        rig.cpu().setSystemRegister(SystemRegister.SPSR_EL1, 0b01001);
        rig.cpu().setSystemRegister(SystemRegister.ELR_EL1, unmapped);
        rig.load(Rig.code().word(ERET));
        // EC 0x21 (same EL), IL, IFSC translation fault level 1
        assertTaken(CURRENT_SPX, 0x8600_0005L, unmapped, 1L << 20 | 5);
        assertEquals(unmapped, sys(SystemRegister.FAR_EL1));
    }

    @Test
    void aBranchToAnUnalignedPcIsAPcAlignmentFaultWithFarEqualToThePc() {
        rig.installVectors();
        long bad = CODE + 0x102;
        rig.load(Rig.code().mov64(0, bad).br(0));
        assertTaken(CURRENT_SPX, 0x8A00_0000L, bad, EL1H_MASKED);
        assertEquals(bad, sys(SystemRegister.FAR_EL1));
    }

    @Test
    void aDataAbortInsideTheSvcHandlerNestsAndTheFirstSyndromeWasReadInTime() {
        rig.installVectors();
        long bad = 0x2000_0000L; // no device there
        A64Assembler h = new A64Assembler(VECTORS + LOWER_A64);
        Rig.mrs(h, 24, SystemRegister.ELR_EL1);
        Rig.mrs(h, 25, SystemRegister.SPSR_EL1);
        Rig.mrs(h, 26, SystemRegister.ESR_EL1);
        h.mov64(27, bad).ldr(0, 27, 0);
        rig.load(h, VECTORS + LOWER_A64);
        long ldr = VECTORS + LOWER_A64 + 4L * (h.assemble().length - 1);
        rig.load(el0(CODE + 0x3000).nop().svc(0x42));
        rig.cpu().setPc(CODE);
        // EC 0x25 (same EL), IL, ISV = 0 (no instruction syndrome), WnR = 0, DFSC 0x10 (external abort)
        assertTaken(CURRENT_SPX, 0x9600_0010L, ldr, EL1H_MASKED);
        assertEquals(bad, sys(SystemRegister.FAR_EL1));
        assertEquals(CODE + 12, rig.cpu().reg(24), "ELR of the SVC: the instruction after it");
        assertEquals(EL0T, rig.cpu().reg(25));
        assertEquals(0x5600_0042L, rig.cpu().reg(26), "EC 0x15, IL, imm16");
        assertEquals(2, rig.cpu().exceptionsTaken());
    }

    @Test
    void aStoreToAnUnmappedVaAtEl0IsALowerElDataAbortWithLevelWnrAndFar() {
        rig.installVectors();
        long root = rig.identityRoot();
        rig.enableMmu(root, 1);
        long va = 0x7_0000_0008L; // L0 0, L1 28: no table there
        rig.load(el0(CODE + 0x3000).mov64(1, va).str(0, 1, 0));
        long str = CODE + 4L * (Rig.code().word(ERET).mov64(1, va).assemble().length);
        // EC 0x24, IL, WnR = 1, DFSC = translation fault level 1
        assertTaken(LOWER_A64, 0x9200_0045L, str, EL0T);
        assertEquals(va, sys(SystemRegister.FAR_EL1));
    }

    @Test
    void spSelBanksTheStackPointerAndEl1tTakesTheSp0Vector() {
        rig.installVectors();
        long spEl1 = CODE + 0x8000, spEl0 = CODE + 0x9000;
        rig.cpu().setReg(31, spEl1);
        rig.cpu().setSystemRegister(SystemRegister.SP_EL0, spEl0);
        A64Assembler a = Rig.code().addImm(1, 31, 0).word(Rig.msrSpSel(0)).addImm(2, 31, 0);
        Rig.mrs(a, 3, SystemRegister.SPSEL);
        a.addImm(31, 31, 16);      // SP_EL0 += 16
        a.svc(9);
        rig.load(a);
        assertTaken(CURRENT_SP0, 0x5600_0009L, CODE + 24, 0x3C4);
        assertEquals(spEl1, rig.cpu().reg(1));
        assertEquals(spEl0, rig.cpu().reg(2));
        assertEquals(0, rig.cpu().reg(3));
        assertEquals(spEl1, rig.cpu().reg(31), "the handler runs on SP_EL1");
        assertEquals(spEl0 + 16, sys(SystemRegister.SP_EL0), "SP_EL0 kept what EL1t did to it");
        assertEquals(1, sys(SystemRegister.SPSEL));
    }

    @Test
    void withoutVbarTheMachineStopsWithTheExceptionsKindPcAndSyndrome() {
        rig.load(Rig.code().nop().svc(7));
        assertEquals(StopKind.EXCEPTION_CALL, rig.machine().run(100));
        assertEquals(CODE + 4, rig.cpu().stopPc());
        assertEquals(0x5600_0007L, rig.cpu().stopSyndrome());
        assertEquals(1, rig.cpu().exceptionLevel());

        Rig undef = new Rig();
        undef.load(Rig.code().word(0));
        assertEquals(StopKind.UNDEFINED, undef.machine().run(100));
        assertEquals(CODE, undef.cpu().stopPc());
        assertEquals(0x0200_0000L, undef.cpu().stopSyndrome());

        Rig abort = new Rig();
        abort.load(Rig.code().mov64(1, 0x2000_0000L).str(0, 1, 0));
        assertEquals(StopKind.ABORT, abort.machine().run(100));
        assertEquals(0x9600_0050L, abort.cpu().stopSyndrome());
        assertEquals(0x2000_0000L, abort.cpu().stopValue());

        Rig misaligned = new Rig();
        misaligned.load(Rig.code().mov64(1, CODE + 8).addImm(31, 1, 0).ldr(0, 31, 0));
        assertEquals(StopKind.ALIGNMENT, misaligned.machine().run(100));
        assertEquals(0x9A00_0000L, misaligned.cpu().stopSyndrome());
        assertNotEquals(0, misaligned.cpu().stopPc());
    }

    @Test
    void theHandlerBreakpointIsWhereTheRigSaysItIs() {
        rig.installVectors();
        assertEquals(VECTORS, sys(SystemRegister.VBAR_EL1));
        assertEquals(HANDLER, VECTORS + 0x800);
    }
}
