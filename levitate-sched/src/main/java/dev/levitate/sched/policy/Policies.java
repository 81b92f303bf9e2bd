package dev.levitate.sched.policy;

import dev.levitate.sched.Task;
import dev.levitate.sched.TaskState;
import java.util.Objects;

/** Checks shared by the policies. */
final class Policies {
    private Policies() {
    }

    static Task requireTask(Task task) {
        return Objects.requireNonNull(task, "task");
    }

    static IllegalArgumentException alreadyQueued(Task task) {
        return new IllegalArgumentException("task " + task + " is already queued");
    }

    /** True once a task can never be READY again: its per-task state can be dropped. */
    static boolean gone(Task task) {
        TaskState s = task.state();
        return s == TaskState.EXITED || s == TaskState.REAPED;
    }

    static int requireQuantum(int ticks, String what) {
        if (ticks < 1) {
            throw new IllegalArgumentException(what + " must be at least 1 tick, got " + ticks);
        }
        return ticks;
    }
}
