package dev.levitate.sim.cpu;

/** Why the simulated CPU stopped running. */
public enum StopKind {
    /** Still running (no stop yet). */
    NONE,
    /** The image called semihosting SYS_EXIT / SYS_EXIT_EXTENDED; the value is its exit code. */
    EXIT,
    /** PSCI SYSTEM_OFF through HVC or SMC. */
    POWER_OFF,
    /** An encoding the simulator does not implement (UNDEFINED until exceptions exist). */
    UNDEFINED,
    /** BRK #imm: a software breakpoint. */
    BREAKPOINT,
    /** SVC, HVC or SMC that no one serves yet (exceptions come in part 2). */
    EXCEPTION_CALL,
    /** A load, store or fetch outside RAM and devices (a data or instruction abort). */
    ABORT,
    /** The PC or SP was misaligned for the access. */
    ALIGNMENT,
    /** The instruction budget ran out. */
    BUDGET,
    /** A debugger breakpoint address was reached. */
    DEBUG_BREAK,
    /** WFI/WFE with nothing to wake it (no interrupts yet). */
    WAIT
}
