package dev.levitate.sched.policy;

import static dev.levitate.sched.policy.Policies.alreadyQueued;
import static dev.levitate.sched.policy.Policies.requireTask;

import dev.levitate.sched.SchedulingPolicy;
import dev.levitate.sched.Task;
import dev.levitate.sched.internal.SlotHeap;
import dev.levitate.sched.internal.SlotTable;

/**
 * Strict priority with preemption (Pintos' first project): the queued task with the highest
 * {@link Task#priority()} runs first; among equal priorities, the one queued first (FIFO, stable:
 * round-robin among equals once each is re-queued after its quantum). A task that wakes up with a
 * higher priority than the running one takes the CPU at once ({@link #preempts(Task, Task)}).
 * Low-priority tasks can starve; that is the rule, not a bug (MLFQ's boost is one cure).
 *
 * <h2>Layout and steps</h2>
 * A {@link SlotHeap} of queued tasks keyed by ({@code -priority}, arrival number): the arrival
 * number is a counter bumped at every enqueue, so the order is total and FIFO among equals.
 * <ol>
 *   <li>enqueue: snapshot the priority, take the next arrival number, add to the heap, O(log n);</li>
 *   <li>pickNext: poll the heap's minimum, O(log n);</li>
 *   <li>remove: find the task's slot by id, remove it from the heap, O(log n).</li>
 * </ol>
 *
 * <h2>Changing the priority of a queued task</h2>
 * The priority is read once, at {@link #enqueue(Task)}. Use {@link #setPriority(Task, int)}: it
 * removes the task if it is queued, sets the priority and queues it again, at the back of its new
 * priority (as Pintos' {@code thread_set_priority} does). Calling {@link Task#setPriority(int)}
 * directly on a queued task changes nothing here until the task is queued again.
 *
 * <p>Not thread-safe.
 */
public final class PriorityPolicy implements SchedulingPolicy {
    /** The default quantum among equal priorities: 4 ticks, Pintos' {@code TIME_SLICE}. */
    public static final int DEFAULT_QUANTUM = 4;

    private final SlotTable<Task> slots = new SlotTable<>(16);
    private final SlotHeap heap = new SlotHeap(16);
    private final int quantumTicks;
    private long arrivals;

    /** Creates the policy with the {@link #DEFAULT_QUANTUM}. */
    public PriorityPolicy() {
        this(DEFAULT_QUANTUM);
    }

    /**
     * Creates the policy.
     *
     * @param quantumTicks the quantum of every task, at least 1
     * @throws IllegalArgumentException if below 1
     */
    public PriorityPolicy(int quantumTicks) {
        this.quantumTicks = Policies.requireQuantum(quantumTicks, "quantum");
    }

    @Override
    public String name() {
        return "strict priority (quantum " + quantumTicks + (quantumTicks == 1 ? " tick)" : " ticks)");
    }

    /**
     * Queues a READY task behind every queued task of the same or a higher priority.
     *
     * @param task the task
     * @throws NullPointerException if the task is null
     * @throws IllegalArgumentException if the task is already queued
     */
    @Override
    public void enqueue(Task task) {
        requireTask(task);
        if (slots.slotOf(task.id()) >= 0) {
            throw alreadyQueued(task);
        }
        int slot = slots.add(task.id(), task);
        heap.add(slot, -(long) task.priority(), arrivals++);
    }

    @Override
    public Task pickNext() {
        int slot = heap.poll();
        if (slot < 0) {
            return null;
        }
        Task t = slots.item(slot);
        slots.release(t.id());
        return t;
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
        requireTask(task);
        int slot = slots.slotOf(task.id());
        if (slot < 0) {
            return false;
        }
        heap.remove(slot);
        slots.release(task.id());
        return true;
    }

    /**
     * Changes a task's priority; a queued task moves to the back of its new priority.
     *
     * @param task the task, queued or not
     * @param priority the new priority
     * @return true if the task was queued (and so was moved)
     * @throws NullPointerException if the task is null
     */
    public boolean setPriority(Task task, int priority) {
        boolean queued = remove(task);
        task.setPriority(priority);
        if (queued) {
            enqueue(task);
        }
        return queued;
    }

    /**
     * Returns the fixed quantum.
     *
     * @param task the task about to run
     * @return the quantum given to the constructor
     * @throws NullPointerException if the task is null
     */
    @Override
    public int quantum(Task task) {
        requireTask(task);
        return quantumTicks;
    }

    @Override
    public int size() {
        return heap.size();
    }

    /**
     * Tells whether the woken task has a strictly higher priority than the running one.
     *
     * @param woken the task that became READY
     * @param running the running task
     * @return true if {@code woken.priority() > running.priority()}
     * @throws NullPointerException if either is null
     */
    @Override
    public boolean preempts(Task woken, Task running) {
        requireTask(woken);
        requireTask(running);
        return woken.priority() > running.priority();
    }
}
