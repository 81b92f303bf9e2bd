package dev.levitate.sched.policy;

import static dev.levitate.sched.policy.Policies.alreadyQueued;
import static dev.levitate.sched.policy.Policies.requireTask;

import dev.levitate.sched.SchedulingPolicy;
import dev.levitate.sched.Task;
import dev.levitate.sched.internal.SlotLists;
import dev.levitate.sched.internal.SlotTable;
import java.util.Arrays;
import java.util.Objects;

/**
 * Multi-level feedback queue, with the five rules of OSTEP chapter 8 ("Scheduling: The
 * Multi-Level Feedback Queue"). Level 0 is the highest priority.
 *
 * <ol>
 *   <li>Rule 1: if level(A) &lt; level(B), A runs and B does not ({@link #pickNext()} takes the
 *       first non-empty level; {@link #preempts(Task, Task)} is true for a task woken at a
 *       higher level than the running one).</li>
 *   <li>Rule 2: within a level, round-robin with that level's quantum ({@link #quantum(Task)}).</li>
 *   <li>Rule 3: a task that is new to the policy enters at level 0.</li>
 *   <li>Rule 4 (with gaming protection): each {@link #tick(Task)} charges the running task one
 *       tick of its level's allotment; the charge is kept across yields and sleeps, so giving the
 *       CPU up just before the quantum ends does not keep a task high. When the allotment is used
 *       up the task moves one level down (its charge restarts at 0); at the bottom it stays.</li>
 *   <li>Rule 5: every {@code boostPeriod} ticks (counted by {@link #tick(Task)}, idle ticks too)
 *       every task the policy knows goes back to level 0 with a fresh allotment.</li>
 * </ol>
 * {@link #ran(Task, long, boolean)} charges nothing (the tick is the unit of allotment, and
 * charging both would count a run twice); it only drops the state of a task that has exited.
 *
 * <h2>Layout and steps</h2>
 * Per known task (one {@link SlotTable} slot): {@code level[slot]}, {@code used[slot]} (ticks of
 * the allotment used at that level), {@code epoch[slot]}. One intrusive FIFO per level
 * ({@link SlotLists}).
 * <ol>
 *   <li>enqueue: at the tail of its level's list, O(1);</li>
 *   <li>pickNext: the head of the first non-empty level, O(levels);</li>
 *   <li>remove: unlink the slot, O(1);</li>
 *   <li>boost: splice every list onto level 0 in level order (O(levels), FIFO order kept inside
 *       each level) and bump a global epoch; a task whose {@code epoch} is older is at level 0
 *       with nothing used, which is applied when it is next touched. No per-task loop.</li>
 * </ol>
 *
 * <h2>Per-task state</h2>
 * The level and charge outlive a task's stay in the queue (that is the point of the feedback).
 * They are dropped by {@link #forget(Task)}, and automatically when {@link #remove(Task)} or
 * {@link #ran(Task, long, boolean)} sees a task already EXITED or REAPED.
 *
 * <p>Not thread-safe.
 */
public final class MlfqPolicy implements SchedulingPolicy {
    /** Default quanta per level, in ticks: 1, 2, 4. */
    public static final int[] DEFAULT_QUANTA = {1, 2, 4};
    /** Default allotments per level, in ticks: 2, 4, 8 (the bottom one never demotes). */
    public static final int[] DEFAULT_ALLOTMENTS = {2, 4, 8};
    /** Default boost period S, in ticks. */
    public static final int DEFAULT_BOOST_PERIOD = 50;

    private final int[] quanta;
    private final int[] allotments;
    private final int boostPeriod;
    private final SlotTable<Task> known = new SlotTable<>(16);
    private final SlotLists queues;
    private int[] level = new int[16];
    private long[] used = new long[16];
    private long[] epoch = new long[16];
    private long boostEpoch;
    private long ticks;

    /** Creates a three-level queue with the default quanta, allotments and boost period. */
    public MlfqPolicy() {
        this(DEFAULT_QUANTA, DEFAULT_ALLOTMENTS, DEFAULT_BOOST_PERIOD);
    }

    /**
     * Creates the policy.
     *
     * @param quanta the quantum of each level in ticks, level 0 first; each at least 1
     * @param allotments the allotment of each level in ticks, as many as quanta; each at least 1
     * @param boostPeriod S, the ticks between two boosts; 0 for never
     * @throws NullPointerException if an array is null
     * @throws IllegalArgumentException if the arrays are empty or differ in length, a value is
     *     below 1, or the boost period is negative
     */
    public MlfqPolicy(int[] quanta, int[] allotments, int boostPeriod) {
        Objects.requireNonNull(quanta, "quanta");
        Objects.requireNonNull(allotments, "allotments");
        if (quanta.length == 0 || quanta.length != allotments.length) {
            throw new IllegalArgumentException("need one quantum and one allotment per level, got "
                    + quanta.length + " quanta and " + allotments.length + " allotments");
        }
        for (int l = 0; l < quanta.length; l++) {
            Policies.requireQuantum(quanta[l], "quantum of level " + l);
            Policies.requireQuantum(allotments[l], "allotment of level " + l);
        }
        if (boostPeriod < 0) {
            throw new IllegalArgumentException("boost period must be 0 (never) or positive, got " + boostPeriod);
        }
        this.quanta = quanta.clone();
        this.allotments = allotments.clone();
        this.boostPeriod = boostPeriod;
        this.queues = new SlotLists(quanta.length, 16);
    }

