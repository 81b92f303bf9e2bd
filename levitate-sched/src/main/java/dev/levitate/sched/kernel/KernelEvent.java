package dev.levitate.sched.kernel;

/**
 * Something the kernel did, for listeners, timelines and trace exporters.
 *
 * @param kind what happened
 * @param tick the timer tick it happened in
 * @param cycles the CPU's cycle count when it happened
 * @param task the task concerned (its id), or -1
 * @param detail a short human-readable note
 */
public record KernelEvent(Kind kind, long tick, long cycles, int task, String detail) {
    /** The kinds of events. */
    public enum Kind {
        /** A task was created. */
        SPAWN,
        /** A task got the CPU. */
        SWITCH,
        /** The timer took the CPU from a task whose quantum expired. */
        PREEMPT,
        /** A task gave up the CPU (yield). */
        YIELD,
        /** A task blocked (join, semaphore, mutex). */
        BLOCK,
        /** A task went to sleep. */
        SLEEP,
        /** A blocked or sleeping task became ready. */
        WAKE,
        /** A task exited (or was killed: the detail says why). */
        EXIT,
        /** A task's resources went back. */
        REAP,
        /** Pages were mapped in a task's address space. */
        MAP,
        /** Pages were unmapped. */
        UNMAP,
        /** A page-table page was freed. */
        TABLE_FREED,
        /** A TLB invalidation was issued. */
        TLBI,
        /** A timer tick. */
        TICK,
        /** A task wrote to the console. */
        WRITE,
        /**
         * A system call was refused because the caller may not act on the task it named (the task is
         * the caller; the detail names the call and the target). The call returned -EPERM.
         */
        DENIED,
        /**
         * The machine stopped for good while a kernel task ran (a semihosting exit or PSCI
         * SYSTEM_OFF at EL1, a WFI nothing can wake): the kernel runs no more (see
         * {@link MachineHaltedException}). A user task cannot cause this: a stop it causes kills it
         * (an {@link #EXIT} whose detail starts with "killed").
         */
        HALT
    }
}
