package dev.levitate.sim.cpu;

import static dev.levitate.sim.Rig.AP_EL0;
import static dev.levitate.sim.Rig.AP_RO;
import static dev.levitate.sim.Rig.CODE;
import static dev.levitate.sim.Rig.ERET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.sim.Rig;
import dev.levitate.a64.A64Assembler;
import dev.levitate.a64.SystemOperation;
import dev.levitate.a64.SystemRegister;
import dev.levitate.sim.machine.Machine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Cache maintenance, DC ZVA, AT and PAR_EL1, CLREX, PRFM and WFE against the ARM ARM (C5.3 DC/IC,
 * C5.4 AT, D17.2 PAR_EL1 and ESR_EL1, D1.16 WFE), with the EL0 rules: UNDEFINED (EC 0x00) or
 * trapped (EC 0x18 with the encoding in the ISS) as each instruction's description says.
 */
class SystemInstructionsTest {
    static final int CURRENT_SPX = 0x200, LOWER_A64 = 0x400;
    static final long IL = 1L << 25;
    static final long UNDEFINED = IL;
    static final long SCTLR_DZE = 1L << 14, SCTLR_UCI = 1L << 26;
    static final long DATA = CODE + 0x8000;

    final Rig rig = new Rig();

    long sys(SystemRegister r) {
        return rig.sys(r);
    }

    void sctlr(long set, long clear) {
        rig.cpu().setSystemRegister(SystemRegister.SCTLR_EL1, (sys(SystemRegister.SCTLR_EL1) | set) & ~clear);
    }

    /** Code that starts at EL1 with an ERET to EL0t at CODE + 4. */
    A64Assembler el0() {
        rig.installVectors();
        rig.cpu().setSystemRegister(SystemRegister.SPSR_EL1, 0);
        rig.cpu().setSystemRegister(SystemRegister.ELR_EL1, CODE + 4);
        rig.cpu().setSystemRegister(SystemRegister.SP_EL0, CODE + 0x4000);
        return Rig.code().word(ERET);
    }

    /** The ESR of an MSR/MRS/SYS trapped to EL1 (EC 0x18). */
    static long trapped(int key, int rt, boolean read) {
        int op0 = key >>> 14, op1 = (key >>> 11) & 7, crn = (key >>> 7) & 15, crm = (key >>> 3) & 15, op2 = key & 7;
        return 0x18L << 26 | IL | op0 << 20 | op2 << 17 | op1 << 14 | crn << 10 | rt << 5 | crm << 1 | (read ? 1 : 0);
    }

    /** Runs to the handler; checks the vector and returns ESR_EL1. */
    long esrAt(int vector) {
        assertEquals(vector, rig.runToHandler(10_000), "vector offset");
        return sys(SystemRegister.ESR_EL1);
    }

    static void assertHex(long expected, long actual, String what) {
        assertEquals(Long.toHexString(expected), Long.toHexString(actual), what);
    }

    // ------------------------------------------------------------------ cache maintenance

    @Test
    void setWayAndWholeCacheOperationsAreNoOpsAtEl1() {
        rig.installVectors();
        rig.machine().ram().write64(DATA, 0x1234);
        A64Assembler a = Rig.code().movz(0, 0, 0);
        for (SystemOperation op : new SystemOperation[] {SystemOperation.DC_ISW, SystemOperation.DC_CSW, SystemOperation.DC_CISW,
                SystemOperation.IC_IALLU, SystemOperation.IC_IALLUIS}) {
            a.sys(op, 0);
        }
        rig.load(a.brk(7));
        assertHex(0xF200_0007L, esrAt(CURRENT_SPX), "the BRK after them, nothing taken before");
        assertEquals(0x1234, rig.machine().ram().read64(DATA), "memory untouched");
    }

