package dev.levitate.sim.cpu;

import dev.levitate.sim.mmu.Tlb;
import java.util.Objects;

/**
 * How a simulated core is built: TLB geometry and replacement, walk-cache size, the core clock and
 * the system counter's frequency, the timing model and tiers, and whether semihosting is on.
 *
 * @param tlbEntries TLB entries (a power of two)
 * @param tlbWays TLB associativity (a power of two dividing the entries)
 * @param replacement how a full TLB set picks its victim
 * @param walkCacheEntries entries of the walk cache
 * @param coreHz the core clock: cycles per simulated second
 * @param counterHz CNTFRQ_EL0, the generic timer's count rate (at most the core clock)
 * @param timing how instructions are charged cycles
 * @param fastTier whether the pre-decoded fast tier runs the common instructions (the results are
 *     identical either way, only the speed differs; see docs/simulator.md)
 * @param compileAfter after how many entries a block of the fast tier is compiled to JVM bytecode
 *     (1..127), or 0 for never: the compiled tier; again only the speed differs
 * @param semihosting whether {@code HLT #0xF000} at EL1 is an Arm semihosting call (QEMU's
 *     {@code -semihosting}; on by default). Semihosting is an EL1 facility: at EL0 the instruction
 *     is UNDEFINED whatever this says, as on QEMU without {@code -semihosting-config userspace=on};
 *     off, it is UNDEFINED at EL1 too (halting debug is not implemented, so the ARM ARM's HLT is UNDEFINED).
 *     PSCI through HVC/SMC is not semihosting and stays either way.
 */
