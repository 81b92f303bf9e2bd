package dev.levitate.sched;

import java.util.Objects;

/**
 * The public handle of a task: its id, name, state, weight and statistics.
 *
 * <h2>Ids</h2>
 * The boot context is id 0 and the idle task id 1 (the original kernel gave the first spawned task
 * id 0, the boot task's); spawned tasks get ids from 2 up, never reused by one {@link TaskIds}.
 *
 * <h2>State</h2>
 * Changes only through {@link #moveTo(TaskState)}, which enforces the {@link TaskState} table.
 * Statistics are counted by whoever schedules the task.
 *
 * <p>Not thread-safe: tasks belong to the kernel's thread.
 */
public final class Task {
    private final int id;
    private final String name;
    private TaskState state = TaskState.NEW;
    private int priority;
    private int nice;
    private long exitCode;
    private long cyclesRun;
    private long timesScheduled;
    private long preemptions;
    private long voluntarySwitches;
    private long waitCycles;

    /**
     * Creates a task in state NEW.
     *
     * @param id its id, from {@link TaskIds}
     * @param name a name for traces
     * @param priority its priority (higher runs first under priority policies) or nice-like weight
     */
    public Task(int id, String name, int priority) {
        this.id = id;
        this.name = Objects.requireNonNull(name, "name");
        this.priority = priority;
    }

    /**
     * Moves the task to another state.
     *
     * @param target the state
     * @throws IllegalTaskStateException if the table does not allow it (nothing changes)
     */
    public void moveTo(TaskState target) {
        if (!state.canMoveTo(target)) {
            throw new IllegalTaskStateException(toString(), state, target);
        }
        state = target;
    }

    /**
     * Records one run on the CPU.
     *
     * @param cycles how long it ran
     * @param preempted whether the timer took the CPU away (else it gave it up)
     */
    public void accountRun(long cycles, boolean preempted) {
        cyclesRun += cycles;
        timesScheduled++;
        if (preempted) {
            preemptions++;
        } else {
            voluntarySwitches++;
        }
    }

    /**
     * Adds cycles run (the kernel calls it after every trip to the CPU).
     *
     * @param cycles the cycles
     */
    public void accountCycles(long cycles) {
        cyclesRun += cycles;
    }

    /**
     * Adds cycles spent READY, waiting for the CPU.
     *
     * @param cycles the cycles
     */
    public void accountWait(long cycles) {
        waitCycles += cycles;
    }

    /**
     * Returns the cycles spent READY, waiting for the CPU (wait time).
     *
     * @return cycles
     */
    public long waitCycles() {
        return waitCycles;
    }

    /** Counts one more time the task got the CPU. */
    public void scheduled() {
        timesScheduled++;
    }

    /**
     * Counts how the task left the CPU.
     *
     * @param preempted true if the timer took it, false if it yielded, blocked or exited
     */
    public void accountSwitch(boolean preempted) {
        if (preempted) {
            preemptions++;
        } else {
            voluntarySwitches++;
        }
    }

    /**
     * Records the exit code (with the move to EXITED done by the caller).
     *
     * @param code the code
     */
    public void setExitCode(long code) {
        this.exitCode = code;
    }

    /** @return the id */
    public int id() {
        return id;
    }

    /** @return the name */
    public String name() {
        return name;
    }

    /** @return the state */
    public TaskState state() {
        return state;
    }

    /** @return the priority */
    public int priority() {
        return priority;
    }

    /**
     * Changes the priority.
     *
     * @param p the new priority
     */
    public void setPriority(int p) {
        this.priority = p;
    }

    /**
     * Returns the nice value (-20 most favoured .. 19 least), used by weighted policies (stride,
     * fair); 0 by default.
     *
     * @return the nice value
     */
    public int nice() {
        return nice;
    }

    /**
     * Sets the nice value.
     *
     * @param value -20..19
     * @throws IllegalArgumentException if out of range
     */
    public void setNice(int value) {
        if (value < -20 || value > 19) {
            throw new IllegalArgumentException("nice " + value + " of " + this + " is outside -20..19");
        }
        this.nice = value;
    }

    /** @return the exit code (meaningful once EXITED) */
    public long exitCode() {
        return exitCode;
    }

    /** @return cycles run in all */
    public long cyclesRun() {
        return cyclesRun;
    }

    /** @return how many times it was put on the CPU */
    public long timesScheduled() {
        return timesScheduled;
    }

    /** @return how many times the timer preempted it */
    public long preemptions() {
        return preemptions;
    }

    /** @return how many times it gave up the CPU itself */
    public long voluntarySwitches() {
        return voluntarySwitches;
    }

    @Override
    public String toString() {
        return "#" + id + " '" + name + "' (" + state + ")";
    }
}