    @ParameterizedTest
    @EnumSource(names = {"DC_ISW", "DC_CSW", "DC_CISW", "DC_IVAC", "IC_IALLU", "IC_IALLUIS", "AT_S1E1R", "AT_S1E0W", "TLBI_VMALLE1"})
    void el1OnlyOperationsAreUndefinedAtEl0(SystemOperation op) {
        sctlr(SCTLR_UCI | SCTLR_DZE, 0); // even with EL0 cache maintenance enabled
        A64Assembler a = el0().mov64(0, DATA).sys(op, 0);
        rig.load(a);
        assertHex(UNDEFINED, esrAt(LOWER_A64), "UNDEFINED");
        assertEquals(CODE + 4L * (a.assemble().length - 1), sys(SystemRegister.ELR_EL1), "ELR at the instruction");
    }

    @ParameterizedTest
    @EnumSource(names = {"DC_CVAC", "DC_CVAU", "DC_CIVAC", "IC_IVAU"})
    void byVaMaintenanceAtEl0TrapsUnlessSctlrUci(SystemOperation op) {
        sctlr(0, SCTLR_UCI);
        rig.load(el0().mov64(3, DATA).sys(op, 3));
        assertHex(trapped(op.key(), 3, false), esrAt(LOWER_A64), "trapped with op0 = 1 and Rt");
    }

    @ParameterizedTest
    @EnumSource(names = {"DC_CVAC", "DC_CVAU", "DC_CIVAC", "IC_IVAU"})
    void withSctlrUciEl0MaintainsByVa(SystemOperation op) {
        sctlr(SCTLR_UCI, 0);
        rig.load(el0().mov64(3, DATA).sys(op, 3).svc(1));
        assertHex(0x15L << 26 | IL | 1, esrAt(LOWER_A64), "the SVC after it");
    }

    @ParameterizedTest
    @EnumSource(names = {"DC_IVAC", "DC_CVAC", "DC_CVAU", "DC_CIVAC", "IC_IVAU"})
    void byVaMaintenanceOfAnUnmappedVaIsADataAbortWithCmAndWnr(SystemOperation op) {
        rig.installVectors();
        rig.enableMmu(rig.identityRoot(), 0);
        long va = 0x1_0000_0000L; // level-1 entry 4 is invalid
        rig.load(Rig.code().mov64(3, va).sys(op, 3));
        long esr = esrAt(CURRENT_SPX);
        assertHex(0x25L << 26 | IL | 1 << 8 | 1 << 6 | 0x05, esr, "same-EL data abort, CM, WnR, translation fault level 1");
        assertEquals(va, sys(SystemRegister.FAR_EL1), "FAR is the VA");
    }

    @Test
    void byVaMaintenanceAtEl0NeedsEl0ReadPermission() {
        sctlr(SCTLR_UCI, 0);
        rig.enableMmu(rig.identityRoot(), 0); // RAM: EL1 only (AP = 0b00), executable at EL0
        rig.load(el0().mov64(3, DATA).sys(SystemOperation.DC_CVAC, 3));
        assertHex(0x24L << 26 | IL | 1 << 8 | 1 << 6 | 0x0E, esrAt(LOWER_A64), "lower-EL data abort, CM, permission fault level 2");
        assertEquals(DATA, sys(SystemRegister.FAR_EL1));
    }

    @Test
    void dcIvacNeedsWritePermissionWhileDcCivacDoesNotAtEl1() {
        rig.installVectors();
        long root = rig.identityRoot();
        long va = 0x8000_0000L;
        rig.map4k(root, va, Rig.frame(0), AP_RO);
        rig.enableMmu(root, 0);
        A64Assembler a = Rig.code().mov64(3, va).sys(SystemOperation.DC_CIVAC, 3).sys(SystemOperation.DC_CVAC, 3)
                .sys(SystemOperation.DC_IVAC, 3);
        rig.load(a);
        assertHex(0x25L << 26 | IL | 1 << 8 | 1 << 6 | 0x0F, esrAt(CURRENT_SPX), "permission fault level 3 on DC IVAC only");
        assertEquals(CODE + 4L * (a.assemble().length - 1), sys(SystemRegister.ELR_EL1), "ELR at DC IVAC");
    }

