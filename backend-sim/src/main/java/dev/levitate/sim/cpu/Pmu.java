package dev.levitate.sim.cpu;

import dev.levitate.a64.SystemRegister;

/**
 * The Performance Monitors Unit of the simulated Cortex-A53 (ARM ARM D7, "The Performance
 * Monitors Extension", PMUv3 of ARMv8.0): the cycle counter and {@link #COUNTERS} event counters,
 * with their enables, overflow flags, EL filters and EL0 access controls.
 *
 * <h2>Counting</h2>
 * Nothing is done per instruction. Each counter keeps a value and the reading of its source (the
 * CPU's cycle count or retired-instruction count) when it was last brought up to date; a read,
 * a write to any PMU register and a change of exception level bring every counter up to date
 * first ({@link #settle}). So the step loop pays nothing, and a counter reads exactly what it
 * would have counted instruction by instruction.
 * <pre>
 *   PMCCNTR_EL0        the cycle model's cycles (every 64th with PMCR.D)
 *   event 0x11         CPU_CYCLES: the cycle model's cycles
 *   event 0x08         INST_RETIRED: instructions retired (an instruction that takes an exception
 *                      does not retire)
 *   event 0x00         SW_INCR: PMSWINC_EL0 writes
 *   any other event    counts nothing (PMCEID0/1 say which are implemented)
 * </pre>
 * A counter counts when PMCR.E and its PMCNTENSET bit are set and its filter (P: not at EL1, U:
 * not at EL0) allows the current EL. Event counters are 32 bits; the cycle counter is 64 bits
 * and sets its overflow flag when bit 31 (PMCR.LC = 0) or bit 63 (LC = 1) carries out. The
 * overflow flags are kept (PMOVSSET/CLR) but no overflow interrupt is raised: PMINTENSET is
 * stored only.
 *
 * <h2>EL0 access (PMUSERENR_EL0: EN bit 0, SW bit 1, CR bit 2, ER bit 3)</h2>
 * <pre>
 *   PMUSERENR_EL0                         read always; write UNDEFINED
 *   PMINTENSET/CLR_EL1                    UNDEFINED
 *   PMCCNTR_EL0                           read: EN or CR; write: EN
 *   PMEVCNTRn_EL0, PMXEVCNTR_EL0          read: EN or ER; write: EN
 *   PMSELR_EL0                            EN or ER
 *   PMSWINC_EL0                           EN or SW (write-only: a read is UNDEFINED at any EL)
 *   everything else                       EN
 * </pre>
 * A refused EL0 access is trapped to EL1 (EC 0x18).
 */
final class Pmu {
    /** The number of event counters (PMCR_EL0.N): six, as on the Cortex-A53. */
    static final int COUNTERS = 6;
    /** The cycle counter's bit in PMCNTENSET, PMOVSSET and friends. */
    static final long CYCLE_BIT = 1L << 31;
    /** The counter bits that exist. */
    static final long IMPLEMENTED = CYCLE_BIT | (1L << COUNTERS) - 1;
    /** Event SW_INCR. */
    static final int SW_INCR = 0x00;
    /** Event INST_RETIRED. */
    static final int INST_RETIRED = 0x08;
    /** Event CPU_CYCLES. */
    static final int CPU_CYCLES = 0x11;
    /** PMCEID0_EL0: SW_INCR, INST_RETIRED and CPU_CYCLES are the events implemented. */
    static final long PMCEID0 = 1L << SW_INCR | 1L << INST_RETIRED | 1L << CPU_CYCLES;
    /** PMCR_EL0's read-only part: IMP = 0x41 (Arm), IDCODE = 0x03 (A53), N = 6. */
    private static final long PMCR_ID = 0x41L << 24 | 0x03L << 16 | (long) COUNTERS << 11;
    /** PMCR_EL0 bits that are kept: E, D, X, DP, LC. */
    private static final long PMCR_KEPT = 0x79;
    private static final long FILTER_P = 1L << 31;
    private static final long FILTER_U = 1L << 30;
    private static final long EVTYPER_MASK = 0xF800_03FFL;
    private static final long CCFILTR_MASK = 0xF800_0000L;

    private final Cpu cpu;

    private long pmcr;
    private long cnten;
    private long inten;
    private long ovs;
    private long selr;
    private long userenr;
    private long ccfiltr;
    private long cycleCounter;
    private long cycleSince;
    private final long[] evtyper = new long[COUNTERS];
    private final long[] eventCounter = new long[COUNTERS];
    private final long[] eventSince = new long[COUNTERS];
    /** The EL the counts since the last {@link #settle} were made at. */
    private int countedEl;
    /** Whether any counter has a P or U filter bit set. */
    private boolean filtering;

    /** The outcome of the last access: {@link SystemRegisters#OK}, UNDEFINED or TRAPPED. */
    int status;

    Pmu(Cpu cpu) {
        this.cpu = cpu;
        this.countedEl = cpu.el;
    }

