package dev.levitate.bench.nativebackend;

import dev.levitate.core.spi.ContextId;
import dev.levitate.nativebackend.NativeBackend;
import dev.levitate.nativebackend.NativeBody;
import java.lang.reflect.Method;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The native backend's switch costs, and the peer, in one run. Average time per operation.
 *
 * <ul>
 *   <li>A Java-driven round trip ({@code NativeBackend.resume}: switch into a task, it yields
 *       back: two cpu_switch_to and one native call) through JNA ({@code jnaRoundTrip}, its fork
 *       forces {@code -Dlevitate.native.binding=jna}) and through FFM ({@code ffmRoundTrip}, the
 *       default binding on a 22+ JVM; {@code ffmCriticalRoundTrip} links lv_resume with
 *       {@code Linker.Option.critical}, for comparison only). The FFM benchmarks fail their setup
 *       with a message on a JVM older than 22: run the jar with a JDK 25's {@code java}.</li>
 *   <li>The floor of each binding: a trivial call ({@code lv_live}), no switch.</li>
 *   <li>One switch inside native code (a loop of 10^6 in C): cpu_switch_to against glibc's
 *       swapcontext.</li>
 *   <li>The peer: two virtual threads on one carrier handing control back and forth with
 *       {@code Thread.yield()} (needs a 21+ JVM); one operation is one round trip, two yields.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class NativeSwitchBenchmark {
    static final int LOOP = 1_000_000;
    static final int PING_PONGS = 100_000;

    private NativeBackend cpu;
    private ContextId task;
    private Method ofVirtual;
    private Method start;

    /**
     * A task that yields forever; checks the binding the benchmark is named for.
     *
     * @param params the benchmark being run
     * @throws ReflectiveOperationException if virtual threads are missing (Java 17..20)
     */
    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws ReflectiveOperationException {
        String name = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
        if (name.startsWith("virtualThread")) {
            if (Runtime.version().feature() < 21) {
                throw new IllegalStateException(name + " needs a Java 21+ JVM (virtual threads); this is "
                        + Runtime.version() + ": run the jar with /usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
            }
            ofVirtual = Thread.class.getMethod("ofVirtual");
            start = Class.forName("java.lang.Thread$Builder").getMethod("start", Runnable.class);
            return;
        }
        String want = name.startsWith("ffm") ? "ffm" : name.startsWith("jna") ? "jna" : NativeBackend.binding();
        if (!want.equals(NativeBackend.binding())) {
            throw new IllegalStateException(name + " needs the " + want + " binding; this JVM uses "
                    + NativeBackend.bindingNote() + " (the FFM ones need a Java 22+ JVM: run the jar with "
                    + "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java)");
        }
        cpu = new NativeBackend();
        task = cpu.createTask(NativeBody.COUNTER, Long.MAX_VALUE, 0, NativeBackend.DEFAULT_STACK);
    }

    /** Releases the task. */
    @TearDown(Level.Trial)
    public void tearDown() {
        if (cpu != null) {
            cpu.close();
        }
    }

    private int roundTrip() {
        return cpu.resume(task, 0).kind().ordinal();
    }

    /**
     * One resume through JNA: switch in, the task yields, switch out.
     *
     * @return the stop kind's ordinal
     */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Dlevitate.native.binding=jna"})
    public int jnaRoundTrip() {
        return roundTrip();
    }

    /**
     * One resume through FFM (Java 22+).
     *
     * @return the stop kind's ordinal
     */
    @Benchmark
    public int ffmRoundTrip() {
        return roundTrip();
    }

    /**
     * One resume through FFM with lv_resume linked as a critical function (measurement only; the
     * backend does not do this by default, see docs/native-backend.md).
     *
     * @return the stop kind's ordinal
     */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Dlevitate.native.critical=true"})
    public int ffmCriticalRoundTrip() {
        return roundTrip();
    }

    /**
     * The floor: a trivial JNA direct-mapped call (returns a counter), no switch.
     *
     * @return the shim's live-context count
     */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Dlevitate.native.binding=jna"})
    public int jnaTrivialCall() {
        return NativeBackend.liveContextsInShim();
    }

    /**
     * The floor: a trivial FFM downcall (Java 22+).
     *
     * @return the shim's live-context count
     */
    @Benchmark
    public int ffmTrivialCall() {
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

    /**
     * The peer: one round trip of two virtual threads on one carrier, each {@code Thread.yield()}ing
     * to the other (Java 21+).
     *
     * @throws Exception if a thread cannot be started or joined
     */
    @Benchmark
    @OperationsPerInvocation(PING_PONGS)
    @Fork(value = 1, jvmArgsAppend = "-Djdk.virtualThreadScheduler.parallelism=1")
    public void virtualThreadYieldRoundTrip() throws Exception {
        Runnable body = () -> {
            for (int i = 0; i < PING_PONGS; i++) {
                Thread.yield();
            }
        };
        Thread a = (Thread) start.invoke(ofVirtual.invoke(null), body);
        Thread b = (Thread) start.invoke(ofVirtual.invoke(null), body);
        a.join();
        b.join();
    }
}