    @Test
    void withTheMmuOffByVaMaintenanceBeyondThePaSizeIsAnAddressSizeFault() {
        rig.installVectors();
        rig.load(Rig.code().mov64(3, 1L << 40).sys(SystemOperation.DC_CIVAC, 3));
        assertHex(0x25L << 26 | IL | 1 << 8 | 1 << 6 | 0x00, esrAt(CURRENT_SPX), "address size fault, level 0, CM");
    }

    // ------------------------------------------------------------------ DC ZVA

    @Test
    void dcZvaZeroesTheAligned64ByteBlockThatHoldsTheAddress() {
        rig.installVectors();
        for (int i = 0; i < 192; i += 8) {
            rig.machine().ram().write64(DATA + i, -1L);
        }
        rig.load(Rig.code().mov64(3, DATA + 64 + 0x13).sys(SystemOperation.DC_ZVA, 3).brk(0));
        esrAt(CURRENT_SPX);
        for (int i = 0; i < 192; i += 8) {
            long expected = i >= 64 && i < 128 ? 0 : -1L;
            assertEquals(expected, rig.machine().ram().read64(DATA + i), "byte " + i);
        }
    }

    @Test
    void dcZvaAtEl0TrapsUnlessSctlrDzeAndDczidSaysSo() {
        sctlr(0, SCTLR_DZE);
        A64Assembler a = el0().mrs(4, SystemRegister.DCZID_EL0).mov64(3, DATA).sys(SystemOperation.DC_ZVA, 3);
        rig.load(a);
        assertHex(trapped(SystemOperation.DC_ZVA.key(), 3, false), esrAt(LOWER_A64), "trapped");
        assertEquals(0x14, rig.cpu().reg(4), "DCZID_EL0: 64-byte blocks, DZP = 1 at EL0 without DZE");
    }

    @Test
    void withSctlrDzeEl0ZeroesAndDczidClearsDzp() {
        sctlr(SCTLR_DZE, 0);
        rig.machine().ram().write64(DATA, -1L);
        rig.load(el0().mrs(4, SystemRegister.DCZID_EL0).mov64(3, DATA).sys(SystemOperation.DC_ZVA, 3).svc(0));
        esrAt(LOWER_A64);
        assertEquals(0x4, rig.cpu().reg(4));
        assertEquals(0, rig.machine().ram().read64(DATA));
    }

    @Test
    void dcZvaToAReadOnlyPageIsAWritePermissionFaultWithoutCm() {
        rig.installVectors();
        long root = rig.identityRoot();
        long va = 0x8000_0000L;
        rig.map4k(root, va, Rig.frame(0), AP_RO);
        rig.machine().ram().write64(Rig.frame(0), 77);
        rig.enableMmu(root, 0);
        rig.load(Rig.code().mov64(3, va + 8).sys(SystemOperation.DC_ZVA, 3));
        assertHex(0x25L << 26 | IL | 1 << 6 | 0x0F, esrAt(CURRENT_SPX), "a store's permission fault, CM = 0");
        assertEquals(77, rig.machine().ram().read64(Rig.frame(0)), "nothing written");
    }

    // ------------------------------------------------------------------ AT and PAR_EL1

    long at(SystemOperation op, long va) {
        rig.load(Rig.code().mov64(3, va).sys(op, 3).mrs(0, SystemRegister.PAR_EL1).brk(0));
        rig.cpu().setPc(CODE);
        esrAt(CURRENT_SPX);
        return rig.cpu().reg(0);
    }

    long mmuWithReadOnlyAndEl0Pages() {
        rig.installVectors();
        long root = rig.identityRoot();
        rig.map4k(root, 0x8000_0000L, Rig.frame(1), AP_RO);
        rig.map4k(root, 0x8000_1000L, Rig.frame(2), AP_EL0);
        rig.enableMmu(root, 0);
        return root;
    }

