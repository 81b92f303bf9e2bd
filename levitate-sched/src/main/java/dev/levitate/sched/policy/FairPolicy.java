package dev.levitate.sched.policy;

import static dev.levitate.sched.policy.Policies.alreadyQueued;
import static dev.levitate.sched.policy.Policies.requireTask;

import dev.levitate.sched.SchedulingPolicy;
import dev.levitate.sched.Task;
import dev.levitate.sched.internal.SlotHeap;
import dev.levitate.sched.internal.SlotTable;
import java.util.Arrays;

/**
 * A completely fair scheduler in the style of Linux's CFS (2007-2023): each task has a virtual
 * runtime that grows with the CPU time it uses, slower for heavier (lower nice) tasks, and the
 * task with the least virtual runtime runs next.
 *
 * <h2>Rules, exactly</h2>
 * <ol>
 *   <li>{@link #ran(Task, long, boolean)}: {@code vruntime += cycles × 1024 / weight(nice)}
 *       ({@link NiceWeights}; a nice-0 task's virtual runtime is its real runtime in cycles), then
 *       {@code minVruntime = max(minVruntime, min(vruntime of that task, least queued vruntime))};
 *       minVruntime never goes down.</li>
 *   <li>pickNext: the queued task with the least (vruntime, task id); then
 *       {@code minVruntime = max(minVruntime, its vruntime)}.</li>
 *   <li>enqueue: a new task starts at minVruntime; a known one at
 *       {@code max(its vruntime, minVruntime - sleeperCredit)}, with
 *       {@code sleeperCredit = targetLatency × cyclesPerTick / 2} (CFS's GENTLE_FAIR_SLEEPERS): a
 *       task that slept gets a little ahead, never a banked lead.</li>
 *   <li>{@link #quantum(Task)}: the task's share of the target latency,
 *       {@code max(1, targetLatency × weight / (total weight of the queued tasks + its weight))}
 *       ticks: with many tasks the period stretches instead of going below 1 tick (the minimum
 *       granularity).</li>
 * </ol>
 * {@link #tick(Task)} and {@link #preempts(Task, Task)} keep their defaults (no feedback, no
 * wake-up preemption): the running task's virtual runtime is only known when it stops.
 *
 * <h2>Layout</h2>
 * The red-black tree of CFS is a {@link SlotHeap} keyed by (vruntime, id): only its minimum is
 * ever needed. enqueue, pickNext and remove are O(log n) and allocation-free once grown. The
 * weight of a queued task is snapshot at enqueue, so the total stays exact if nice changes while
 * it waits. A task's state is dropped by {@link #forget(Task)} and automatically when
 * {@link #remove(Task)} or {@link #ran(Task, long, boolean)} sees it EXITED or REAPED.
 *
 * <p>Not thread-safe.
 */
public final class FairPolicy implements SchedulingPolicy {
    /** Default target latency: 6 ticks (CFS's 6 ms, at a 1 ms tick). */
    public static final int DEFAULT_TARGET_LATENCY = 6;
    /** Default cycles per tick: 1,000,000 (a 100 MHz core with a 100 Hz timer). */
    public static final long DEFAULT_CYCLES_PER_TICK = 1_000_000L;

    private final SlotTable<Task> known = new SlotTable<>(16);
    private final SlotHeap heap = new SlotHeap(16);
    private final int targetLatency;
    private final long sleeperCredit;
    private long[] vruntime = new long[16];
    private int[] queuedWeight = new int[16];
    private long totalQueuedWeight;
    private long minVruntime;

    /** Creates the policy with the default target latency and cycles per tick. */
    public FairPolicy() {
        this(DEFAULT_TARGET_LATENCY, DEFAULT_CYCLES_PER_TICK);
    }

    /**
     * Creates the policy.
     *
     * @param targetLatencyTicks the period in which every runnable task should run once, at least 1
     * @param cyclesPerTick the cycles in one timer tick, at least 1 (sizes the sleeper credit)
     * @throws IllegalArgumentException if either is below 1
     */
    public FairPolicy(int targetLatencyTicks, long cyclesPerTick) {
        this.targetLatency = Policies.requireQuantum(targetLatencyTicks, "target latency");
        if (cyclesPerTick < 1) {
            throw new IllegalArgumentException("cycles per tick must be at least 1, got " + cyclesPerTick);
        }
        this.sleeperCredit = Math.multiplyExact((long) targetLatencyTicks, cyclesPerTick) / 2;
    }

    @Override
    public String name() {
        return "fair (target latency " + targetLatency + " ticks)";
    }

