package dev.levitate.sched;

import dev.levitate.sched.internal.SlotLists;
import dev.levitate.sched.internal.SlotTable;
import java.util.Objects;

/**
 * Round-robin: a FIFO of READY tasks, each running for the same quantum (default 1 tick = 10 ms
 * at the original kernel's 100 Hz; it later used 10 ticks). Every operation is O(1) and allocates
 * nothing once the arrays have grown to the largest number of tasks queued at once.
 *
 * <h2>Layout</h2>
 * A {@link SlotTable} maps a queued task's id to a slot (hash map of primitives, lookups only), and
 * one intrusive doubly linked list threads the slots in arrival order ({@link SlotLists}):
 * <ol>
 *   <li>enqueue: give the id a slot, link the slot at the tail;</li>
 *   <li>pickNext: unlink the head slot, release it, return its task;</li>
 *   <li>remove: look the id up, unlink its slot wherever it is, release it.</li>
 * </ol>
 *
 * <p>Not thread-safe.
 */
public final class RoundRobinPolicy implements SchedulingPolicy {
    private static final int QUEUE = 0;

    private final SlotTable<Task> slots = new SlotTable<>(16);
    private final SlotLists queue = new SlotLists(1, 16);
    private final int quantumTicks;

    /**
     * Creates the policy.
     *
     * @param quantumTicks the quantum, at least 1
     * @throws IllegalArgumentException if below 1
     */
    public RoundRobinPolicy(int quantumTicks) {
        if (quantumTicks < 1) {
            throw new IllegalArgumentException("quantum must be at least 1 tick, got " + quantumTicks);
        }
        this.quantumTicks = quantumTicks;
    }

    @Override
    public String name() {
        return "round-robin (quantum " + quantumTicks + (quantumTicks == 1 ? " tick)" : " ticks)");
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
        Objects.requireNonNull(task, "task");
        if (slots.slotOf(task.id()) >= 0) {
            throw new IllegalArgumentException("task " + task + " is already queued");
        }
        queue.addLast(QUEUE, slots.add(task.id(), task));
    }

    @Override
    public Task pickNext() {
        int slot = queue.pollFirst(QUEUE);
        if (slot < 0) {
            return null;
        }
        Task t = slots.item(slot);
        slots.release(t.id());
        return t;
    }

    /**
     * Takes a queued task out, wherever it is in the queue.
     *
     * @param task the task
     * @return true if it was queued
     * @throws NullPointerException if the task is null
     */
    @Override
    public boolean remove(Task task) {
        Objects.requireNonNull(task, "task");
        int slot = slots.slotOf(task.id());
        if (slot < 0) {
            return false;
        }
        queue.unlink(slot);
        slots.release(task.id());
        return true;
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
        Objects.requireNonNull(task, "task");
        return quantumTicks;
    }

    @Override
    public int size() {
        return queue.size();
    }
}
