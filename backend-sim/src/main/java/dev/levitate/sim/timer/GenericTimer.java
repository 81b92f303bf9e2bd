package dev.levitate.sim.timer;

/**
 * The Arm generic timer of one core (ARM ARM D11, "The Generic Timer in AArch64 state"): the
 * system counter derived from the core's cycle count, and the EL1 physical and virtual timers.
 *
 * <pre>
 *   count(cycles) = floor(cycles * CNTFRQ / coreHz)     (CNTPCT_EL0 = CNTVCT_EL0: no virtual offset)
 *   timer condition: CTL.ENABLE and count &gt;= CVAL (unsigned) -&gt; CTL.ISTATUS
 *   interrupt output: ISTATUS and not CTL.IMASK     -&gt; PPI 30 (physical), PPI 27 (virtual), as on QEMU virt
 *   TVAL reads as (int32)(CVAL - count); writing TVAL sets CVAL = count + sext(TVAL)
 * </pre>
 * Time is the cycle count the caller passes in: the same cycles give the same counts and the same
 * interrupts, every run. Not thread-safe.
 */
public final class GenericTimer {
    /** The physical timer's PPI on QEMU virt. */
    public static final int PPI_PHYSICAL = 30;
    /** The virtual timer's PPI on QEMU virt. */
    public static final int PPI_VIRTUAL = 27;

    /** Index of the physical timer in the {@code which} arguments. */
    public static final int PHYSICAL = 0;
    /** Index of the virtual timer. */
    public static final int VIRTUAL = 1;

    private final long frequency;
    private final long coreHz;
    /** Cycles per counter tick when the core clock is a multiple of CNTFRQ (exact integer path), else 0. */
    private final long cyclesPerTick;
    private final long[] ctl = new long[2];
    private final long[] cval = new long[2];
    private long cntkctl;

    /**
     * Creates a timer.
     *
     * @param frequencyHz CNTFRQ_EL0 (QEMU virt with a Cortex-A53: 62.5 MHz)
     * @param coreHz the core clock that turns cycles into time
     * @throws IllegalArgumentException unless {@code 0 < frequencyHz <= coreHz}
     */
    public GenericTimer(long frequencyHz, long coreHz) {
        if (frequencyHz <= 0 || coreHz < frequencyHz) {
            throw new IllegalArgumentException("need 0 < CNTFRQ <= core clock, got CNTFRQ=" + frequencyHz + " Hz, core=" + coreHz + " Hz");
        }
        this.frequency = frequencyHz;
        this.coreHz = coreHz;
        this.cyclesPerTick = coreHz % frequencyHz == 0 ? coreHz / frequencyHz : 0;
    }

    /**
     * Returns CNTFRQ_EL0.
     *
     * @return the counter frequency in Hz
     */
    public long frequency() {
        return frequency;
    }

    /**
     * Returns the core clock.
     *
     * @return Hz
     */
    public long coreHz() {
        return coreHz;
    }

    /**
     * Returns the system count at a cycle.
     *
     * @param cycles the core's cycle count
     * @return floor(cycles * CNTFRQ / coreHz)
     */
    public long count(long cycles) {
        if (cyclesPerTick > 0) {
            return cycles / cyclesPerTick;
        }
        return (long) ((double) cycles * frequency / coreHz);
    }

    /** The first cycle at which the count reaches {@code target}. */
    private long cycleOfCount(long target) {
        if (target <= 0) {
            return 0;
        }
        if (cyclesPerTick > 0) {
            return target > Long.MAX_VALUE / cyclesPerTick ? Long.MAX_VALUE : target * cyclesPerTick;
        }
        double d = Math.ceil((double) target * coreHz / frequency);
        if (d >= Long.MAX_VALUE / 2.0) {
            return Long.MAX_VALUE;
        }
        long c = (long) d;
        while (c > 0 && count(c - 1) >= target) {
            c--;
        }
        while (count(c) < target) {
            c++;
        }
        return c;
    }

    /**
     * Reads CNTx_CTL_EL0 (ISTATUS computed at {@code cycles}).
     *
     * @param which {@link #PHYSICAL} or {@link #VIRTUAL}
     * @param cycles now
     * @return ENABLE (bit 0), IMASK (bit 1), ISTATUS (bit 2)
     */
    public long ctl(int which, long cycles) {
        long c = ctl[which] & 3;
        return c | (condition(which, cycles) ? 4 : 0);
    }

    /**
     * Writes CNTx_CTL_EL0 (ISTATUS is read-only).
     *
     * @param which the timer
     * @param value the new ENABLE and IMASK
     */
    public void setCtl(int which, long value) {
        ctl[which] = value & 3;
    }

    /**
     * Reads CNTx_CVAL_EL0.
     *
     * @param which the timer
     * @return the compare value
     */
    public long cval(int which) {
        return cval[which];
    }

    /**
     * Writes CNTx_CVAL_EL0.
     *
     * @param which the timer
     * @param value the compare value
     */
    public void setCval(int which, long value) {
        cval[which] = value;
    }

    /**
     * Reads CNTx_TVAL_EL0.
     *
     * @param which the timer
     * @param cycles now
     * @return (int32)(CVAL - count), zero-extended to 64 bits as the register reads
     */
    public long tval(int which, long cycles) {
        return (cval[which] - count(cycles)) & 0xFFFF_FFFFL;
    }

    /**
     * Writes CNTx_TVAL_EL0: CVAL = count + sign-extended value.
     *
     * @param which the timer
     * @param value the down-count (low 32 bits, signed)
     * @param cycles now
     */
    public void setTval(int which, long value, long cycles) {
        cval[which] = count(cycles) + (int) value;
    }

    /**
     * Reads CNTKCTL_EL1.
     *
     * @return the EL0 access controls
     */
    public long cntkctl() {
        return cntkctl;
    }

    /**
     * Writes CNTKCTL_EL1 (EL0PCTEN bit 0, EL0VCTEN bit 1, EL0VTEN bit 8, EL0PTEN bit 9 kept).
     *
     * @param value the new value
     */
    public void setCntkctl(long value) {
        cntkctl = value & 0x303;
    }

    private boolean condition(int which, long cycles) {
        return (ctl[which] & 1) != 0 && Long.compareUnsigned(count(cycles), cval[which]) >= 0;
    }

    /**
     * Tells whether a timer's interrupt output is asserted.
     *
     * @param which the timer
     * @param cycles now
     * @return ISTATUS and not IMASK
     */
    public boolean asserted(int which, long cycles) {
        return condition(which, cycles) && (ctl[which] & 2) == 0;
    }

    /**
     * Returns the next cycle at which an output will rise, for the simulator's event loop and for
     * WFI to skip time to.
     *
     * @param cycles now
     * @return the earliest future cycle where an enabled, unmasked timer not yet firing fires, or
     *     {@link Long#MAX_VALUE} if none will
     */
    public long nextEvent(long cycles) {
        long next = Long.MAX_VALUE;
        for (int t = 0; t < 2; t++) {
            if ((ctl[t] & 3) == 1 && !condition(t, cycles)) {
                next = Math.min(next, cval[t] < 0 ? Long.MAX_VALUE : cycleOfCount(cval[t]));
            }
        }
        return next;
    }
}