    @Override
    public String name() {
        return "mlfq (" + quanta.length + " levels, quanta " + Arrays.toString(quanta) + ", allotments "
                + Arrays.toString(allotments) + ", boost every " + boostPeriod + " ticks)";
    }

    /**
     * Returns the number of levels.
     *
     * @return the count, at least 1
     */
    public int levels() {
        return quanta.length;
    }

    /** The slot of a task, created at level 0 if new; its state brought up to the last boost. */
    private int record(Task task) {
        int slot = known.slotOf(task.id());
        if (slot < 0) {
            slot = known.add(task.id(), task);
            if (slot >= level.length) {
                int len = Math.max(level.length << 1, slot + 1);
                level = Arrays.copyOf(level, len);
                used = Arrays.copyOf(used, len);
                epoch = Arrays.copyOf(epoch, len);
            }
            level[slot] = 0;
            used[slot] = 0;
            epoch[slot] = boostEpoch;
        } else if (epoch[slot] != boostEpoch) {
            level[slot] = 0;
            used[slot] = 0;
            epoch[slot] = boostEpoch;
        }
        return slot;
    }

    /**
     * Queues a READY task at the tail of its level (level 0 if the task is new).
     *
     * @param task the task
     * @throws NullPointerException if the task is null
     * @throws IllegalArgumentException if the task is already queued
     */
    @Override
    public void enqueue(Task task) {
        requireTask(task);
        int slot = record(task);
        if (queues.contains(slot)) {
            throw alreadyQueued(task);
        }
        queues.addLast(level[slot], slot);
    }

    @Override
    public Task pickNext() {
        for (int l = 0; l < quanta.length; l++) {
            int slot = queues.pollFirst(l);
            if (slot >= 0) {
                Task t = known.item(slot);
                record(t);
                return t;
            }
        }
        return null;
    }

    /**
     * Takes a queued task out; its level and charge are kept unless it has exited.
     *
     * @param task the task
     * @return true if it was queued
     * @throws NullPointerException if the task is null
     */
    @Override
    public boolean remove(Task task) {
        requireTask(task);
        int slot = known.slotOf(task.id());
        boolean queued = slot >= 0 && queues.unlink(slot);
        if (slot >= 0 && Policies.gone(task)) {
            known.release(task.id());
        }
        return queued;
    }

    /**
     * Drops everything the policy knows about a task (its level and charge), taking it out of the
     * queue if it is queued. A task seen again afterwards is new: level 0.
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
        queues.unlink(slot);
        known.release(task.id());
        return true;
    }

    /**
     * Returns the quantum of the task's current level.
     *
     * @param task the task about to run
     * @return the quantum in ticks
     * @throws NullPointerException if the task is null
     */
    @Override
    public int quantum(Task task) {
        return quanta[level(task)];
    }

    @Override
    public int size() {
        return queues.size();
    }

    /**
     * Charges one tick to the running task's allotment (demoting it when the allotment is used
     * up), then boosts every task to level 0 if this tick completes a boost period.
     *
     * @param running the running task, or null when the CPU is idle
     */
    @Override
    public void tick(Task running) {
        ticks++;
        if (running != null) {
            int slot = record(running);
            if (++used[slot] >= allotments[level[slot]]) {
                used[slot] = 0;
                if (level[slot] < quanta.length - 1) {
                    level[slot]++;
                }
            }
        }
        if (boostPeriod > 0 && ticks % boostPeriod == 0) {
            boost();
        }
    }

    /**
     * Rule 5 now: every known task (queued, running or waiting) goes to level 0 with nothing used.
     * Queued tasks keep their relative order, higher levels first. O(levels).
     */
    public void boost() {
        boostEpoch++;
        queues.moveAllTo(0);
    }

    /**
     * Charges nothing (see the class comment); drops the task's state if it has exited.
     *
     * @param task the task that ran
     * @param cycles how many cycles it ran
     * @param quantumExpired whether the timer took the CPU away
     * @throws NullPointerException if the task is null
     * @throws IllegalArgumentException if cycles is negative
     */
    @Override
    public void ran(Task task, long cycles, boolean quantumExpired) {
        requireTask(task);
        if (cycles < 0) {
            throw new IllegalArgumentException("task " + task + " ran a negative number of cycles: " + cycles);
        }
        if (Policies.gone(task)) {
            forget(task);
        }
    }

    /**
     * Tells whether the woken task sits at a higher level (a smaller number) than the running one.
     *
     * @param woken the task that became READY
     * @param running the running task
     * @return true if {@code level(woken) < level(running)}
     * @throws NullPointerException if either is null
     */
    @Override
    public boolean preempts(Task woken, Task running) {
        return level(woken) < level(running);
    }

    /**
     * Returns the level of a task: 0 is the top; a task the policy does not know would enter at 0.
     *
     * @param task the task
     * @return its level, 0 .. {@link #levels()} - 1
     * @throws NullPointerException if the task is null
     */
    public int level(Task task) {
        requireTask(task);
        int slot = known.slotOf(task.id());
        return slot < 0 || epoch[slot] != boostEpoch ? 0 : level[slot];
    }

    /**
     * Returns how many ticks of its current level's allotment a task has used.
     *
     * @param task the task
     * @return the ticks, 0 for an unknown task
     * @throws NullPointerException if the task is null
     */
    public long allotmentUsed(Task task) {
        requireTask(task);
        int slot = known.slotOf(task.id());
        return slot < 0 || epoch[slot] != boostEpoch ? 0 : used[slot];
    }

    /**
     * Returns the number of ticks counted so far.
     *
     * @return the count
     */
    public long ticks() {
        return ticks;
    }
}