    @Test
    void atS1e1rGivesThePageWithItsMairAttributeAndShareability() {
        mmuWithReadOnlyAndEl0Pages();
        long par = at(SystemOperation.AT_S1E1R, CODE + 0x2345);
        assertHex(0xFFL << 56 | (CODE + 0x2000) | 1 << 11 | 1 << 9 | 3 << 7, par, "ATTR 0xFF, PA, RES1, NS, SH inner, F = 0");
        assertHex(0xFFL << 56 | Rig.frame(2) | 1 << 11 | 1 << 9 | 3 << 7, at(SystemOperation.AT_S1E0W, 0x8000_1ABCL), "EL0 RW page");
    }

    @Test
    void atReportsPermissionAndTranslationFaultsInParWithoutAnException() {
        mmuWithReadOnlyAndEl0Pages();
        assertHex(1 << 11 | 0x0F << 1 | 1, at(SystemOperation.AT_S1E1W, 0x8000_0010L), "write to read-only: permission, level 3");
        assertHex(1 << 11 | 0x0E << 1 | 1, at(SystemOperation.AT_S1E0R, CODE), "EL0 read of an EL1 block: permission, level 2");
        assertHex(1 << 11 | 0x05 << 1 | 1, at(SystemOperation.AT_S1E1R, 0x1_0000_0000L), "translation fault, level 1");
        assertTrue(at(SystemOperation.AT_S1E1R, 0x8000_0010L) != 0 && (sys(SystemRegister.PAR_EL1) & 1) == 0, "readable at EL1");
    }

    @Test
    void atLeavesTheTlbAsItWas() {
        mmuWithReadOnlyAndEl0Pages();
        rig.load(Rig.code().mov64(3, 0x8000_1000L).sys(SystemOperation.AT_S1E1R, 3).sys(SystemOperation.AT_S1E0R, 3).brk(0));
        esrAt(CURRENT_SPX);
        assertEquals(0x8000_1000L | 1 << 11 | 1 << 9 | 3 << 7 | 0xFFL << 56, 0x8000_1000L - Rig.frame(2) + sys(SystemRegister.PAR_EL1),
                "the AT translated");
        assertTrue(rig.cpu().mmu().tlb().entries().stream().noneMatch(e -> e.va() <= 0x8000_1000L && 0x8000_1000L < e.va() + e.descriptorSize()),
                () -> "no TLB entry for the AT's VA: " + rig.cpu().mmu().tlb().entries());
    }

    @Test
    void withTheMmuOffAtGivesTheVaAsDeviceMemoryAndAnAddressSizeFaultBeyond40Bits() {
        rig.installVectors();
        assertHex((DATA & ~0xFFFL) | 1 << 11 | 1 << 9 | 2 << 7, at(SystemOperation.AT_S1E1R, DATA + 4), "ATTR 0 (Device-nGnRnE), SH 0b10");
        assertHex(1 << 11 | 1, at(SystemOperation.AT_S1E1R, 1L << 40), "address size fault, level 0");
    }

    @Test
    void anOutputAddressBeyondTheIpsIsAnAddressSizeFaultInParAndOnAccess() {
        rig.installVectors();
        long root = rig.identityRoot();
        rig.map4k(root, 0x8000_0000L, 1L << 40, 0);
        rig.enableMmu(root, 0);
        assertHex(1 << 11 | 0x03 << 1 | 1, at(SystemOperation.AT_S1E1R, 0x8000_0000L), "address size fault, level 3");
        rig.load(Rig.code().mov64(3, 0x8000_0000L).ldr(0, 3, 0));
        rig.cpu().setPc(CODE);
        assertHex(0x25L << 26 | IL | 0x03, esrAt(CURRENT_SPX), "data abort: address size fault, level 3");
    }

    @Test
    void tcrIpsOf32BitsMakesA4GiBOutputAddressAnAddressSizeFault() {
        rig.installVectors();
        long root = rig.identityRoot();
        rig.map4k(root, 0x8000_0000L, 1L << 32, 0);
        rig.enableMmu(root, 0);
        assertHex(1L << 32 | 0xFFL << 56 | 1 << 11 | 1 << 9 | 3 << 7, at(SystemOperation.AT_S1E1R, 0x8000_0000L),
                "within 40 bits: translates");
        rig.cpu().setSystemRegister(SystemRegister.TCR_EL1, Rig.TCR & ~(7L << 32)); // IPS = 32 bits
        assertHex(1 << 11 | 0x03 << 1 | 1, at(SystemOperation.AT_S1E1R, 0x8000_0000L), "beyond 32 bits: address size fault");
    }

