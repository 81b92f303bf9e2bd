package dev.levitate.sim.cpu;

import dev.levitate.a64.SystemRegister;
import dev.levitate.sim.timer.GenericTimer;

/**
 * The system registers of the simulated Cortex-A53 that MRS and MSR reach, with their reset values
 * and EL0 access rules (ARM ARM D17, "AArch64 System Register Descriptions").
 *
 * <h2>EL0 access</h2>
 * <pre>
 *   always        NZCV, FPCR, FPSR, TPIDR_EL0, DCZID_EL0, TPIDRRO_EL0 (read)
 *   SCTLR.UMA     DAIF                     (else trapped, EC 0x18)
 *   SCTLR.UCT     CTR_EL0                  (else trapped)
 *   CNTKCTL_EL1   CNTFRQ/CNTPCT (EL0PCTEN), CNTVCT (EL0VCTEN), CNTP_* (EL0PTEN), CNTV_* (EL0VTEN)
 *   PMUSERENR     the PMU registers        (EN, SW, CR, ER as {@link Pmu} says; else trapped)
 *   anything else UNDEFINED (EC 0x00), as are unknown encodings and writes to read-only registers
 *                 (CNTFRQ_EL0 is read-only at EL0, CNTPCT/CNTVCT everywhere)
 * </pre>
 * The identification registers are {@link IdRegisters}' (the reserved ID space reads as zero at
 * EL1), the PMU's are {@link Pmu}'s, the self-hosted debug registers {@link DebugRegisters}'.
 * Writes to SCTLR, TCR, TTBR0/1 and MAIR reach the MMU at once (no TLB maintenance implied).
 */
final class SystemRegisters {
    /** The access succeeded. */
    static final int OK = 0;
    /** The access is UNDEFINED (EC 0x00). */
    static final int UNDEFINED = 1;
    /** The access is trapped (EC 0x18). */
    static final int TRAPPED = 2;

    /** Cortex-A53 r0p4. */
    static final long MIDR = IdRegisters.MIDR;
    /** SCTLR_EL1 at reset on QEMU's cortex-a53: SA, SA0, nTWI, nTWE, and RES1 bits. */
    static final long SCTLR_RESET = 0x00C5_0838L;
    private static final long SCTLR_UMA = 1L << 9;
    private static final long SCTLR_UCT = 1L << 15;
    private static final long SCTLR_DZE = 1L << 14;

    private static final SystemRegister[] BY_KEY = new SystemRegister[1 << 16];

    static {
        for (SystemRegister r : SystemRegister.values()) {
            BY_KEY[r.key()] = r;
        }
    }

    private final Cpu cpu;
    private final GenericTimer timer;

    long sctlr = SCTLR_RESET;
    long tcr;
    long ttbr0;
    long ttbr1;
    long mair;
    long amair;
    long vbar;
    long elr;
    long spsr;
    long esr;
    long far;
    long par;
    long contextidr;
    long tpidr0;
    long tpidr1;
    long tpidrro0;
    long cpacr;
    long csselr;
    long fpcr;
    long fpsr;
    long cntfrq;
    /** The Performance Monitors. */
    final Pmu pmu;
    /** The self-hosted debug registers. */
    final DebugRegisters debug = new DebugRegisters();

    /** The outcome of the last {@link #read} or {@link #write}: OK, UNDEFINED or TRAPPED. */
    int status;

    SystemRegisters(Cpu cpu, GenericTimer timer) {
        this.cpu = cpu;
        this.timer = timer;
        this.cntfrq = timer.frequency();
        this.pmu = new Pmu(cpu);
    }

    /** The register with this key, or null. */
    static SystemRegister of(int key) {
        return BY_KEY[key & 0xFFFF];
    }

    private static boolean el0Allowed(SystemRegister r, boolean write) {
        switch (r) {
            case NZCV:
            case FPCR:
            case FPSR:
            case TPIDR_EL0:
                return true;
            case DCZID_EL0:
            case TPIDRRO_EL0:
                return !write;
            default:
                return false;
        }
    }

    /** EL0 accesses that exist but are disabled by a control bit trap (EC 0x18) rather than UNDEFINED. */
    private boolean el0Trapped(SystemRegister r) {
        long k = timer.cntkctl();
        switch (r) {
            case DAIF: return (sctlr & SCTLR_UMA) == 0;
            case CTR_EL0: return (sctlr & SCTLR_UCT) == 0;
            case CNTFRQ_EL0: return (k & 3) == 0;
            case CNTPCT_EL0: return (k & 1) == 0;
            case CNTVCT_EL0: return (k & 2) == 0;
            case CNTP_CTL_EL0:
            case CNTP_CVAL_EL0:
            case CNTP_TVAL_EL0:
                return (k & 0x200) == 0;
            case CNTV_CTL_EL0:
            case CNTV_CVAL_EL0:
            case CNTV_TVAL_EL0:
                return (k & 0x100) == 0;
            default:
                return true;
        }
    }

