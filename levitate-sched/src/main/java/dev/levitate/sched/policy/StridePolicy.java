package dev.levitate.sched.policy;

import static dev.levitate.sched.policy.Policies.alreadyQueued;
import static dev.levitate.sched.policy.Policies.requireTask;

import dev.levitate.sched.SchedulingPolicy;
import dev.levitate.sched.Task;
import dev.levitate.sched.internal.SlotHeap;
import dev.levitate.sched.internal.SlotTable;
import java.util.Arrays;

/**
 * Stride scheduling (Waldspurger and Weihl, 1995; OSTEP chapter 9): deterministic proportional
 * share. A task holds {@code tickets = NiceWeights.weight(nice)} tickets; its stride is
 * {@code BIG / tickets}; the queued task with the smallest pass runs, and when it stops its pass
 * grows by one stride per tick it ran (at least one stride per run, so that yielding before the
 * first tick is not free). Over time each task runs in proportion to its tickets.
 *
 * <h2>Rules, exactly</h2>
 * <ol>
 *   <li>pickNext: the queued task with the least (pass, task id): ties go to the lower id;</li>
 *   <li>{@link #tick(Task)} counts the ticks the running task has run since it was picked;</li>
 *   <li>{@link #ran(Task, long, boolean)}: {@code pass += stride(nice) × max(1, ticks counted)},
 *       with the nice value read at that moment;</li>
 *   <li>enqueue: the virtual time is the pass the last picked task had when it was picked (0 at
 *       first): the least pass at the moment of the last decision. It never decreases, since every
 *       queued pass is at least that. A new task starts at the virtual time; a known one at
 *       {@code max(its pass, virtual time)}, so a sleeper cannot bank CPU time while away and then
 *       monopolise the CPU, while a task that has just run (its pass is above the virtual time)
 *       keeps its pass exactly. (Clamping to the least <em>queued</em> pass instead would rob a
 *       heavy task that is still the furthest behind of its lead: the share test caught that.)</li>
 * </ol>
 * {@link #BIG} is 2^30, so that the smallest stride (88761 tickets) is still 12,097 and the
 * rounding error of {@code BIG / tickets} stays below 0.01%; a {@code long} pass cannot overflow
 * before about 10^11 quanta of the least favoured task.
 *
 * <h2>Layout</h2>
 * A {@link SlotHeap} of queued tasks keyed by (pass, id): enqueue, pickNext and remove are
 * O(log n), allocation-free once grown. Per known task: {@code pass[slot]}, {@code ticks[slot]}.
 * A task's state is dropped by {@link #forget(Task)} and automatically when {@link #remove(Task)}
 * or {@link #ran(Task, long, boolean)} sees it EXITED or REAPED.
 *
 * <p>Not thread-safe.
 */
public final class StridePolicy implements SchedulingPolicy {
    /** The numerator of every stride, 2^30. */
    public static final long BIG = 1L << 30;

    private final SlotTable<Task> known = new SlotTable<>(16);
    private final SlotHeap heap = new SlotHeap(16);
    private final int quantumTicks;
    private long[] pass = new long[16];
    private long[] ticks = new long[16];
    private long lastPickedPass;

    /** Creates the policy with a quantum of 1 tick. */
    public StridePolicy() {
        this(1);
    }

    /**
     * Creates the policy.
     *
     * @param quantumTicks the quantum of every task, at least 1
     * @throws IllegalArgumentException if below 1
     */
    public StridePolicy(int quantumTicks) {
        this.quantumTicks = Policies.requireQuantum(quantumTicks, "quantum");
    }

    /**
     * Returns the stride of a nice value.
     *
     * @param nice -20..19
     * @return {@code BIG / NiceWeights.weight(nice)}
     * @throws IllegalArgumentException if nice is out of range
     */
    public static long stride(int nice) {
        return BIG / NiceWeights.weight(nice);
    }

    @Override
    public String name() {
        return "stride (quantum " + quantumTicks + (quantumTicks == 1 ? " tick)" : " ticks)");
    }

    /**
     * Returns the virtual time: the pass the last picked task had when picked (0 at first).
     *
     * @return the virtual time, where new tasks start
     */
    public long virtualTime() {
        return lastPickedPass;
    }

    /**
     * Queues a READY task at {@code max(its pass, virtual time)} (a new task: the virtual time).
     *
     * @param task the task
     * @throws NullPointerException if the task is null
     * @throws IllegalArgumentException if the task is already queued
     */
    @Override
    public void enqueue(Task task) {
        requireTask(task);
        long vt = virtualTime();
        int slot = known.slotOf(task.id());
        if (slot < 0) {
            slot = known.add(task.id(), task);
            if (slot >= pass.length) {
                int len = Math.max(pass.length << 1, slot + 1);
                pass = Arrays.copyOf(pass, len);
                ticks = Arrays.copyOf(ticks, len);
            }
            pass[slot] = vt;
        } else if (heap.contains(slot)) {
            throw alreadyQueued(task);
        } else {
            pass[slot] = Math.max(pass[slot], vt);
        }
        ticks[slot] = 0;
        heap.add(slot, pass[slot], task.id());
    }

    @Override
    public Task pickNext() {
        int slot = heap.poll();
        if (slot < 0) {
            return null;
        }
        lastPickedPass = pass[slot];
        ticks[slot] = 0;
        return known.item(slot);
    }

    /**
     * Takes a queued task out; its pass is kept unless it has exited.
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
        if (slot >= 0 && Policies.gone(task)) {
            known.release(task.id());
        }
        return queued;
    }

    /**
     * Drops the task's pass, taking it out of the queue if queued; seen again, it is new.
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
        heap.remove(slot);
        known.release(task.id());
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
        requireTask(task);
        return quantumTicks;
    }

    @Override
    public int size() {
        return heap.size();
    }

    /**
     * Counts one tick for the running task (nothing when idle or for an unknown task).
     *
     * @param running the running task, or null
     */
    @Override
    public void tick(Task running) {
        if (running != null) {
            int slot = known.slotOf(running.id());
            if (slot >= 0 && !heap.contains(slot)) {
                ticks[slot]++;
            }
        }
    }

    /**
     * Advances the task's pass by {@code stride(nice) × max(1, ticks run)}; drops the task if it
     * has exited. A task the policy does not know is ignored.
     *
     * @param task the task that ran
     * @param cycles how many cycles it ran (unused: stride counts ticks)
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
        if (!heap.contains(slot)) {
            pass[slot] += stride(task.nice()) * Math.max(1, ticks[slot]);
            ticks[slot] = 0;
        }
    }

    /**
     * Returns a task's pass.
     *
     * @param task the task
     * @return its pass, or -1 if the policy does not know it
     * @throws NullPointerException if the task is null
     */
    public long pass(Task task) {
        requireTask(task);
        int slot = known.slotOf(task.id());
        return slot < 0 ? -1 : pass[slot];
    }
}
