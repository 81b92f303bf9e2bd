package dev.levitate.sched;

import dev.levitate.core.LevitateException;

/**
 * A transition the {@link TaskState} table does not allow: a bug in the caller (the kernel or a
 * policy), reported with the task and both states. The task is unchanged.
 */
public final class IllegalTaskStateException extends LevitateException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param task the task's description
     * @param from its state
     * @param to the refused state
     */
    public IllegalTaskStateException(String task, TaskState from, TaskState to) {
        super("task " + task + " cannot go from " + from + " to " + to + " (allowed from " + from + ": " + from.successors() + ")");
    }
}
