package dev.levitate.bench.sched;

import dev.levitate.sched.RoundRobinPolicy;
import dev.levitate.sched.kernel.Kernel;
import dev.levitate.sched.kernel.Workload;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Guest context switches per host second: the kernel on the simulator with {@code tasks} kernel
 * tasks under round-robin, each yielding in a loop, so every trip is SVC, vector, frame save,
 * {@code cpu_switch_to} to the scheduler, the Java kernel's decision, and {@code cpu_switch_to}
 * into the next task. One operation is one guest switch. The peer, in the same run: a handoff
 * between two Java threads with {@link LockSupport} (what a thread-per-task simulation would pay).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class KernelSwitchBenchmark {
    /** How many yielding tasks. */
    @Param({"2", "64", "1024"})
    public int tasks;

    private Kernel kernel;

    /** Boots a kernel with the yielding tasks. */
    @Setup(Level.Iteration)
    public void setUp() {
        kernel = Kernel.builder().ramMib(256).policy(new RoundRobinPolicy(1)).build();
        for (int i = 0; i < tasks; i++) {
            kernel.spawn(Workload.named("y" + i).yield().repeat(1_000_000_000).exit(0));
        }
    }

    /** Stops the kernel. */
    @TearDown(Level.Iteration)
    public void tearDown() {
        kernel.close();
    }

    /** Counts guest switches as a JMH event counter, so the report shows switches per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Switches {
        /** Guest context switches. */
        public long switches;

        /** Resets the count. */
        @Setup(Level.Iteration)
        public void reset() {
            switches = 0;
        }
    }

    /**
     * Runs one tick of the kernel; the switches it made go to the counter.
     *
     * @param counter the counter
     */
    @Benchmark
    public void guestSwitches(Switches counter) {
        counter.switches += kernel.run(1).switches();
    }

    /** The peer: two platform threads handing a token back and forth with park/unpark. */
    @State(Scope.Benchmark)
    public static class PingPong {
        volatile boolean turn;
        Thread other;
        volatile boolean stop;

        /** Starts the partner thread. */
        @Setup(Level.Iteration)
        public void start() {
            Thread me = Thread.currentThread();
            stop = false;
            other = new Thread(() -> {
                while (!stop) {
                    while (!turn && !stop) {
                        LockSupport.park();
                    }
                    turn = false;
                    LockSupport.unpark(me);
                }
            });
            other.setDaemon(true);
            other.start();
        }

        /** Stops the partner. */
        @TearDown(Level.Iteration)
        public void stop() {
            stop = true;
            LockSupport.unpark(other);
        }
    }

    /**
     * One handoff to the other thread and back (two switches).
     *
     * @param p the pair
     * @param bh the blackhole
     */
    @Benchmark
    public void threadHandoffPeer(PingPong p, Blackhole bh) {
        p.turn = true;
        LockSupport.unpark(p.other);
        while (p.turn) {
            LockSupport.park();
        }
        bh.consume(p);
    }
}
