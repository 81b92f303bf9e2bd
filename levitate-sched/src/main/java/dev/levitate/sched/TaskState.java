package dev.levitate.sched;

import java.util.EnumSet;
import java.util.Set;

/**
 * The life of a task, with the transitions allowed between states (the table is the truth):
 *
 * <pre>
 *   NEW ──► READY ◄──► RUNNING ──► EXITED ──► REAPED
 *             ▲           │
 *             │           ├──► BLOCKED  (wait queue, mutex, semaphore, join)
 *             └───────────┴──► SLEEPING (timer)
 * </pre>
 * An EXITED task is a zombie: its exit code is kept until it is reaped; a REAPED task has given
 * everything back and is gone.
 */
public enum TaskState {
    /** Created, not yet schedulable. */
    NEW,
    /** Waiting for the CPU. */
    READY,
    /** On the CPU. */
    RUNNING,
    /** Waiting for an event (a wait queue). */
    BLOCKED,
    /** Waiting for a time. */
    SLEEPING,
    /** Finished; its exit code waits to be collected. */
    EXITED,
    /** Collected: its stack, tables and id are released. */
    REAPED;

    private Set<TaskState> next;

    static {
        NEW.next = EnumSet.of(READY);
        READY.next = EnumSet.of(RUNNING, EXITED);
        RUNNING.next = EnumSet.of(READY, BLOCKED, SLEEPING, EXITED);
        BLOCKED.next = EnumSet.of(READY, EXITED);
        SLEEPING.next = EnumSet.of(READY, EXITED);
        EXITED.next = EnumSet.of(REAPED);
        REAPED.next = EnumSet.noneOf(TaskState.class);
    }

    /**
     * Tells whether a task in this state may move to {@code target}.
     *
     * @param target the next state
     * @return true if the transition is in the table
     */
    public boolean canMoveTo(TaskState target) {
        return next.contains(target);
    }

    /**
     * Returns the states this one may move to.
     *
     * @return an unmodifiable copy
     */
    public Set<TaskState> successors() {
        return EnumSet.copyOf(next.isEmpty() ? EnumSet.noneOf(TaskState.class) : next);
    }
}
