package dev.levitate.bench.sched;

import dev.levitate.sched.SchedulingPolicy;
import dev.levitate.sched.Task;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * The peer: round-robin as it was before the intrusive list, an {@link ArrayDeque} plus a set of
 * queued ids; {@code remove} is {@code ArrayDeque.remove(Object)}, a linear scan.
 */
final class DequeRoundRobin implements SchedulingPolicy {
    private final ArrayDeque<Task> queue = new ArrayDeque<>();
    private final Set<Integer> queued = new HashSet<>();

    @Override
    public String name() {
        return "round-robin over ArrayDeque";
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
        return queued.remove(task.id()) && queue.remove(task);
    }

    @Override
    public int quantum(Task task) {
        return 1;
    }

    @Override
    public int size() {
        return queue.size();
    }
}
