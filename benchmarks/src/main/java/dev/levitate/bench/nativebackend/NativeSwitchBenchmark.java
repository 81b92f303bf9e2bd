package dev.levitate.bench.nativebackend;

import dev.levitate.core.spi.ContextId;
import dev.levitate.nativebackend.NativeBackend;
import dev.levitate.nativebackend.NativeBody;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The native backend's switch costs: a Java-driven round trip through JNA (resume a task, it
 * yields back: two cpu_switch_to and one JNA call), and loops of switches inside native code,
 * cpu_switch_to against glibc's swapcontext in the same run. Average time per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class NativeSwitchBenchmark {
    static final int LOOP = 1_000_000;

    private NativeBackend cpu;
    private ContextId task;

    /** A task that yields forever. */
    @Setup(Level.Trial)
    public void setUp() {
        cpu = new NativeBackend();
        task = cpu.createTask(NativeBody.COUNTER, Long.MAX_VALUE, 0, NativeBackend.DEFAULT_STACK);
    }

    /** Releases the task. */
    @TearDown(Level.Trial)
    public void tearDown() {
        cpu.close();
    }

    /**
     * One resume through JNA: switch in, the task yields, switch out.
     *
     * @return the stop kind's ordinal
     */
    @Benchmark
    public int jnaRoundTrip() {
        return cpu.resume(task, 0).kind().ordinal();
    }

    /**
     * The floor: a trivial JNA direct-mapped call (returns a counter), no switch.
     *
     * @return the shim's live-context count
     */
    @Benchmark
    public int jnaTrivialCall() {
        return NativeBackend.liveContextsInShim();
    }

    /**
     * One cpu_switch_to inside native code (a loop of 10^6 in C).
     *
     * @return nanoseconds of the loop
     */
    @Benchmark
    @OperationsPerInvocation(LOOP)
    public long nativeSwitch() {
        return NativeBackend.benchSwitchNanos(LOOP);
    }

    /**
     * One swapcontext inside native code (a loop of 10^6 in C).
     *
     * @return nanoseconds of the loop
     */
    @Benchmark
    @OperationsPerInvocation(LOOP)
    public long swapcontext() {
        return NativeBackend.benchSwapcontextNanos(LOOP);
    }
}