    /**
     * Tells whether a register is one of the PMU's.
     *
     * @param r a register
     * @return true if {@link #read} and {@link #write} handle it
     */
    static boolean owns(SystemRegister r) {
        switch (r) {
            case PMCR_EL0:
            case PMCNTENSET_EL0:
            case PMCNTENCLR_EL0:
            case PMCCNTR_EL0:
            case PMUSERENR_EL0:
            case PMCCFILTR_EL0:
            case PMOVSCLR_EL0:
            case PMOVSSET_EL0:
            case PMSWINC_EL0:
            case PMSELR_EL0:
            case PMCEID0_EL0:
            case PMCEID1_EL0:
            case PMXEVTYPER_EL0:
            case PMXEVCNTR_EL0:
            case PMINTENSET_EL1:
            case PMINTENCLR_EL1:
                return true;
            default:
                return eventIndex(r) >= 0 || typeIndex(r) >= 0;
        }
    }

    private static int eventIndex(SystemRegister r) {
        int i = r.ordinal() - SystemRegister.PMEVCNTR0_EL0.ordinal();
        return i >= 0 && i < COUNTERS ? i : -1;
    }

    private static int typeIndex(SystemRegister r) {
        int i = r.ordinal() - SystemRegister.PMEVTYPER0_EL0.ordinal();
        return i >= 0 && i < COUNTERS ? i : -1;
    }

    /** Checks an access at the current EL; sets {@link #status}. */
    private boolean allowed(SystemRegister r, boolean write) {
        status = SystemRegisters.OK;
        if (r == SystemRegister.PMSWINC_EL0 && !write) {
            status = SystemRegisters.UNDEFINED; // write-only
            return false;
        }
        if (cpu.el != 0) {
            return true;
        }
        boolean en = (userenr & 1) != 0;
        boolean ok;
        switch (r) {
            case PMUSERENR_EL0:
                if (write) {
                    status = SystemRegisters.UNDEFINED;
                    return false;
                }
                return true;
            case PMINTENSET_EL1:
            case PMINTENCLR_EL1:
                status = SystemRegisters.UNDEFINED;
                return false;
            case PMCCNTR_EL0:
                ok = en || !write && (userenr & 4) != 0;
                break;
            case PMXEVCNTR_EL0:
                ok = en || !write && (userenr & 8) != 0;
                break;
            case PMSELR_EL0:
                ok = en || (userenr & 8) != 0;
                break;
            case PMSWINC_EL0:
                ok = en || (userenr & 2) != 0;
                break;
            default:
                ok = en || eventIndex(r) >= 0 && !write && (userenr & 8) != 0;
                break;
        }
        if (!ok) {
            status = SystemRegisters.TRAPPED;
        }
        return ok;
    }

    private boolean counts(long filter, int el) {
        return (filter & (el == 0 ? FILTER_U : FILTER_P)) == 0;
    }

    private long source(int event, long cycles, long instructions) {
        switch (event) {
            case CPU_CYCLES: return cycles;
            case INST_RETIRED: return instructions;
            default: return 0; // SW_INCR counts through PMSWINC; unimplemented events count nothing
        }
    }

    /**
     * Brings every counter up to date with the CPU's cycle and instruction counts, with the
     * enables and filters that held since the last call; then counting goes on from now.
     * Called before any PMU register access and when the exception level changes.
     */
    void settle() {
        settle(0);
    }

    private void settle(int retiring) {
        final long cycles = cpu.cycles;
        final long instructions = cpu.instructions() + retiring;
        final boolean on = (pmcr & 1) != 0;
        if (on && (cnten & CYCLE_BIT) != 0 && counts(ccfiltr, countedEl)) {
            long delta = (pmcr & 8) != 0 ? (cycles >>> 6) - (cycleSince >>> 6) : cycles - cycleSince;
            long old = cycleCounter;
            long now = old + delta;
            boolean overflow = (pmcr & 0x40) != 0 ? Long.compareUnsigned(now, old) < 0 : (old >>> 32) != (now >>> 32);
            if (overflow) {
                ovs |= CYCLE_BIT;
            }
            cycleCounter = now;
        }
        cycleSince = cycles;
        for (int i = 0; i < COUNTERS; i++) {
            int event = (int) evtyper[i] & 0x3FF;
            long src = source(event, cycles, instructions);
            if (on && (cnten & (1L << i)) != 0 && counts(evtyper[i], countedEl)) {
                add(i, src - eventSince[i]);
            }
            eventSince[i] = src;
        }
        countedEl = cpu.el;
    }

    private void add(int i, long delta) {
        long now = eventCounter[i] + delta;
        if ((now >>> 32) != 0) {
            ovs |= 1L << i;
        }
        eventCounter[i] = now & 0xFFFF_FFFFL;
    }

    /**
     * Told by the CPU after each change of exception level: with an EL filter in use, what was
     * counted so far is settled at the old EL. Without one, nothing to do but note the EL.
     *
     * @param retiring 1 if the instruction that changed the EL retires at the old EL (ERET: it
     *     is counted there), 0 if it does not retire (an exception entry) or there is none
     */
    void levelChanged(int retiring) {
        if (filtering && (pmcr & 1) != 0) {
            settle(retiring);
        } else {
            countedEl = cpu.el;
        }
    }