    private static boolean el0Reachable(SystemRegister r) {
        switch (r) {
            case DAIF:
            case CTR_EL0:
            case CNTFRQ_EL0:
            case CNTPCT_EL0:
            case CNTVCT_EL0:
            case CNTP_CTL_EL0:
            case CNTP_CVAL_EL0:
            case CNTP_TVAL_EL0:
            case CNTV_CTL_EL0:
            case CNTV_CVAL_EL0:
            case CNTV_TVAL_EL0:
                return true;
            default:
                return false;
        }
    }

    /** DCZID_EL0.DZP: DC ZVA is prohibited at EL0 when SCTLR_EL1.DZE is clear. */
    boolean zvaProhibited() {
        return cpu.el == 0 && (sctlr & SCTLR_DZE) == 0;
    }

    /** Checks EL0 access; sets {@link #status} and returns false when refused. */
    private boolean checkAccess(SystemRegister r, boolean write) {
        if (r == null) {
            status = UNDEFINED;
            return false;
        }
        if (cpu.el == 0 && !el0Allowed(r, write)) {
            if (!el0Reachable(r) || write && (r == SystemRegister.CNTFRQ_EL0 || r == SystemRegister.CNTPCT_EL0 || r == SystemRegister.CNTVCT_EL0)) {
                status = UNDEFINED;
                return false;
            }
            if (el0Trapped(r)) {
                status = TRAPPED;
                return false;
            }
        }
        status = OK;
        return true;
    }

    /**
     * MRS: reads a register at the CPU's current EL.
     *
     * @param key the encoding key
     * @return the value (0 when {@link #status} is not OK)
     */
    long read(int key) {
        SystemRegister r = of(key);
        if (r == null && cpu.el == 1 && IdRegisters.reservedIdSpace(key)) {
            status = OK;
            return 0; // the reserved ID space reads as zero
        }
        if (r != null && Pmu.owns(r)) {
            long v = pmu.read(r);
            status = pmu.status;
            return v;
        }
        if (!checkAccess(r, false)) {
            return 0;
        }
        long id = IdRegisters.value(r);
        if (id >= 0) {
            return id;
        }
        if (DebugRegisters.owns(r) && r != SystemRegister.OSLAR_EL1) {
            return debug.read(r);
        }
        long cycles = cpu.cycles;
        switch (r) {
            case SCTLR_EL1: return sctlr;
            case ACTLR_EL1:
            case L2CTLR_EL1: // one core: (cores - 1) << 24 = 0
            case L2ECTLR_EL1:
            case L2ACTLR_EL1:
            case CPUACTLR_EL1:
            case CPUECTLR_EL1:
            case CPUMERRSR_EL1:
            case L2MERRSR_EL1:
                return 0;
            case CPACR_EL1: return cpacr;
            case TTBR0_EL1: return ttbr0;
            case TTBR1_EL1: return ttbr1;
            case TCR_EL1: return tcr;
            case SPSR_EL1: return spsr;
            case ELR_EL1: return elr;
            case SP_EL0: return cpu.spSel == 0 ? cpu.x[31] : cpu.spEl0;
            case SPSEL: return cpu.spSel;
            case CURRENTEL: return (long) cpu.el << 2;
            case DAIF: return cpu.daif;
            case NZCV: return Integer.toUnsignedLong(cpu.nzcv());
            case FPCR: return fpcr;
            case FPSR: return fpsr;
            case AFSR0_EL1:
            case AFSR1_EL1:
                return 0;
            case ESR_EL1: return esr;
            case FAR_EL1: return far;
            case PAR_EL1: return par;
            case MAIR_EL1: return mair;
            case AMAIR_EL1: return amair;
            case VBAR_EL1: return vbar;
            case ISR_EL1: return cpu.irqAsserted() ? 0x80 : 0;
            case CONTEXTIDR_EL1: return contextidr;
            case TPIDR_EL1: return tpidr1;
            case TPIDR_EL0: return tpidr0;
            case TPIDRRO_EL0: return tpidrro0;
            case CNTKCTL_EL1: return timer.cntkctl();
            case CNTFRQ_EL0: return cntfrq;
            case CNTPCT_EL0:
            case CNTVCT_EL0:
                return timer.count(cycles);
            case CNTP_TVAL_EL0: return timer.tval(GenericTimer.PHYSICAL, cycles);
            case CNTP_CTL_EL0: return timer.ctl(GenericTimer.PHYSICAL, cycles);
            case CNTP_CVAL_EL0: return timer.cval(GenericTimer.PHYSICAL);
            case CNTV_TVAL_EL0: return timer.tval(GenericTimer.VIRTUAL, cycles);
            case CNTV_CTL_EL0: return timer.ctl(GenericTimer.VIRTUAL, cycles);
            case CNTV_CVAL_EL0: return timer.cval(GenericTimer.VIRTUAL);
            case CTR_EL0: return IdRegisters.CTR;
            case DCZID_EL0: return IdRegisters.DCZID_BS | (zvaProhibited() ? IdRegisters.DCZID_DZP : 0);
            case CCSIDR_EL1: return IdRegisters.ccsidr(csselr);
            case CSSELR_EL1: return csselr;
            default:
                status = UNDEFINED; // write-only (OSLAR_EL1)
                return 0;
        }
    }

