package dev.levitate.sched;

/**
 * Decides which READY task runs next and for how long. The kernel calls it with interrupts
 * masked, from one thread; implementations keep their own queues and must be deterministic (the
 * same calls give the same answers).
 *
 * <p>The contract, for a policy holding the set R of ready tasks:
 * <ul>
 *   <li>{@link #enqueue(Task)} adds a task that became READY to R;</li>
 *   <li>{@link #pickNext()} removes and returns the task to run, or null when R is empty;</li>
 *   <li>{@link #remove(Task)} takes a task out of R (it exited or was killed while READY);</li>
 *   <li>{@link #quantum(Task)} is how many ticks the picked task may run before the timer
 *       preempts it;</li>
 *   <li>{@link #size()} is |R|;</li>
 *   <li>{@link #tick(Task)}, {@link #ran(Task, long, boolean)} and {@link #preempts(Task, Task)}
 *       are the feedback that MLFQ, stride and fair policies need (defaults: no feedback).</li>
 * </ul>
 */
public interface SchedulingPolicy {

    /**
     * Returns the policy's name, for traces.
     *
     * @return the name
     */
    String name();

    /**
     * Adds a READY task.
     *
     * @param task the task
     * @throws IllegalArgumentException if the task is already queued
     */
    void enqueue(Task task);

    /**
     * Removes and returns the next task to run.
     *
     * @return the task, or null if none is ready
     */
    Task pickNext();

    /**
     * Removes a queued task.
     *
     * @param task the task
     * @return true if it was queued
     */
    boolean remove(Task task);

    /**
     * Returns the quantum of a task, in timer ticks.
     *
     * @param task the task about to run
     * @return at least 1
     */
    int quantum(Task task);

    /**
     * Returns the number of queued tasks.
     *
     * @return the count
     */
    int size();

    /**
     * Told at every timer tick while {@code running} runs (MLFQ allotments, periodic boosts).
     *
     * @param running the running task, or null when the CPU is idle
     */
    default void tick(Task running) {
    }

    /**
     * Told when a task stops running, before it is enqueued again (if it is).
     *
     * @param task the task that ran
     * @param cycles how many cycles it ran this time
     * @param quantumExpired true if the timer took the CPU away, false if it yielded, blocked or exited
     */
    default void ran(Task task, long cycles, boolean quantumExpired) {
    }

    /**
     * Tells whether a task that just became READY should take the CPU from the running one now
     * (strict priority: a higher priority wakes up).
     *
     * @param woken the task that became READY (already enqueued)
     * @param running the running task
     * @return true to preempt at once
     */
    default boolean preempts(Task woken, Task running) {
        return false;
    }
}
