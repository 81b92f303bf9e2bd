package dev.levitate.a64;

import java.util.HashMap;
import java.util.Map;

/**
 * The AArch64 system registers the simulator models, by their encoding (op0, op1, CRn, CRm, op2)
 * as MRS and MSR carry it in bits [20:5] (ARM ARM C5.3, "A64 system register descriptions").
 *
 * <p>{@link #key()} is that 16-bit field: {@code op0 << 14 | op1 << 11 | CRn << 7 | CRm << 3 | op2}.
 * The CPU switches over keys; the assembler and disassembler use the names.
 */
public enum SystemRegister {
    /** Main ID register: a Cortex-A53 r0p4. */
    MIDR_EL1(3, 0, 0, 0, 0),
    /** Multiprocessor affinity: core 0 of a uniprocessor system. */
    MPIDR_EL1(3, 0, 0, 0, 5),
    /** Revision ID. */
    REVIDR_EL1(3, 0, 0, 0, 6),
    /** Processor feature register 0: EL0 and EL1 AArch64 only (no FP/SIMD in this model). */
    ID_AA64PFR0_EL1(3, 0, 0, 4, 0),
    /** Processor feature register 1. */
    ID_AA64PFR1_EL1(3, 0, 0, 4, 1),
    /** Debug feature register 0. */
    ID_AA64DFR0_EL1(3, 0, 0, 5, 0),
    /** Instruction set attribute register 0. */
    ID_AA64ISAR0_EL1(3, 0, 0, 6, 0),
    /** Instruction set attribute register 1. */
    ID_AA64ISAR1_EL1(3, 0, 0, 6, 1),
    /** Memory model feature register 0: 40-bit PA, 16-bit ASID, 4 KiB granule. */
    ID_AA64MMFR0_EL1(3, 0, 0, 7, 0),
    /** Memory model feature register 1. */
    ID_AA64MMFR1_EL1(3, 0, 0, 7, 1),
    /** Memory model feature register 2. */
    ID_AA64MMFR2_EL1(3, 0, 0, 7, 2),
    /** System control register: MMU enable (M), alignment (A), caches (C, I), SA, SA0, WXN, UMA, nTWI, nTWE. */
    SCTLR_EL1(3, 0, 1, 0, 0),
    /** Auxiliary control (RAZ/WI here). */
    ACTLR_EL1(3, 0, 1, 0, 1),
    /** Architectural feature access control (FPEN). */
    CPACR_EL1(3, 0, 1, 0, 2),
    /** Translation table base 0 (lower VA range), with its ASID in bits [63:48]. */
    TTBR0_EL1(3, 0, 2, 0, 0),
    /** Translation table base 1 (upper VA range), with its ASID in bits [63:48]. */
    TTBR1_EL1(3, 0, 2, 0, 1),
    /** Translation control: T0SZ, T1SZ, TG0, TG1, EPD0, EPD1, A1, AS, IPS. */
    TCR_EL1(3, 0, 2, 0, 2),
    /** Saved program status on exception entry to EL1. */
    SPSR_EL1(3, 0, 4, 0, 0),
    /** Exception link register (the return address). */
    ELR_EL1(3, 0, 4, 0, 1),
    /** The EL0 stack pointer (accessible at EL1 when SPSel = 1). */
    SP_EL0(3, 0, 4, 1, 0),
    /** Stack pointer select: 0 = SP_EL0, 1 = SP_ELx. */
    SPSEL(3, 0, 4, 2, 0),
    /** Current exception level in bits [3:2]. */
    CURRENTEL(3, 0, 4, 2, 2),
    /** The interrupt masks D, A, I, F in bits [9:6]. */
    DAIF(3, 3, 4, 2, 1),
    /** The condition flags in bits [31:28]. */
    NZCV(3, 3, 4, 2, 0),
    /** Floating-point control (stored, no FP unit). */
    FPCR(3, 3, 4, 4, 0),
    /** Floating-point status (stored, no FP unit). */
    FPSR(3, 3, 4, 4, 1),
    /** Auxiliary fault status 0 (RAZ/WI). */
    AFSR0_EL1(3, 0, 5, 1, 0),
    /** Auxiliary fault status 1 (RAZ/WI). */
    AFSR1_EL1(3, 0, 5, 1, 1),
    /** Exception syndrome. */
    ESR_EL1(3, 0, 5, 2, 0),
    /** Fault address. */
    FAR_EL1(3, 0, 6, 0, 0),
    /** Physical address register (AT results). */
    PAR_EL1(3, 0, 7, 4, 0),
    /** PMU control: E (enable), C (cycle counter reset), N. */
    PMCR_EL0(3, 3, 9, 12, 0),
    /** PMU counter enable set: bit 31 = cycle counter. */
    PMCNTENSET_EL0(3, 3, 9, 12, 1),
    /** PMU counter enable clear. */
    PMCNTENCLR_EL0(3, 3, 9, 12, 2),
    /** PMU cycle counter. */
    PMCCNTR_EL0(3, 3, 9, 13, 0),
    /** PMU user enable: EN lets EL0 read the counters. */
    PMUSERENR_EL0(3, 3, 9, 14, 0),
    /** PMU cycle counter filter. */
    PMCCFILTR_EL0(3, 3, 14, 15, 7),
    /** Memory attribute indirection: eight attribute bytes. */
    MAIR_EL1(3, 0, 10, 2, 0),
    /** Auxiliary memory attribute indirection (RAZ/WI). */
    AMAIR_EL1(3, 0, 10, 3, 0),
    /** Vector base address (2 KiB aligned). */
    VBAR_EL1(3, 0, 12, 0, 0),
    /** Interrupt status: A, I, F pending. */
    ISR_EL1(3, 0, 12, 1, 0),
    /** Context ID (the OS's process identifier for debug and trace). */
    CONTEXTIDR_EL1(3, 0, 13, 0, 1),
    /** EL1 software thread ID. */
    TPIDR_EL1(3, 0, 13, 0, 4),
    /** EL0 read/write software thread ID. */
    TPIDR_EL0(3, 3, 13, 0, 2),
    /** EL0 read-only software thread ID (written at EL1). */
    TPIDRRO_EL0(3, 3, 13, 0, 3),
    /** Timer control at EL1: EL0PCTEN, EL0VCTEN, EL0PTEN, EL0VTEN. */
    CNTKCTL_EL1(3, 0, 14, 1, 0),
    /** Counter frequency in Hz. */
    CNTFRQ_EL0(3, 3, 14, 0, 0),
    /** Physical count. */
    CNTPCT_EL0(3, 3, 14, 0, 1),
    /** Virtual count (no offset: equal to the physical count). */
    CNTVCT_EL0(3, 3, 14, 0, 2),
    /** Physical timer value (signed 32-bit down-counter view of CVAL). */
    CNTP_TVAL_EL0(3, 3, 14, 2, 0),
    /** Physical timer control: ENABLE, IMASK, ISTATUS. */
    CNTP_CTL_EL0(3, 3, 14, 2, 1),
    /** Physical timer compare value. */
    CNTP_CVAL_EL0(3, 3, 14, 2, 2),
    /** Virtual timer value. */
    CNTV_TVAL_EL0(3, 3, 14, 3, 0),
    /** Virtual timer control. */
    CNTV_CTL_EL0(3, 3, 14, 3, 1),
    /** Virtual timer compare value. */
    CNTV_CVAL_EL0(3, 3, 14, 3, 2),
    /** Cache type: 64-byte lines. */
    CTR_EL0(3, 3, 0, 0, 1),
    /** DC ZVA block size: 64 bytes. */
    DCZID_EL0(3, 3, 0, 0, 7),
    /** Cache size ID (for the level CSSELR selects). */
    CCSIDR_EL1(3, 1, 0, 0, 0),
    /** Cache level ID. */
    CLIDR_EL1(3, 1, 0, 0, 1),
    /** Cache size selection. */
    CSSELR_EL1(3, 2, 0, 0, 0),
    /** Debug system control (RAZ/WI here). */
    MDSCR_EL1(2, 0, 0, 2, 2),
    /** OS lock access (WI). */
    OSLAR_EL1(2, 0, 1, 0, 4),
    /** OS double lock (RAZ/WI). */
    OSDLR_EL1(2, 0, 1, 3, 4),
    /** Debug feature register 1 (reserved in ARMv8.0: zero). */
    ID_AA64DFR1_EL1(3, 0, 0, 5, 1),
    /** Auxiliary feature register 0 (zero on a Cortex-A53). */
    ID_AA64AFR0_EL1(3, 0, 0, 5, 4),
    /** Auxiliary feature register 1 (zero). */
    ID_AA64AFR1_EL1(3, 0, 0, 5, 5),
    /** Auxiliary ID register (zero on a Cortex-A53). */
    AIDR_EL1(3, 1, 0, 0, 7),
    /** PMU overflow flag status clear. */
    PMOVSCLR_EL0(3, 3, 9, 12, 3),
    /** PMU software increment (write-only). */
    PMSWINC_EL0(3, 3, 9, 12, 4),
    /** PMU event counter selection for PMXEVTYPER/PMXEVCNTR. */
    PMSELR_EL0(3, 3, 9, 12, 5),
    /** PMU common event identification 0: the events counted here. */
    PMCEID0_EL0(3, 3, 9, 12, 6),
    /** PMU common event identification 1. */
    PMCEID1_EL0(3, 3, 9, 12, 7),
    /** PMU selected event type (PMSELR.SEL; 31 = PMCCFILTR). */
    PMXEVTYPER_EL0(3, 3, 9, 13, 1),
    /** PMU selected event count (PMSELR.SEL). */
    PMXEVCNTR_EL0(3, 3, 9, 13, 2),
    /** PMU overflow interrupt enable set (stored; no interrupt is raised). */
    PMINTENSET_EL1(3, 0, 9, 14, 1),
    /** PMU overflow interrupt enable clear. */
    PMINTENCLR_EL1(3, 0, 9, 14, 2),
    /** PMU overflow flag status set. */
    PMOVSSET_EL0(3, 3, 9, 14, 3),
    /** PMU event counter 0. */
    PMEVCNTR0_EL0(3, 3, 14, 8, 0),
    /** PMU event counter 1. */
    PMEVCNTR1_EL0(3, 3, 14, 8, 1),
    /** PMU event counter 2. */
    PMEVCNTR2_EL0(3, 3, 14, 8, 2),
    /** PMU event counter 3. */
    PMEVCNTR3_EL0(3, 3, 14, 8, 3),
    /** PMU event counter 4. */
    PMEVCNTR4_EL0(3, 3, 14, 8, 4),
    /** PMU event counter 5. */
    PMEVCNTR5_EL0(3, 3, 14, 8, 5),
    /** PMU event type 0: the event number and the EL filter. */
    PMEVTYPER0_EL0(3, 3, 14, 12, 0),
    /** PMU event type 1: the event number and the EL filter. */
    PMEVTYPER1_EL0(3, 3, 14, 12, 1),
    /** PMU event type 2: the event number and the EL filter. */
    PMEVTYPER2_EL0(3, 3, 14, 12, 2),
    /** PMU event type 3: the event number and the EL filter. */
    PMEVTYPER3_EL0(3, 3, 14, 12, 3),
    /** PMU event type 4: the event number and the EL filter. */
    PMEVTYPER4_EL0(3, 3, 14, 12, 4),
    /** PMU event type 5: the event number and the EL filter. */
    PMEVTYPER5_EL0(3, 3, 14, 12, 5),
    /** OS lock status: OSLM = 0b10 (implemented) and OSLK, the lock OSLAR_EL1 sets. */
    OSLSR_EL1(2, 0, 1, 1, 4),
    /** Debug comms channel interrupt enable (stored). */
    MDCCINT_EL1(2, 0, 0, 2, 0),
    /** Debug power/reset control (stored). */
    DBGPRCR_EL1(2, 0, 1, 4, 4),
    /** Debug claim tag set (stored with DBGCLAIMCLR). */
    DBGCLAIMSET_EL1(2, 0, 7, 8, 6),
    /** Debug claim tag clear. */
    DBGCLAIMCLR_EL1(2, 0, 7, 9, 6),
    /** Debug authentication status (zero: no debug enabled). */
    DBGAUTHSTATUS_EL1(2, 0, 7, 14, 6),
    /** Breakpoint value 0 (stored; hardware breakpoints are not armed by it). */
    DBGBVR0_EL1(2, 0, 0, 0, 4),
    /** Breakpoint control 0 (stored). */
    DBGBCR0_EL1(2, 0, 0, 0, 5),
    /** Breakpoint value 1 (stored; hardware breakpoints are not armed by it). */
    DBGBVR1_EL1(2, 0, 0, 1, 4),
    /** Breakpoint control 1 (stored). */
    DBGBCR1_EL1(2, 0, 0, 1, 5),
    /** Breakpoint value 2 (stored; hardware breakpoints are not armed by it). */
    DBGBVR2_EL1(2, 0, 0, 2, 4),
    /** Breakpoint control 2 (stored). */
    DBGBCR2_EL1(2, 0, 0, 2, 5),
    /** Breakpoint value 3 (stored; hardware breakpoints are not armed by it). */
    DBGBVR3_EL1(2, 0, 0, 3, 4),
    /** Breakpoint control 3 (stored). */
    DBGBCR3_EL1(2, 0, 0, 3, 5),
    /** Breakpoint value 4 (stored; hardware breakpoints are not armed by it). */
    DBGBVR4_EL1(2, 0, 0, 4, 4),
    /** Breakpoint control 4 (stored). */
    DBGBCR4_EL1(2, 0, 0, 4, 5),
    /** Breakpoint value 5 (stored; hardware breakpoints are not armed by it). */
    DBGBVR5_EL1(2, 0, 0, 5, 4),
    /** Breakpoint control 5 (stored). */
    DBGBCR5_EL1(2, 0, 0, 5, 5),
    /** Watchpoint value 0 (stored; watchpoints are not armed by it). */
    DBGWVR0_EL1(2, 0, 0, 0, 6),
    /** Watchpoint control 0 (stored). */
    DBGWCR0_EL1(2, 0, 0, 0, 7),
    /** Watchpoint value 1 (stored; watchpoints are not armed by it). */
    DBGWVR1_EL1(2, 0, 0, 1, 6),
    /** Watchpoint control 1 (stored). */
    DBGWCR1_EL1(2, 0, 0, 1, 7),
    /** Watchpoint value 2 (stored; watchpoints are not armed by it). */
    DBGWVR2_EL1(2, 0, 0, 2, 6),
    /** Watchpoint control 2 (stored). */
    DBGWCR2_EL1(2, 0, 0, 2, 7),
    /** Watchpoint value 3 (stored; watchpoints are not armed by it). */
    DBGWVR3_EL1(2, 0, 0, 3, 6),
    /** Watchpoint control 3 (stored). */
    DBGWCR3_EL1(2, 0, 0, 3, 7),
    /** Cortex-A53 L2 control (IMPLEMENTATION DEFINED): number of cores - 1 in [25:24], here 0; writes ignored. */
    L2CTLR_EL1(3, 1, 11, 0, 2),
    /** Cortex-A53 L2 extended control (IMPLEMENTATION DEFINED): RAZ/WI. */
    L2ECTLR_EL1(3, 1, 11, 0, 3),
    /** Cortex-A53 L2 auxiliary control (IMPLEMENTATION DEFINED): RAZ/WI. */
    L2ACTLR_EL1(3, 1, 15, 0, 0),
    /** Cortex-A53 CPU auxiliary control (IMPLEMENTATION DEFINED): RAZ/WI. */
    CPUACTLR_EL1(3, 1, 15, 2, 0),
    /** Cortex-A53 CPU extended control (IMPLEMENTATION DEFINED, SMPEN among its bits): RAZ/WI. */
    CPUECTLR_EL1(3, 1, 15, 2, 1),
    /** Cortex-A53 CPU memory error syndrome (IMPLEMENTATION DEFINED): RAZ/WI, no errors. */
    CPUMERRSR_EL1(3, 1, 15, 2, 2),
    /** Cortex-A53 L2 memory error syndrome (IMPLEMENTATION DEFINED): RAZ/WI, no errors. */
    L2MERRSR_EL1(3, 1, 15, 2, 3);