    /**
     * MSR: writes a register at the CPU's current EL.
     *
     * @param key the encoding key
     * @param v the value
     */
    void write(int key, long v) {
        SystemRegister r = of(key);
        if (r != null && Pmu.owns(r)) {
            pmu.write(r, v);
            status = pmu.status;
            return;
        }
        if (!checkAccess(r, true)) {
            return;
        }
        if (DebugRegisters.owns(r)) {
            if (!debug.write(r, v)) {
                status = UNDEFINED; // read-only: OSLSR_EL1, DBGAUTHSTATUS_EL1
            }
            return;
        }
        long cycles = cpu.cycles;
        switch (r) {
            case SCTLR_EL1: sctlr = v; cpu.regimeChanged(); break;
            case TCR_EL1: tcr = v; cpu.regimeChanged(); break;
            case TTBR0_EL1: ttbr0 = v; cpu.regimeChanged(); break;
            case TTBR1_EL1: ttbr1 = v; cpu.regimeChanged(); break;
            case MAIR_EL1: mair = v; cpu.regimeChanged(); break;
            case AMAIR_EL1: amair = v; break;
            case ACTLR_EL1:
            case AFSR0_EL1:
            case AFSR1_EL1:
            case L2CTLR_EL1:
            case L2ECTLR_EL1:
            case L2ACTLR_EL1:
            case CPUACTLR_EL1:
            case CPUECTLR_EL1:
            case CPUMERRSR_EL1:
            case L2MERRSR_EL1:
                break; // RAZ/WI
            case CPACR_EL1: cpacr = v & (3L << 20); break;
            case SPSR_EL1:
                // NZCV, bits 23:20 (IL among them), DAIF and M[4:0]: M[4] (nRW) is kept, so that an
                // ERET to AArch32, which this AArch64-only core lacks, is an illegal return (D1.11)
                spsr = v & 0xF0F0_03FFL;
                break;
            case ELR_EL1: elr = v; break;
            case SP_EL0:
                if (cpu.spSel == 0) {
                    status = UNDEFINED; // MSR SP_EL0 while using SP_EL0 is UNDEFINED
                } else {
                    cpu.spEl0 = v;
                }
                break;
            case SPSEL: cpu.selectSp((int) v & 1); break;
            case DAIF: cpu.daif = (int) v & 0x3C0; cpu.requestEventCheck(); break;
            case NZCV: cpu.setNzcv((int) v); break;
            case FPCR: fpcr = v; break;
            case FPSR: fpsr = v; break;
            case ESR_EL1: esr = v & 0xFFFF_FFFFL; break;
            case FAR_EL1: far = v; break;
            case PAR_EL1: par = v; break;
            case VBAR_EL1: vbar = v & ~0x7FFL; break;
            case CONTEXTIDR_EL1: contextidr = v & 0xFFFF_FFFFL; break;
            case TPIDR_EL1: tpidr1 = v; break;
            case TPIDR_EL0: tpidr0 = v; break;
            case TPIDRRO_EL0: tpidrro0 = v; break;
            case CNTKCTL_EL1: timer.setCntkctl(v); break;
            case CNTFRQ_EL0: cntfrq = v & 0xFFFF_FFFFL; break; // informs software; the counter's rate is the hardware's
            case CNTP_TVAL_EL0: timer.setTval(GenericTimer.PHYSICAL, v, cycles); cpu.requestEventCheck(); break;
            case CNTP_CTL_EL0: timer.setCtl(GenericTimer.PHYSICAL, v); cpu.requestEventCheck(); break;
            case CNTP_CVAL_EL0: timer.setCval(GenericTimer.PHYSICAL, v); cpu.requestEventCheck(); break;
            case CNTV_TVAL_EL0: timer.setTval(GenericTimer.VIRTUAL, v, cycles); cpu.requestEventCheck(); break;
            case CNTV_CTL_EL0: timer.setCtl(GenericTimer.VIRTUAL, v); cpu.requestEventCheck(); break;
            case CNTV_CVAL_EL0: timer.setCval(GenericTimer.VIRTUAL, v); cpu.requestEventCheck(); break;
            case CSSELR_EL1: csselr = v & 0xF; break;
            default:
                status = UNDEFINED; // read-only: ID registers, CurrentEL, ISR, counters, CTR, DCZID, CCSIDR, CLIDR
                break;
        }
    }
}
