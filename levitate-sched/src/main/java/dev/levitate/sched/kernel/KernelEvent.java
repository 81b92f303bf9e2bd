package dev.levitate.sched.kernel;

import dev.levitate.core.tlb.TlbiOp;

/**
 * Something the kernel did, for listeners, timelines and trace exporters.
 *
 * <p>Every event carries its {@link #kind()}, when it happened ({@link #tick()}, {@link #cycles()})
 * and the task concerned, both as an id ({@link #task()}) and by name ({@link #taskName()}). The
 * typed fields that follow are filled where the kind has them; a consumer reads them rather than
 * parsing {@link #detail()}, which is a note for display only and whose wording may change:
 * <pre>
 *   kind          taskName   tlbi        va                    asid               count
 *   SPAWN..REAP   the task   null        0                     -1                 0
 *   MAP, UNMAP    the task   null        first page (0 when    the space's ASID   pages
 *                                        a space is destroyed)
 *   TABLE_FREED   the task   null        0                     the space's ASID   tables freed
 *   TLBI          current    the op      the op's VA if        the op's ASID if   0
 *                 task or "" (TlbiOp)    byVa(), else 0        byAsid(), else -1
 *   TICK, WRITE   the task   null        0                     -1                 0
 * </pre>
 * The conventions for "none" (VA 0, ASID -1) are those of {@link dev.levitate.core.tlb.TlbiRecord}.
 *
 * @param kind what happened
 * @param tick the timer tick it happened in
 * @param cycles the CPU's cycle count when it happened
 * @param task the task concerned (its id), or -1
 * @param detail a short human-readable note, for display (what a WRITE wrote, why a task exited)
 * @param taskName the name of the task concerned, or "" when {@link #task()} is -1
 * @param tlbi the TLB maintenance operation of a {@link Kind#TLBI} event (every such event the
 *             {@link Kernel} emits has one), or null for every other kind
 * @param va the virtual address the event names (a TLBI's operand, the first page of a MAP or
 *           UNMAP), or 0 when it names none
 * @param asid the address-space identifier the event names, or -1 when it names none
 * @param count how many pages a MAP or UNMAP covered, or how many tables a TABLE_FREED freed; 0 otherwise
 */
public record KernelEvent(Kind kind, long tick, long cycles, int task, String detail,
                          String taskName, TlbiOp tlbi, long va, int asid, long count) {

    /**
     * Checks the typed fields.
     *
     * @param kind what happened
     * @param tick the timer tick it happened in
     * @param cycles the CPU's cycle count when it happened
     * @param task the task concerned (its id), or -1
     * @param detail a short human-readable note, for display
     * @param taskName the name of the task concerned, or ""
     * @param tlbi the TLB maintenance operation of a TLBI event, or null
     * @param va the virtual address the event names, or 0
     * @param asid the ASID the event names, or -1
     * @param count the pages or tables the event covers, or 0
     * @throws NullPointerException if kind, detail or taskName is null
     * @throws IllegalArgumentException if an event other than a TLBI carries an operation, or the
     *         operation is {@link TlbiOp#DSB} (a barrier, not an invalidation)
     */
    public KernelEvent {
        java.util.Objects.requireNonNull(kind, "kind");
        java.util.Objects.requireNonNull(detail, "detail");
        java.util.Objects.requireNonNull(taskName, "taskName");
        if (tlbi != null && kind != Kind.TLBI) {
            throw new IllegalArgumentException("a " + kind + " event with TLBI operation " + tlbi
                    + ": only TLBI events carry one");
        }
        if (tlbi == TlbiOp.DSB) {
            throw new IllegalArgumentException("DSB is a barrier, not a TLBI event");
        }
    }

    /**
     * An event with no typed fields: no task name, no TLBI operation, VA 0, ASID -1, count 0.
     * Kept for code written before the typed fields (a test building events by hand).
     *
     * @param kind what happened
     * @param tick the timer tick it happened in
     * @param cycles the CPU's cycle count when it happened
     * @param task the task concerned (its id), or -1
     * @param detail a short human-readable note
     * @throws NullPointerException if kind or detail is null
     */
    public KernelEvent(Kind kind, long tick, long cycles, int task, String detail) {
        this(kind, tick, cycles, task, detail, "", null, 0, -1, 0);
    }

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
