package dev.levitate.bench.sched;

import dev.levitate.sched.RoundRobinPolicy;
import dev.levitate.sched.SchedulingPolicy;
import dev.levitate.sched.Task;
import dev.levitate.sched.TaskState;
import dev.levitate.sched.policy.FairPolicy;
import dev.levitate.sched.policy.FifoPolicy;
import dev.levitate.sched.policy.MlfqPolicy;
import dev.levitate.sched.policy.PriorityPolicy;
import dev.levitate.sched.policy.StridePolicy;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one scheduling decision per policy with 10, 1,000 and 100,000 READY tasks.
 * {@code pickEnqueue}: pickNext, one timer tick, ran (a full quantum of 1 tick) and enqueue the
 * task again, so the queue stays at its size and keys move (stride pass, virtual runtime, MLFQ
 * demotions and boosts). {@code removeEnqueue}: take a random queued task out and put it back
 * (the kill-while-READY path), with the old ArrayDeque round-robin as the peer. Tasks get
 * seeded random nice values (-20..19) and priorities (0..63). Average time, ns per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class SchedulingPolicyBenchmark {
    static final int RANDOM_PICKS = 1 << 12;

    /** Which policy. */
    @Param({"rr", "fifo", "priority", "mlfq", "stride", "fair", "rr-deque"})
    public String policy;

    /** How many tasks are READY. */
    @Param({"10", "1000", "100000"})
    public int tasks;

    private SchedulingPolicy p;
    private Task[] all;
    private int[] victims;
    private int next;

    /** Builds the policy and queues every task (fixed seed). */
    @Setup(Level.Trial)
    public void setUp() {
        p = switch (policy) {
            case "rr" -> new RoundRobinPolicy(1);
            case "fifo" -> new FifoPolicy();
            case "priority" -> new PriorityPolicy(1);
            case "mlfq" -> new MlfqPolicy();
            case "stride" -> new StridePolicy();
            case "fair" -> new FairPolicy();
            case "rr-deque" -> new DequeRoundRobin();
            default -> throw new IllegalArgumentException(policy);
        };
        SplittableRandom rnd = new SplittableRandom(42);
        all = new Task[tasks];
        for (int i = 0; i < tasks; i++) {
            Task t = new Task(2 + i, "T" + i, rnd.nextInt(64));
            t.setNice(rnd.nextInt(40) - 20);
            t.moveTo(TaskState.READY);
            all[i] = t;
            p.enqueue(t);
        }
        victims = new int[RANDOM_PICKS];
        for (int i = 0; i < RANDOM_PICKS; i++) {
            victims[i] = rnd.nextInt(tasks);
        }
    }

    /**
     * One decision: pick, tick, ran, enqueue again.
     *
     * @return the task picked
     */
    @Benchmark
    public Task pickEnqueue() {
        SchedulingPolicy q = p;
        Task t = q.pickNext();
        q.tick(t);
        q.ran(t, 1_000_000, true);
        q.enqueue(t);
        return t;
    }

    /**
     * Remove a random queued task and queue it again.
     *
     * @return whether it was queued (always true)
     */
    @Benchmark
    public boolean removeEnqueue() {
        Task t = all[victims[next++ & (RANDOM_PICKS - 1)]];
        boolean queued = p.remove(t);
        p.enqueue(t);
        return queued;
    }
}