public record CpuConfig(int tlbEntries, int tlbWays, Tlb.Replacement replacement, int walkCacheEntries, long coreHz, long counterHz,
                        Timing timing, boolean fastTier, int compileAfter, boolean semihosting) {
    /** How the core charges cycles for instructions. */
    public enum Timing {
        /**
         * A fixed cost per instruction class (1 for most, 3-5 multiply, 12 divide, 2 pairs and
         * exclusives): cheap, deterministic, the default.
         */
        FIXED,
        /**
         * The in-order dual-issue Cortex-A53-like model (scoreboard, pairing, unit occupancy,
         * branch predictor; see docs/cycle-model.md): closer to hardware, a quarter to a half of
         * the speed.
         */
        A53
    }

    /**
     * Cortex-A53-like: a 512-entry 4-way main TLB, a 64-entry walk cache, 1 GHz, and QEMU virt's
     * 62.5 MHz counter; fixed timing; the fast tier on unless {@code -Dlevitate.sim.fastTier=false};
     * blocks compiled after 16 entries unless {@code -Dlevitate.sim.jitThreshold=N} says otherwise
     * (0: never); semihosting on (at EL1).
     */
    private static final CpuConfig DEFAULTS = new CpuConfig(512, 4, Tlb.Replacement.LRU, 64, 1_000_000_000L, 62_500_000L, Timing.FIXED,
            !"false".equals(System.getProperty("levitate.sim.fastTier")), Integer.getInteger("levitate.sim.jitThreshold", 16), true);

    /**
     * Checks the configuration.
     *
     * @param tlbEntries TLB entries
     * @param tlbWays TLB ways
     * @param replacement the victim policy
     * @param walkCacheEntries walk-cache entries
     * @param coreHz the core clock
     * @param counterHz the counter frequency
     * @param timing the timing model
     * @param fastTier whether the fast tier runs
     * @param compileAfter entries before a block is compiled, 0 for never
     * @param semihosting whether HLT #0xF000 at EL1 is a semihosting call
     * @throws IllegalArgumentException if a size is not positive, the counter is faster than the
     *     core, or {@code compileAfter} is outside 0..127
     */
    public CpuConfig {
        Objects.requireNonNull(replacement, "replacement");
        Objects.requireNonNull(timing, "timing");
        if (tlbEntries <= 0 || tlbWays <= 0 || walkCacheEntries <= 0) {
            throw new IllegalArgumentException("TLB and walk cache sizes must be positive: entries=" + tlbEntries
                    + ", ways=" + tlbWays + ", walk cache=" + walkCacheEntries);
        }
        if (compileAfter < 0 || compileAfter > 127) {
            throw new IllegalArgumentException("compileAfter must be 0 (never) or 1..127 entries, got " + compileAfter);
        }
        if (counterHz <= 0 || coreHz < counterHz) {
            throw new IllegalArgumentException("need 0 < counter frequency <= core clock, got " + counterHz + " Hz and " + coreHz + " Hz");
        }
    }

    /**
     * Returns the defaults (a Cortex-A53-like core on QEMU virt).
     *
     * @return the default configuration
     */
    public static CpuConfig defaults() {
        return DEFAULTS;
    }

    /**
     * Returns this configuration with another TLB.
     *
     * @param entries the entries
     * @param ways the ways
     * @param policy the replacement policy
     * @return the new configuration
     */
    public CpuConfig withTlb(int entries, int ways, Tlb.Replacement policy) {
        return new CpuConfig(entries, ways, policy, walkCacheEntries, coreHz, counterHz, timing, fastTier, compileAfter, semihosting);
    }

    /**
     * Returns this configuration with another core clock.
     *
     * @param hz the core clock
     * @return the new configuration
     */
    public CpuConfig withCoreHz(long hz) {
        return new CpuConfig(tlbEntries, tlbWays, replacement, walkCacheEntries, hz, counterHz, timing, fastTier, compileAfter, semihosting);
    }

    /**
     * Returns this configuration with another timing model.
     *
     * @param model the model
     * @return the new configuration
     */
    public CpuConfig withTiming(Timing model) {
        return new CpuConfig(tlbEntries, tlbWays, replacement, walkCacheEntries, coreHz, counterHz, model, fastTier, compileAfter, semihosting);
    }

    /**
     * Returns this configuration with the fast tier on or off. Off, every instruction goes through
     * the general interpreter, as with a watchpoint set: for comparing the two, or ruling the fast
     * one out.
     *
     * @param on whether the fast tier runs
     * @return the new configuration
     */
    public CpuConfig withFastTier(boolean on) {
        return new CpuConfig(tlbEntries, tlbWays, replacement, walkCacheEntries, coreHz, counterHz, timing, on, compileAfter, semihosting);
    }

    /**
     * Returns this configuration with the compiled tier set: hot blocks of the fast tier turned into
     * JVM bytecode after {@code entries} entries, or never (0). It runs only where the fast tier
     * does, and the results are the same either way (docs/simulator.md, "The compiled tier").
     *
     * @param entries entries before a block is compiled, 1..127, or 0 for never
     * @return the new configuration
     * @throws IllegalArgumentException if {@code entries} is outside 0..127
     */
    public CpuConfig withCompiledTier(int entries) {
        return new CpuConfig(tlbEntries, tlbWays, replacement, walkCacheEntries, coreHz, counterHz, timing, fastTier, entries, semihosting);
    }

    /**
     * Returns this configuration with Arm semihosting on or off, as QEMU's {@code -semihosting}
     * flag. On (the default), {@code HLT #0xF000} at EL1 calls the machine's semihosting handler
     * (SYS_WRITEC, SYS_WRITE0, SYS_WRITE, SYS_EXIT...); off, it is an UNDEFINED instruction (EC
     * 0x00) like every other HLT, since halting debug is not implemented. At EL0 it is UNDEFINED
     * either way: semihosting is never a user-mode facility here (QEMU allows it only with
     * {@code -semihosting-config userspace=on}, which has no counterpart). PSCI calls through
     * HVC/SMC at EL1 are unaffected.
     *
     * @param on whether HLT #0xF000 at EL1 is a semihosting call
     * @return the new configuration
     */
    public CpuConfig withSemihosting(boolean on) {
        return new CpuConfig(tlbEntries, tlbWays, replacement, walkCacheEntries, coreHz, counterHz, timing, fastTier, compileAfter, on);
    }
}