    @Test
    void withTheMmuOffALoadOrAFetchBeyondThePaSizeIsAnAddressSizeFaultNotAnExternalAbort() {
        rig.installVectors();
        rig.load(Rig.code().mov64(3, 1L << 40).ldr(0, 3, 0));
        assertHex(0x25L << 26 | IL | 0x00, esrAt(CURRENT_SPX), "data abort, address size level 0");
        rig.load(Rig.code().mov64(3, 1L << 44).br(3));
        rig.cpu().setPc(CODE);
        assertHex(0x21L << 26 | IL | 0x00, esrAt(CURRENT_SPX), "instruction abort, address size level 0");
        assertEquals(1L << 44, sys(SystemRegister.FAR_EL1));
    }

    // ------------------------------------------------------------------ CLREX, PRFM, WFE

    static final int LDXR_X1_X0 = 0xC85F_7C01;
    static final int STXR_W2_X1_X0 = 0xC802_7C01;
    static final int CLREX = 0xD503_3F5F;

    @Test
    void clrexClearsTheExclusiveMonitorSoTheStoreExclusiveFails() {
        rig.installVectors();
        rig.load(Rig.code().mov64(0, DATA).word(LDXR_X1_X0).movz(1, 5, 0).word(CLREX).word(STXR_W2_X1_X0)
                .word(LDXR_X1_X0).movz(1, 6, 0).word(STXR_W2_X1_X0).mov(4, 2).brk(0));
        esrAt(CURRENT_SPX);
        assertEquals(0, rig.cpu().reg(4), "the second pair succeeds");
        assertEquals(6, rig.machine().ram().read64(DATA), "only the second store happened");
    }

    @Test
    void clrexClearsTheMonitorBeforeTheStore() {
        rig.installVectors();
        rig.load(Rig.code().mov64(0, DATA).word(LDXR_X1_X0).movz(1, 5, 0).word(CLREX).word(STXR_W2_X1_X0).brk(0));
        esrAt(CURRENT_SPX);
        assertEquals(1, rig.cpu().reg(2), "STXR status 1: no reservation");
        assertEquals(0, rig.machine().ram().read64(DATA));
    }

    @Test
    void prfmLiteralOfAnUnmappedAddressNeverFaults() {
        rig.installVectors();
        rig.enableMmu(rig.identityRoot(), 0);
        int prfmBack1MiB = 0xD800_0000 | (-(1 << 18) & 0x7FFFF) << 5; // pc - 1 MiB: below RAM, unmapped
        rig.load(Rig.code().word(prfmBack1MiB).word(prfmBack1MiB | 0x11).brk(3));
        assertHex(0xF200_0003L, esrAt(CURRENT_SPX), "the BRK after it");
    }

    @Test
    void prfmInEveryAddressingFormNeverFaultsEvenUnmappedOrAtEl0() {
        rig.enableMmu(rig.identityRoot(), 0); // RAM is EL1-only data: a load at EL0 would fault
        int[] prfms = {0xF980_0060 /* prfm pldl1keep, [x3] */, 0xF8A4_6873 /* prfm pstl2strm, [x3, x4] */,
            0xF89F_F064 /* prfum pldl3keep, [x3, #-1] */, 0xF980_0460 /* prfm pldl1keep, [x3, #8] */};
        A64Assembler a = el0().mov64(3, 0x1_0000_0000L).movz(4, 0x40, 0);
        for (int w : prfms) {
            a.word(w);
        }
        a.mov64(3, DATA);
        for (int w : prfms) {
            a.word(w);
        }
        rig.load(a.svc(5));
        assertHex(0x15L << 26 | IL | 5, esrAt(LOWER_A64), "the SVC after them: no abort");
    }

    static final int WFE = 0xD503_205F, SEVL = 0xD503_20BF;

