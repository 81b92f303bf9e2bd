package dev.levitate.sim.cpu;

import static dev.levitate.sim.Rig.CODE;
import static dev.levitate.sim.Rig.ERET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.sim.Rig;
import dev.levitate.a64.A64;
import dev.levitate.a64.A64Assembler;
import dev.levitate.a64.Field;
import dev.levitate.a64.SystemRegister;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The identification, thread-ID, PMU, debug and timer-control registers against the ARM ARM
 * (D17.2, D17.3, D17.5 and the Cortex-A53 TRM's reset values), read and written with MRS and MSR,
 * with their EL0 rules: UNDEFINED (EC 0x00) or trapped (EC 0x18, the encoding in the ISS).
 */
class SystemRegistersTest {
    static final int CURRENT_SPX = 0x200, LOWER_A64 = 0x400;
    static final long IL = 1L << 25;
    static final long UNDEFINED = IL;

    /** The machine under test (a fresh one per case where a test loops). */
    Rig rig = new Rig();

    long sys(SystemRegister r) {
        return rig.sys(r);
    }

    void set(SystemRegister r, long v) {
        rig.cpu().setSystemRegister(r, v);
    }

    A64Assembler el0() {
        rig.installVectors();
        set(SystemRegister.SPSR_EL1, 0);
        set(SystemRegister.ELR_EL1, CODE + 4);
        set(SystemRegister.SP_EL0, CODE + 0x4000);
        return Rig.code().word(ERET);
    }

    static long trapped(int key, int rt, boolean read) {
        int op0 = key >>> 14, op1 = (key >>> 11) & 7, crn = (key >>> 7) & 15, crm = (key >>> 3) & 15, op2 = key & 7;
        return 0x18L << 26 | IL | op0 << 20 | op2 << 17 | op1 << 14 | crn << 10 | rt << 5 | crm << 1 | (read ? 1 : 0);
    }

    long esrAt(int vector) {
        assertEquals(vector, rig.runToHandler(100_000), "vector offset");
        return sys(SystemRegister.ESR_EL1);
    }

    static void assertHex(long expected, long actual, String what) {
        assertEquals(Long.toHexString(expected), Long.toHexString(actual), what);
    }

    static int mrs(int key, int rt) {
        return A64.MRS.encoding().encode(Field.SYSREG, key & 0x7FFF, Field.RD, rt);
    }

    /** Runs MRS x0 of each register at EL1 and returns what it read. */
    long readAtEl1(SystemRegister r) {
        rig.installVectors();
        rig.load(Rig.code().mrs(0, r).brk(0));
        rig.cpu().setPc(CODE);
        assertHex(0xF200_0000L, esrAt(CURRENT_SPX), r + " read at EL1");
        return rig.cpu().reg(0);
    }

    // ------------------------------------------------------------------ identification

    @Test
    void theIdRegistersDescribeACortexA53R0p4WithoutFpSimdAArch32OrCrypto() {
        Map<SystemRegister, Long> expected = Map.ofEntries(
                Map.entry(SystemRegister.MIDR_EL1, 0x410F_D034L),
                Map.entry(SystemRegister.MPIDR_EL1, 0x8000_0000L),
                Map.entry(SystemRegister.REVIDR_EL1, 0L),
                Map.entry(SystemRegister.ID_AA64PFR0_EL1, 0x00FF_0011L),
                Map.entry(SystemRegister.ID_AA64PFR1_EL1, 0L),
                Map.entry(SystemRegister.ID_AA64DFR0_EL1, 0x1030_5106L),
                Map.entry(SystemRegister.ID_AA64DFR1_EL1, 0L),
                Map.entry(SystemRegister.ID_AA64AFR0_EL1, 0L),
                Map.entry(SystemRegister.ID_AA64AFR1_EL1, 0L),
                Map.entry(SystemRegister.ID_AA64ISAR0_EL1, 0L),
                Map.entry(SystemRegister.ID_AA64ISAR1_EL1, 0L),
                Map.entry(SystemRegister.ID_AA64MMFR0_EL1, 0x0F00_1122L),
                Map.entry(SystemRegister.ID_AA64MMFR1_EL1, 0L),
                Map.entry(SystemRegister.ID_AA64MMFR2_EL1, 0L),
                Map.entry(SystemRegister.CTR_EL0, 0x8444_8004L),
                Map.entry(SystemRegister.CLIDR_EL1, 0x0A20_0023L),
                Map.entry(SystemRegister.AIDR_EL1, 0L),
                Map.entry(SystemRegister.DCZID_EL0, 0x4L));
        for (Map.Entry<SystemRegister, Long> e : expected.entrySet()) {
            assertHex(e.getValue(), readAtEl1(e.getKey()), e.getKey().name());
        }
        long pfr0 = expected.get(SystemRegister.ID_AA64PFR0_EL1);
        assertEquals(0xF, (pfr0 >>> 16) & 0xF, "FP not implemented");
        assertEquals(0xF, (pfr0 >>> 20) & 0xF, "AdvSIMD not implemented");
        assertEquals(2, expected.get(SystemRegister.ID_AA64MMFR0_EL1) & 0xF, "PARange: 40 bits, the MMU's PA size");
    }

    @Test
    void ccsidrDescribesTheCacheCsselrSelects() {
        long[][] cases = {{0, 0x700F_E01AL}, {1, 0x201F_E00AL}, {2, 0x703F_E07AL}, {3, 0}, {4, 0}};
        for (long[] c : cases) {
            set(SystemRegister.CSSELR_EL1, c[0]);
            assertHex(c[0], readAtEl1(SystemRegister.CSSELR_EL1), "CSSELR kept");
            assertHex(c[1], readAtEl1(SystemRegister.CCSIDR_EL1), "CCSIDR for CSSELR " + c[0]);
        }
        long l2 = 0x703F_E07AL;
        long bytes = (((l2 >>> 13) & 0x7FFF) + 1) * (((l2 >>> 3) & 0x3FF) + 1) * (16L << (l2 & 7));
        assertEquals(512 << 10, bytes, "sets x ways x line = 512 KiB");
        long l1i = 0x201F_E00AL;
        assertEquals(32 << 10, (((l1i >>> 13) & 0x7FFF) + 1) * (((l1i >>> 3) & 0x3FF) + 1) * (16L << (l1i & 7)), "32 KiB");
    }

    @Test
    void theReservedIdSpaceReadsZeroAtEl1AndIsUndefinedAtEl0() {
        int idAa64zfr0 = SystemRegister.key(3, 0, 0, 4, 4);
        int idAa64isar2 = SystemRegister.key(3, 0, 0, 6, 2);
        rig.installVectors();
        rig.load(Rig.code().movz(0, 1, 0).movz(1, 1, 0).word(mrs(idAa64zfr0, 0)).word(mrs(idAa64isar2, 1)).brk(0));
        esrAt(CURRENT_SPX);
        assertEquals(0, rig.cpu().reg(0));
        assertEquals(0, rig.cpu().reg(1));
        rig.load(el0().word(mrs(idAa64isar2, 1)));
        rig.cpu().setPc(CODE);
        assertHex(UNDEFINED, esrAt(LOWER_A64), "EL0");
    }

    @ParameterizedTest
    @EnumSource(names = {"MIDR_EL1", "ID_AA64PFR0_EL1", "CTR_EL0", "DCZID_EL0", "CLIDR_EL1", "CCSIDR_EL1"})
    void idRegistersAreReadOnly(SystemRegister r) {
        rig.installVectors();
        rig.load(Rig.code().msr(r, 0));
        assertHex(UNDEFINED, esrAt(CURRENT_SPX), "MSR " + r);
    }

    // ------------------------------------------------------------------ thread IDs and friends

    @Test
    void threadIdRegistersKeepWhatEl1WroteAndEl0SeesTpidrroReadOnly() {
        A64Assembler a = el0().mrs(1, SystemRegister.TPIDRRO_EL0).mrs(2, SystemRegister.TPIDR_EL0)
                .movz(3, 0x77, 0).msr(SystemRegister.TPIDR_EL0, 3).mrs(4, SystemRegister.TPIDR_EL0).msr(SystemRegister.TPIDRRO_EL0, 3);
        set(SystemRegister.TPIDRRO_EL0, 0x1111);
        set(SystemRegister.TPIDR_EL0, 0x2222);
        set(SystemRegister.TPIDR_EL1, 0x3333);
        rig.load(a);
        assertHex(UNDEFINED, esrAt(LOWER_A64), "MSR TPIDRRO_EL0 at EL0");
        assertEquals(0x1111, rig.cpu().reg(1));
        assertEquals(0x2222, rig.cpu().reg(2));
        assertEquals(0x77, rig.cpu().reg(4));
        assertEquals(0x3333, sys(SystemRegister.TPIDR_EL1));
        assertEquals(0x1111, sys(SystemRegister.TPIDRRO_EL0), "unchanged");
    }

    @ParameterizedTest
    @EnumSource(names = {"TPIDR_EL1", "CONTEXTIDR_EL1", "ACTLR_EL1", "AMAIR_EL1", "CSSELR_EL1", "CCSIDR_EL1", "MIDR_EL1",
        "MDSCR_EL1", "OSLSR_EL1", "OSDLR_EL1", "DBGBVR0_EL1", "DBGWCR3_EL1", "PMINTENSET_EL1", "CNTKCTL_EL1"})
    void el1RegistersAreUndefinedAtEl0(SystemRegister r) {
        rig.load(el0().mrs(0, r));
        assertHex(UNDEFINED, esrAt(LOWER_A64), "MRS " + r + " at EL0");
    }

    @ParameterizedTest
    @EnumSource(names = {"CONTEXTIDR_EL1", "AMAIR_EL1", "TPIDR_EL1", "MDSCR_EL1"})
    void el1RegistersKeepWhatIsWritten(SystemRegister r) {
        rig.installVectors();
        rig.load(Rig.code().mov64(0, 0x1234_5678L).msr(r, 0).mrs(1, r).brk(0));
        esrAt(CURRENT_SPX);
        assertHex(0x1234_5678L, rig.cpu().reg(1), r.name());
    }

    /** ACTLR_EL1 and the Cortex-A53's IMPLEMENTATION DEFINED registers (TRM 4.3) read as zero and ignore writes at EL1. */
    @ParameterizedTest
    @EnumSource(names = {"ACTLR_EL1", "L2CTLR_EL1", "L2ECTLR_EL1", "L2ACTLR_EL1", "CPUACTLR_EL1", "CPUECTLR_EL1", "CPUMERRSR_EL1",
        "L2MERRSR_EL1"})
    void auxiliaryAndImplementationDefinedRegistersAreRazWi(SystemRegister r) {
        rig.installVectors();
        rig.load(Rig.code().movz(0, 0xFF, 0).movz(1, 7, 0).msr(r, 0).mrs(1, r).brk(0));
        esrAt(CURRENT_SPX);
        assertEquals(0, rig.cpu().reg(1), r.name());
        rig = new Rig();
        rig.load(el0().mrs(0, r));
        assertHex(UNDEFINED, esrAt(LOWER_A64), r + " at EL0");
    }

    @Test
    void ctrAtEl0TrapsUnlessSctlrUct() {
        set(SystemRegister.SCTLR_EL1, sys(SystemRegister.SCTLR_EL1) & ~(1L << 15));
        rig.load(el0().mrs(5, SystemRegister.CTR_EL0));
        assertHex(trapped(SystemRegister.CTR_EL0.key(), 5, true), esrAt(LOWER_A64), "trapped");
    }

    // ------------------------------------------------------------------ debug registers

    @Test
    void theOsLockIsSetAtResetAndOslarClearsIt() {
        assertHex(0xA, readAtEl1(SystemRegister.OSLSR_EL1), "OSLM = 0b10, OSLK = 1");
        rig.load(Rig.code().msr(SystemRegister.OSLAR_EL1, 31).mrs(0, SystemRegister.OSLSR_EL1)
                .movz(1, 1, 0).msr(SystemRegister.OSDLR_EL1, 1).mrs(2, SystemRegister.OSDLR_EL1).brk(0));
        rig.cpu().setPc(CODE);
        esrAt(CURRENT_SPX);
        assertHex(0x8, rig.cpu().reg(0), "unlocked");
        assertEquals(0, rig.cpu().reg(2), "the double lock is RAZ/WI");
    }

    @Test
    void oslarIsWriteOnlyAndOslsrReadOnly() {
        rig.installVectors();
        rig.load(Rig.code().mrs(0, SystemRegister.OSLAR_EL1));
        assertHex(UNDEFINED, esrAt(CURRENT_SPX), "MRS OSLAR_EL1");
        rig.load(Rig.code().msr(SystemRegister.OSLSR_EL1, 0));
        rig.cpu().setPc(CODE);
        assertHex(UNDEFINED, esrAt(CURRENT_SPX), "MSR OSLSR_EL1");
    }

    @Test
    void breakpointAndWatchpointRegistersAreStorageForAllThatDfr0Announces() {
        rig.installVectors();
        A64Assembler a = Rig.code();
        SystemRegister[] regs = {SystemRegister.DBGBVR0_EL1, SystemRegister.DBGBCR5_EL1, SystemRegister.DBGWVR3_EL1, SystemRegister.DBGWCR0_EL1};
        for (int i = 0; i < regs.length; i++) {
            a.movz(0, 0x100 + i, 0).msr(regs[i], 0).mrs(10 + i, regs[i]);
        }
        rig.load(a.brk(0));
        esrAt(CURRENT_SPX);
        for (int i = 0; i < regs.length; i++) {
            assertEquals(0x100 + i, rig.cpu().reg(10 + i), regs[i].name());
        }
    }

    // ------------------------------------------------------------------ generic timer EL0 controls

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 2, 3, 0x100, 0x200, 0x303})
    void cntkctlDecidesWhichTimerRegistersEl0Reaches(long cntkctl) {
        SystemRegister[] regs = {SystemRegister.CNTFRQ_EL0, SystemRegister.CNTPCT_EL0, SystemRegister.CNTVCT_EL0,
            SystemRegister.CNTP_CTL_EL0, SystemRegister.CNTP_CVAL_EL0, SystemRegister.CNTP_TVAL_EL0,
            SystemRegister.CNTV_CTL_EL0, SystemRegister.CNTV_CVAL_EL0, SystemRegister.CNTV_TVAL_EL0};
        boolean[] allowed = {(cntkctl & 3) != 0, (cntkctl & 1) != 0, (cntkctl & 2) != 0,
            (cntkctl & 0x200) != 0, (cntkctl & 0x200) != 0, (cntkctl & 0x200) != 0,
            (cntkctl & 0x100) != 0, (cntkctl & 0x100) != 0, (cntkctl & 0x100) != 0};
        for (int i = 0; i < regs.length; i++) {
            Rig r = new Rig();
            r.installVectors();
            r.cpu().setSystemRegister(SystemRegister.CNTKCTL_EL1, cntkctl);
            r.cpu().setSystemRegister(SystemRegister.SPSR_EL1, 0);
            r.cpu().setSystemRegister(SystemRegister.ELR_EL1, CODE + 4);
            r.load(Rig.code().word(ERET).mrs(6, regs[i]).svc(0));
            assertEquals(LOWER_A64, r.runToHandler(1000));
            long expected = allowed[i] ? 0x15L << 26 | IL : trapped(regs[i].key(), 6, true);
            assertHex(expected, r.sys(SystemRegister.ESR_EL1), regs[i] + " with CNTKCTL_EL1 = 0x" + Long.toHexString(cntkctl));
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"CNTFRQ_EL0", "CNTPCT_EL0", "CNTVCT_EL0"})
    void el0CannotWriteTheFrequencyOrTheCounts(SystemRegister r) {
        set(SystemRegister.CNTKCTL_EL1, 0x303);
        long freq = sys(SystemRegister.CNTFRQ_EL0);
        rig.load(el0().movz(0, 5, 0).msr(r, 0));
        assertHex(UNDEFINED, esrAt(LOWER_A64), "MSR " + r + " at EL0");
        assertEquals(freq, sys(SystemRegister.CNTFRQ_EL0));
    }

    // ------------------------------------------------------------------ PMU

    static final long PMCR_E = 1, PMCR_P = 2, PMCR_C = 4;
    static final long CYCLE = 1L << 31;

    @Test
    void pmcrSaysArmCortexA53WithSixCounters() {
        long pmcr = readAtEl1(SystemRegister.PMCR_EL0);
        assertHex(0x4103_3000L, pmcr, "IMP 0x41, IDCODE 0x03, N = 6, all off");
        assertEquals(Pmu.COUNTERS, (pmcr >>> 11) & 31);
        assertHex(1L | 1L << 8 | 1L << 17, readAtEl1(SystemRegister.PMCEID0_EL0), "SW_INCR, INST_RETIRED, CPU_CYCLES");
    }

    @Test
    void instRetiredCountsEveryInstructionRetiredWhileEnabledAndNothingElse() {
        rig.installVectors();
        set(SystemRegister.PMEVTYPER0_EL0, Pmu.INST_RETIRED);
        set(SystemRegister.PMEVTYPER1_EL0, Pmu.INST_RETIRED);
        set(SystemRegister.PMCNTENSET_EL0, 0b01); // counter 1 stays disabled
        A64Assembler a = Rig.code().movz(1, (int) PMCR_E, 0).msr(SystemRegister.PMCR_EL0, 1);
        for (int i = 0; i < 10; i++) {
            a.nop();
        }
        a.mrs(2, SystemRegister.PMEVCNTR0_EL0).msr(SystemRegister.PMCR_EL0, 31).nop().nop()
                .mrs(3, SystemRegister.PMEVCNTR0_EL0).mrs(4, SystemRegister.PMEVCNTR1_EL0).brk(0);
        rig.load(a);
        esrAt(CURRENT_SPX);
        assertEquals(11, rig.cpu().reg(2), "the enabling MSR and ten NOPs");
        assertEquals(11 + 1, rig.cpu().reg(3), "the MRS counted; the disabling MSR and what follows not");
        assertEquals(0, rig.cpu().reg(4), "a disabled counter counts nothing");
    }

    @Test
    void theCycleCounterAndCpuCyclesCountTheCycleModelsCycles() {
        rig.installVectors();
        set(SystemRegister.PMEVTYPER2_EL0, Pmu.CPU_CYCLES);
        set(SystemRegister.PMCNTENSET_EL0, CYCLE | 0b100);
        set(SystemRegister.PMCR_EL0, PMCR_E | PMCR_C | PMCR_P);
        A64Assembler a = Rig.code().movz(2, 50, 0);
        A64Assembler.Label loop = a.label();
        a.bind(loop).madd(3, 2, 2, 3).subsImm(2, 2, 1).bCond(A64Assembler.Cond.NE, loop);
        long readAt = CODE + 4L * a.assemble().length;
        a.mrs(0, SystemRegister.PMCCNTR_EL0).mrs(1, SystemRegister.PMEVCNTR2_EL0).brk(0);
        rig.load(a);
        long start = rig.cpu().cycles();
        rig.cpu().addBreakpoint(readAt);
        assertEquals(StopKind.DEBUG_BREAK, rig.machine().run(10_000));
        assertEquals(readAt, rig.cpu().pc());
        long cyclesAtRead = rig.cpu().cycles() - start;
        rig.cpu().removeBreakpoint(readAt);
        esrAt(CURRENT_SPX);
        assertEquals(cyclesAtRead, rig.cpu().reg(0), "PMCCNTR: the cycles until the MRS");
        assertTrue(rig.cpu().reg(1) > rig.cpu().reg(0) && rig.cpu().reg(1) - rig.cpu().reg(0) < 20, "CPU_CYCLES: one MRS later");
        assertTrue(cyclesAtRead >= 150, "the loop took cycles: " + cyclesAtRead);
    }

    @Test
    void pmcrCAndPResetTheCounters() {
        rig.installVectors();
        set(SystemRegister.PMEVTYPER0_EL0, Pmu.INST_RETIRED);
        set(SystemRegister.PMCNTENSET_EL0, CYCLE | 1);
        set(SystemRegister.PMCR_EL0, PMCR_E);
        rig.load(Rig.code().nop().nop().nop().movz(1, (int) (PMCR_E | PMCR_P), 0).msr(SystemRegister.PMCR_EL0, 1)
                .mrs(2, SystemRegister.PMEVCNTR0_EL0).mrs(3, SystemRegister.PMCCNTR_EL0)
                .movz(1, (int) (PMCR_E | PMCR_C), 0).msr(SystemRegister.PMCR_EL0, 1).mrs(4, SystemRegister.PMCCNTR_EL0).brk(0));
        esrAt(CURRENT_SPX);
        assertEquals(1, rig.cpu().reg(2), "P: the event counter restarted at the MSR (which then retired)");
        assertTrue(rig.cpu().reg(3) > 5, "P left the cycle counter");
        assertTrue(rig.cpu().reg(4) < rig.cpu().reg(3), "C reset it");
    }

    @Test
    void anEventCounterWrapsAt32BitsAndSetsItsOverflowFlag() {
        rig.installVectors();
        set(SystemRegister.PMEVTYPER3_EL0, Pmu.INST_RETIRED);
        set(SystemRegister.PMEVCNTR3_EL0, 0xFFFF_FFFCL);
        set(SystemRegister.PMCNTENSET_EL0, 1L << 3);
        set(SystemRegister.PMCR_EL0, PMCR_E);
        A64Assembler a = Rig.code();
        for (int i = 0; i < 10; i++) {
            a.nop();
        }
        rig.load(a.mrs(0, SystemRegister.PMEVCNTR3_EL0).mrs(1, SystemRegister.PMOVSSET_EL0)
                .movz(2, 8, 0).msr(SystemRegister.PMOVSCLR_EL0, 2).mrs(3, SystemRegister.PMOVSCLR_EL0).brk(0));
        esrAt(CURRENT_SPX);
        assertEquals(6, rig.cpu().reg(0), "0xFFFFFFFC + 10");
        assertHex(1L << 3, rig.cpu().reg(1), "overflow flag 3");
        assertEquals(0, rig.cpu().reg(3), "cleared by PMOVSCLR");
    }

    @Test
    void pmselrSelectsTheCounterPmxevtyperAndPmxevcntrReach() {
        rig.installVectors();
        rig.load(Rig.code().movz(0, 4, 0).msr(SystemRegister.PMSELR_EL0, 0).movz(1, Pmu.CPU_CYCLES, 0)
                .msr(SystemRegister.PMXEVTYPER_EL0, 1).movz(2, 99, 0).msr(SystemRegister.PMXEVCNTR_EL0, 2)
                .mrs(3, SystemRegister.PMXEVCNTR_EL0).movz(0, 31, 0).msr(SystemRegister.PMSELR_EL0, 0)
                .mov64(1, 1L << 31).msr(SystemRegister.PMXEVTYPER_EL0, 1).brk(0));
        esrAt(CURRENT_SPX);
        assertEquals(Pmu.CPU_CYCLES, sys(SystemRegister.PMEVTYPER4_EL0));
        assertEquals(99, sys(SystemRegister.PMEVCNTR4_EL0));
        assertEquals(99, rig.cpu().reg(3));
        assertHex(1L << 31, sys(SystemRegister.PMCCFILTR_EL0), "SEL = 31 reaches PMCCFILTR_EL0");
    }

    @Test
    void pmswincIncrementsTheSwIncrCountersThatAreEnabled() {
        rig.installVectors();
        set(SystemRegister.PMEVTYPER0_EL0, Pmu.SW_INCR);
        set(SystemRegister.PMEVTYPER1_EL0, Pmu.SW_INCR);
        set(SystemRegister.PMEVTYPER2_EL0, Pmu.INST_RETIRED);
        set(SystemRegister.PMCNTENSET_EL0, 0b111);
        set(SystemRegister.PMCR_EL0, PMCR_E);
        rig.load(Rig.code().movz(0, 0b101, 0).msr(SystemRegister.PMSWINC_EL0, 0).msr(SystemRegister.PMSWINC_EL0, 0)
                .mrs(5, SystemRegister.PMEVCNTR2_EL0).brk(0));
        esrAt(CURRENT_SPX);
        assertEquals(2, sys(SystemRegister.PMEVCNTR0_EL0));
        assertEquals(0, sys(SystemRegister.PMEVCNTR1_EL0), "not written to");
        assertEquals(3, rig.cpu().reg(5), "an INST_RETIRED counter ignores PMSWINC: the three instructions before the MRS");
    }

    @Test
    void theUFilterStopsCountingAtEl0() {
        long[] counts = new long[2];
        for (int filtered = 0; filtered < 2; filtered++) {
            Rig r = new Rig();
            r.installVectors();
            r.cpu().setSystemRegister(SystemRegister.PMEVTYPER0_EL0, Pmu.INST_RETIRED | (filtered == 1 ? 1L << 30 : 0));
            r.cpu().setSystemRegister(SystemRegister.PMCNTENSET_EL0, 1);
            r.cpu().setSystemRegister(SystemRegister.PMCR_EL0, PMCR_E);
            r.cpu().setSystemRegister(SystemRegister.SPSR_EL1, 0);
            r.cpu().setSystemRegister(SystemRegister.ELR_EL1, CODE + 4);
            r.load(Rig.code().word(ERET).nop().nop().nop().nop().nop().svc(0));
            assertEquals(LOWER_A64, r.runToHandler(1000));
            counts[filtered] = r.sys(SystemRegister.PMEVCNTR0_EL0);
        }
        assertEquals(5, counts[0] - counts[1], "the five EL0 NOPs are what the U filter leaves out (the ERET retires at EL1)");
    }

    // PMUSERENR_EL0 bits
    static final long EN = 1, SW = 2, CR = 4, ER = 8;

    long el0Access(long pmuserenr, SystemRegister r, boolean write) {
        set(SystemRegister.PMUSERENR_EL0, pmuserenr);
        A64Assembler a = el0();
        if (write) {
            a.movz(0, 0, 0).msr(r, 0);
        } else {
            a.mrs(0, r);
        }
        rig.load(a.svc(0));
        return esrAt(LOWER_A64);
    }

    @Test
    void pmuserenrDecidesWhatEl0Reaches() {
        long svc = 0x15L << 26 | IL;
        Object[][] cases = {
            {0L, SystemRegister.PMCCNTR_EL0, false, false},
            {CR, SystemRegister.PMCCNTR_EL0, false, true},
            {CR, SystemRegister.PMCCNTR_EL0, true, false},
            {EN, SystemRegister.PMCCNTR_EL0, true, true},
            {ER, SystemRegister.PMEVCNTR0_EL0, false, true},
            {ER, SystemRegister.PMEVCNTR0_EL0, true, false},
            {ER, SystemRegister.PMXEVCNTR_EL0, false, true},
            {ER, SystemRegister.PMSELR_EL0, true, true},
            {ER, SystemRegister.PMCR_EL0, false, false},
            {SW, SystemRegister.PMSWINC_EL0, true, true},
            {SW, SystemRegister.PMCNTENSET_EL0, false, false},
            {EN, SystemRegister.PMCR_EL0, true, true},
            {EN, SystemRegister.PMEVTYPER5_EL0, true, true},
            {CR | ER | SW, SystemRegister.PMEVTYPER5_EL0, false, false},
            {0L, SystemRegister.PMUSERENR_EL0, false, true},
        };
        for (Object[] c : cases) {
            long userenr = (Long) c[0];
            SystemRegister r = (SystemRegister) c[1];
            boolean write = (Boolean) c[2];
            boolean ok = (Boolean) c[3];
            rig = new Rig();
            long esr = el0Access(userenr, r, write);
            assertHex(ok ? svc : trapped(r.key(), 0, !write), esr,
                    (write ? "MSR " : "MRS ") + r + " at EL0 with PMUSERENR_EL0 = " + userenr);
        }
    }

    @Test
    void el0NeverWritesPmuserenrNorReachesTheInterruptEnables() {
        assertHex(UNDEFINED, el0Access(EN, SystemRegister.PMUSERENR_EL0, true), "MSR PMUSERENR_EL0");
        rig = new Rig();
        assertHex(UNDEFINED, el0Access(EN, SystemRegister.PMINTENSET_EL1, false), "MRS PMINTENSET_EL1");
        rig = new Rig();
        assertHex(UNDEFINED, el0Access(EN, SystemRegister.PMSWINC_EL0, false), "MRS PMSWINC_EL0");
    }
}