    /**
     * Queues a READY task at {@code max(its vruntime, minVruntime - sleeper credit)}; a new task
     * at minVruntime.
     *
     * @param task the task
     * @throws NullPointerException if the task is null
     * @throws IllegalArgumentException if the task is already queued
     */
    @Override
    public void enqueue(Task task) {
        requireTask(task);
        int slot = known.slotOf(task.id());
        if (slot < 0) {
            slot = known.add(task.id(), task);
            if (slot >= vruntime.length) {
                int len = Math.max(vruntime.length << 1, slot + 1);
                vruntime = Arrays.copyOf(vruntime, len);
                queuedWeight = Arrays.copyOf(queuedWeight, len);
            }
            vruntime[slot] = minVruntime;
        } else if (heap.contains(slot)) {
            throw alreadyQueued(task);
        } else {
            vruntime[slot] = Math.max(vruntime[slot], minVruntime - sleeperCredit);
        }
        int w = NiceWeights.weight(task.nice());
        queuedWeight[slot] = w;
        totalQueuedWeight += w;
        heap.add(slot, vruntime[slot], task.id());
    }

    @Override
    public Task pickNext() {
        int slot = heap.poll();
        if (slot < 0) {
            return null;
        }
        totalQueuedWeight -= queuedWeight[slot];
        minVruntime = Math.max(minVruntime, vruntime[slot]);
        return known.item(slot);
    }

    /**
     * Takes a queued task out; its virtual runtime is kept unless it has exited.
     *
     * @param task the task
     * @return true if it was queued
     * @throws NullPointerException if the task is null
     */
    @Override
    public boolean remove(Task task) {
        requireTask(task);
        int slot = known.slotOf(task.id());
        boolean queued = slot >= 0 && heap.remove(slot);
        if (queued) {
            totalQueuedWeight -= queuedWeight[slot];
        }
        if (slot >= 0 && Policies.gone(task)) {
            known.release(task.id());
        }
        return queued;
    }

    /**
     * Drops the task's virtual runtime, taking it out of the queue if queued; seen again, it is new.
     *
     * @param task the task
     * @return true if the policy knew it
     * @throws NullPointerException if the task is null
     */
    public boolean forget(Task task) {
        requireTask(task);
        int slot = known.slotOf(task.id());
        if (slot < 0) {
            return false;
        }
        if (heap.remove(slot)) {
            totalQueuedWeight -= queuedWeight[slot];
        }
        known.release(task.id());
        return true;
    }

    /**
     * Returns the task's share of the target latency, at least 1 tick.
     *
     * @param task the task about to run
     * @return the quantum in ticks
     * @throws NullPointerException if the task is null
     */
    @Override
    public int quantum(Task task) {
        requireTask(task);
        int slot = known.slotOf(task.id());
        long w = NiceWeights.weight(task.nice());
        long total = totalQueuedWeight + (slot >= 0 && heap.contains(slot) ? 0 : w);
        return (int) Math.max(1, targetLatency * w / total);
    }

    @Override
    public int size() {
        return heap.size();
    }

    /**
     * Charges {@code cycles × 1024 / weight(nice)} to the task's virtual runtime and advances
     * minVruntime; drops the task if it has exited. A task the policy does not know is ignored.
     *
     * @param task the task that ran
     * @param cycles how many cycles it ran
     * @param quantumExpired whether the timer took the CPU away (unused)
     * @throws NullPointerException if the task is null
     * @throws IllegalArgumentException if cycles is negative
     */
    @Override
    public void ran(Task task, long cycles, boolean quantumExpired) {
        requireTask(task);
        if (cycles < 0) {
            throw new IllegalArgumentException("task " + task + " ran a negative number of cycles: " + cycles);
        }
        int slot = known.slotOf(task.id());
        if (slot < 0) {
            return;
        }
        if (Policies.gone(task)) {
            forget(task);
            return;
        }
        if (heap.contains(slot)) {
            return;
        }
        vruntime[slot] += weighted(cycles, NiceWeights.weight(task.nice()));
        int top = heap.peek();
        long least = top < 0 ? vruntime[slot] : Math.min(vruntime[slot], heap.primaryKey(top));
        minVruntime = Math.max(minVruntime, least);
    }

    /** {@code cycles × 1024 / weight} without overflow for any non-negative cycles. */
    static long weighted(long cycles, int weight) {
        return (cycles / weight) * NiceWeights.NICE_0_WEIGHT
                + (cycles % weight) * NiceWeights.NICE_0_WEIGHT / weight;
    }

    /**
     * Returns a task's virtual runtime.
     *
     * @param task the task
     * @return its virtual runtime, or -1 if the policy does not know it
     * @throws NullPointerException if the task is null
     */
    public long vruntime(Task task) {
        requireTask(task);
        int slot = known.slotOf(task.id());
        return slot < 0 ? -1 : vruntime[slot];
    }

    /**
     * Returns the monotonic minimum virtual runtime, where new tasks start.
     *
     * @return minVruntime
     */
    public long minVruntime() {
        return minVruntime;
    }
}