    @Test
    void aWfeWithNothingToWakeItCompletesAsAHintWhileWfiWaits() {
        rig.installVectors();
        rig.load(Rig.code().word(WFE).word(WFE).brk(1));
        assertHex(0xF200_0001L, esrAt(CURRENT_SPX), "both WFEs completed");
        rig.load(Rig.code().word(Rig.WFI).brk(1));
        rig.cpu().setPc(CODE);
        assertEquals(StopKind.WAIT, rig.machine().run(100), "WFI with nothing to wake it stops");
    }

    @Test
    void sevlSetsTheEventRegisterThatTheNextWfeConsumesAtEl0WithoutTrapping() {
        sctlr(0, 1L << 18); // nTWE = 0: a WFE at EL0 that would wait traps
        rig.load(el0().word(SEVL).word(WFE).word(WFE));
        assertHex(0x01L << 26 | IL | 0x1E0_0000 | 1, esrAt(LOWER_A64), "the second WFE traps (EC 0x01, TI = WFE)");
        assertEquals(CODE + 12, sys(SystemRegister.ELR_EL1), "at the second WFE: the first consumed the event");
    }

    @Test
    void anExceptionReturnSetsTheEventRegister() {
        sctlr(0, 1L << 18);
        rig.load(el0().word(WFE).word(WFE));
        assertHex(0x01L << 26 | IL | 0x1E0_0000 | 1, esrAt(LOWER_A64), "a WFE traps");
        assertEquals(CODE + 8, sys(SystemRegister.ELR_EL1), "the second one: the ERET's event let the first through");
    }

    // ------------------------------------------------------------------ every tier

    /**
     * A hot loop of system instructions: each tier leaves them to the general interpreter, which
     * applies the rules above, so every tier zeroes the same memory and counts the same.
     */
    @ParameterizedTest
    @EnumSource(dev.levitate.sim.Tier.class)
    void aHotLoopOfSystemInstructionsBehavesAlikeInEveryTier(dev.levitate.sim.Tier tier) {
        Rig r = new Rig(new Machine(16L << 20, tier.config(CpuConfig.Timing.A53), b -> { }, b -> { }, b -> { }));
        r.installVectors();
        for (int i = 0; i < 64 * 100; i += 8) {
            r.machine().ram().write64(DATA + i, -1L);
        }
        r.cpu().setSystemRegister(SystemRegister.PMEVTYPER0_EL0, Pmu.INST_RETIRED);
        r.cpu().setSystemRegister(SystemRegister.PMCNTENSET_EL0, 1);
        r.cpu().setSystemRegister(SystemRegister.PMCR_EL0, 1);
        A64Assembler a = Rig.code().mov64(3, DATA).movz(2, 100, 0);
        int prefix = a.assemble().length;
        A64Assembler.Label loop = a.label();
        a.bind(loop).sys(SystemOperation.DC_ZVA, 3).sys(SystemOperation.DC_CIVAC, 3).word(CLREX).word(SEVL).word(WFE)
                .addImm(3, 3, 64).addImm(4, 4, 1).subsImm(2, 2, 1).bCond(A64Assembler.Cond.NE, loop);
        a.mrs(5, SystemRegister.PMEVCNTR0_EL0).brk(0);
        r.load(a);
        assertEquals(CURRENT_SPX, r.runToHandler(100_000));
        for (int i = 0; i < 64 * 100; i += 8) {
            assertEquals(0, r.machine().ram().read64(DATA + i), "zeroed at +" + i);
        }
        assertEquals(100, r.cpu().reg(4));
        assertEquals(prefix + 100 * 9, r.cpu().reg(5), "INST_RETIRED: every instruction before the MRS, once");
        if (tier == dev.levitate.sim.Tier.COMPILED) {
            assertNotEquals(0, r.cpu().compiledInstructions(), "the loop's plain instructions ran compiled");
        } else if (tier == dev.levitate.sim.Tier.FAST) {
            assertNotEquals(0, r.cpu().fastTierInstructions(), "the loop's plain instructions ran in the fast tier");
        }
    }
}