    private final int key;

    SystemRegister(int op0, int op1, int crn, int crm, int op2) {
        this.key = key(op0, op1, crn, crm, op2);
    }

    /**
     * Returns the 16-bit encoding key.
     *
     * @return {@code op0 << 14 | op1 << 11 | CRn << 7 | CRm << 3 | op2}
     */
    public int key() {
        return key;
    }

    /**
     * Builds a key from the encoding fields.
     *
     * @param op0 2 or 3 for registers (1 for SYS instructions)
     * @param op1 0..7
     * @param crn 0..15
     * @param crm 0..15
     * @param op2 0..7
     * @return the key
     */
    public static int key(int op0, int op1, int crn, int crm, int op2) {
        return op0 << 14 | op1 << 11 | crn << 7 | crm << 3 | op2;
    }

    private static final Map<Integer, SystemRegister> BY_KEY = new HashMap<>();

    static {
        for (SystemRegister r : values()) {
            BY_KEY.put(r.key, r);
        }
    }

    /**
     * Finds a register by key.
     *
     * @param key the 16-bit key
     * @return the register, or null if the simulator does not model it
     */
    public static SystemRegister ofKey(int key) {
        return BY_KEY.get(key);
    }

    /**
     * Returns the name GNU as and objdump use ({@code sctlr_el1}, or {@code s3_0_c1_c0_0} form for
     * an unknown key).
     *
     * @param key the 16-bit key
     * @return the name
     */
    public static String nameOf(int key) {
        SystemRegister r = BY_KEY.get(key);
        if (r != null) {
            return r.name().toLowerCase(java.util.Locale.ROOT);
        }
        return String.format("s%d_%d_c%d_c%d_%d", key >>> 14, (key >>> 11) & 7, (key >>> 7) & 15, (key >>> 3) & 15, key & 7);
    }
}
