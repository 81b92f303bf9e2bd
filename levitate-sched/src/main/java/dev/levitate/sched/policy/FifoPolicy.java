package dev.levitate.sched.policy;

import dev.levitate.sched.RoundRobinPolicy;
import dev.levitate.sched.SchedulingPolicy;
import dev.levitate.sched.Task;
import java.util.Objects;

/**
 * First in, first out, with no time slicing: a task runs until it blocks, yields or exits (the
 * batch schedulers of the 1960s, and Linux's {@code SCHED_FIFO} within one priority). The
 * quantum is {@link #QUANTUM_FOREVER} ticks, about 248 days at 100 Hz, which the kernel's timer
 * never reaches in practice. Every operation is O(1): the queue is the same intrusive list as
 * {@link RoundRobinPolicy}'s.
 *
 * <p>Not thread-safe.
 */
public final class FifoPolicy implements SchedulingPolicy {
    /** The quantum of every task: {@link Integer#MAX_VALUE} ticks, in effect no time slice. */
    public static final int QUANTUM_FOREVER = Integer.MAX_VALUE;

    private final RoundRobinPolicy queue = new RoundRobinPolicy(QUANTUM_FOREVER);

    /** Creates the policy. */
    public FifoPolicy() {
    }

    @Override
    public String name() {
        return "fifo (run to completion)";
    }

    /**
     * Adds a READY task at the tail of the queue.
     *
     * @param task the task
     * @throws NullPointerException if the task is null
     * @throws IllegalArgumentException if the task is already queued
     */
    @Override
    public void enqueue(Task task) {
        queue.enqueue(task);
    }

    @Override
    public Task pickNext() {
        return queue.pickNext();
    }

    /**
     * Takes a queued task out.
     *
     * @param task the task
     * @return true if it was queued
     * @throws NullPointerException if the task is null
     */
    @Override
    public boolean remove(Task task) {
        return queue.remove(task);
    }

    /**
     * Returns {@link #QUANTUM_FOREVER}.
     *
     * @param task the task about to run
     * @return {@link #QUANTUM_FOREVER}
     * @throws NullPointerException if the task is null
     */
    @Override
    public int quantum(Task task) {
        Objects.requireNonNull(task, "task");
        return QUANTUM_FOREVER;
    }

    @Override
    public int size() {
        return queue.size();
    }
}