    private void updateFiltering() {
        long any = ccfiltr;
        for (long t : evtyper) {
            any |= t;
        }
        filtering = (any & (FILTER_P | FILTER_U)) != 0;
    }

    /** The event type register, the counter or -1 that PMSELR_EL0.SEL selects for PMXEV*. */
    private int selected() {
        int sel = (int) selr & 31;
        return sel < COUNTERS ? sel : -1;
    }

    /**
     * MRS of a PMU register.
     *
     * @param r a register {@link #owns} accepts
     * @return its value (0 when {@link #status} is not OK)
     */
    long read(SystemRegister r) {
        if (!allowed(r, false)) {
            return 0;
        }
        settle();
        int e = eventIndex(r);
        if (e >= 0) {
            return eventCounter[e];
        }
        int t = typeIndex(r);
        if (t >= 0) {
            return evtyper[t];
        }
        switch (r) {
            case PMCR_EL0: return PMCR_ID | pmcr;
            case PMCNTENSET_EL0:
            case PMCNTENCLR_EL0:
                return cnten;
            case PMINTENSET_EL1:
            case PMINTENCLR_EL1:
                return inten;
            case PMOVSSET_EL0:
            case PMOVSCLR_EL0:
                return ovs;
            case PMCCNTR_EL0: return cycleCounter;
            case PMUSERENR_EL0: return userenr;
            case PMCCFILTR_EL0: return ccfiltr;
            case PMSELR_EL0: return selr;
            case PMCEID0_EL0: return PMCEID0;
            case PMCEID1_EL0: return 0;
            case PMXEVTYPER_EL0: {
                int s = selected();
                return (selr & 31) == 31 ? ccfiltr : s >= 0 ? evtyper[s] : 0;
            }
            case PMXEVCNTR_EL0: {
                int s = selected();
                return s >= 0 ? eventCounter[s] : 0; // SEL out of range: RAZ/WI (CONSTRAINED UNPREDICTABLE)
            }
            default:
                status = SystemRegisters.UNDEFINED;
                return 0;
        }
    }

    /**
     * MSR of a PMU register.
     *
     * @param r a register {@link #owns} accepts
     * @param v the value
     */
    void write(SystemRegister r, long v) {
        if (!allowed(r, true)) {
            return;
        }
        settle();
        int e = eventIndex(r);
        if (e >= 0) {
            eventCounter[e] = v & 0xFFFF_FFFFL;
            return;
        }
        int t = typeIndex(r);
        if (t >= 0) {
            setType(t, v);
            return;
        }
        switch (r) {
            case PMCR_EL0:
                if ((v & 2) != 0) { // P: event counters to zero
                    java.util.Arrays.fill(eventCounter, 0);
                }
                if ((v & 4) != 0) { // C: cycle counter to zero
                    cycleCounter = 0;
                }
                pmcr = v & PMCR_KEPT;
                break;
            case PMCNTENSET_EL0: cnten |= v & IMPLEMENTED; break;
            case PMCNTENCLR_EL0: cnten &= ~(v & IMPLEMENTED); break;
            case PMINTENSET_EL1: inten |= v & IMPLEMENTED; break;
            case PMINTENCLR_EL1: inten &= ~(v & IMPLEMENTED); break;
            case PMOVSSET_EL0: ovs |= v & IMPLEMENTED; break;
            case PMOVSCLR_EL0: ovs &= ~(v & IMPLEMENTED); break;
            case PMCCNTR_EL0: cycleCounter = v; break;
            case PMUSERENR_EL0: userenr = v & 0xF; break;
            case PMCCFILTR_EL0: ccfiltr = v & CCFILTR_MASK; updateFiltering(); break;
            case PMSELR_EL0: selr = v & 31; break;
            case PMSWINC_EL0:
                for (int i = 0; i < COUNTERS; i++) {
                    if ((v & (1L << i)) != 0 && (pmcr & 1) != 0 && (cnten & (1L << i)) != 0 && (evtyper[i] & 0x3FF) == SW_INCR) {
                        add(i, 1);
                    }
                }
                break;
            case PMXEVTYPER_EL0: {
                int s = selected();
                if ((selr & 31) == 31) {
                    ccfiltr = v & CCFILTR_MASK;
                    updateFiltering();
                } else if (s >= 0) {
                    setType(s, v);
                }
                break;
            }
            case PMXEVCNTR_EL0: {
                int s = selected();
                if (s >= 0) {
                    eventCounter[s] = v & 0xFFFF_FFFFL;
                }
                break;
            }
            default:
                status = SystemRegisters.UNDEFINED; // PMCEID0/1: read-only
                break;
        }
    }

    private void setType(int i, long v) {
        evtyper[i] = v & EVTYPER_MASK;
        eventSince[i] = source((int) evtyper[i] & 0x3FF, cpu.cycles, cpu.instructions());
        updateFiltering();
    }
}
