package dev.levitate.sched;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * Round-robin: a FIFO of READY tasks, each running for the same quantum (default 1 tick = 10 ms
 * at the original kernel's 100 Hz; it later used 10 ticks). enqueue and pickNext are O(1);
 * remove is O(n), used only when a READY task is killed.
 *
 * <p>Not thread-safe.
 */
public final class RoundRobinPolicy implements SchedulingPolicy {
    private final ArrayDeque<Task> queue = new ArrayDeque<>();
    private final Set<Integer> queued = new HashSet<>();
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
        return "round-robin (quantum " + quantumTicks + " ticks)";
    }

    @Override
    public void enqueue(Task task) {
        if (!queued.add(task.id())) {
            throw new IllegalArgumentException("task " + task + " is already queued");
        }
        queue.addLast(task);
    }

    @Override
    public Task pickNext() {
        Task t = queue.pollFirst();
        if (t != null) {
            queued.remove(t.id());
        }
        return t;
    }

    @Override
    public boolean remove(Task task) {
        if (!queued.remove(task.id())) {
            return false;
        }
        return queue.remove(task);
    }

    @Override
    public int quantum(Task task) {
        return quantumTicks;
    }

    @Override
    public int size() {
        return queue.size();
    }
}
