package dev.levitate.sim.cpu;

/**
 * Why the simulated CPU stopped running. Exceptions normally go to the guest's vectors; the
 * exception kinds below are stops only when the vector entry cannot be fetched (see
 * {@link Cpu#stopSyndrome()} for the syndrome).
 */
public enum StopKind {
    /** Still running (no stop yet). */
    NONE,
    /** The image called semihosting SYS_EXIT / SYS_EXIT_EXTENDED; the value is its exit code. */
    EXIT,
    /** PSCI SYSTEM_OFF through HVC or SMC. */
    POWER_OFF,
    /** An UNDEFINED instruction (or trapped access) with no vector table to take it to. */
    UNDEFINED,
    /** BRK #imm with no vector table to take it to. */
    BREAKPOINT,
    /** SVC with no vector table to take it to. */
    EXCEPTION_CALL,
    /** A data or instruction abort with no vector table to take it to; the value is the fault address. */
    ABORT,
    /** A PC, SP or data alignment fault with no vector table to take it to. */
    ALIGNMENT,
    /** An IRQ was taken with no vector table to take it to. */
    UNHANDLED_IRQ,
    /**
     * A data abort on a stack access (within 4 KiB of SP) or an SP alignment fault, by an
     * instruction of the vector table itself at EL1 — the frame push of a vector on an overflowed
     * kernel stack. Hardware would fault forever; the value
     * is the fault address, {@link Cpu#stopSyndrome()} the syndrome.
     */
    RECURSIVE_FAULT,
    /** The instruction budget ran out. */
    BUDGET,
    /** A debugger breakpoint address was reached. */
    DEBUG_BREAK,
    /** A load or store touched a watched range (the value is the address it accessed). */
    WATCHPOINT,
    /** WFI with no interrupt pending and no timer armed: nothing can ever wake the core (a WFE then completes as a hint). */
    WAIT
}
