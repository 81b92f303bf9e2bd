package dev.levitate.sched.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.sched.Task;
import dev.levitate.sched.TaskState;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * User code is untrusted input: random words (biased towards system calls with random numbers and
 * arguments, system instructions, loads and stores, branches) run as a user task beside a well-behaved
 * one. Whatever the random task does, no Java exception escapes the kernel, the well-behaved task
 * finishes with its result, and the allocator's invariants hold.
 */
class UntrustedUserCodeProperties {

    @Provide
    Arbitrary<List<Integer>> programs() {
        Arbitrary<Integer> any = Arbitraries.integers();
        Arbitrary<Integer> movToX8 = Arbitraries.integers().between(0, 600).map(n -> 0xD280_0008 | n << 5);   // movz x8, #n
        Arbitrary<Integer> movToArg = Arbitraries.integers().between(0, 0xFFFF).flatMap(v ->
                Arbitraries.integers().between(0, 5).map(r -> 0xD280_0000 | v << 5 | r));                    // movz x0..x5, #v
        Arbitrary<Integer> svc = Arbitraries.just(0xD400_0001);                                               // svc #0
        Arbitrary<Integer> system = Arbitraries.integers().map(w -> 0xD500_0000 | (w & 0x3F_FFFF));           // MSR/MRS/SYS space
        Arbitrary<Integer> memory = Arbitraries.integers().map(w -> 0xB800_0000 | (w & 0x07FF_FFFF));         // loads/stores
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, any), net.jqwik.api.Tuple.of(4, movToX8), net.jqwik.api.Tuple.of(6, movToArg),
                net.jqwik.api.Tuple.of(5, svc), net.jqwik.api.Tuple.of(1, system), net.jqwik.api.Tuple.of(1, memory))
                .list().ofMinSize(1).ofMaxSize(24);
    }

    @Property(tries = 300)
    void randomUserCodeCannotHurtTheKernelOrOtherTasks(@ForAll("programs") List<Integer> words) {
        try (Kernel k = Kernel.builder().ramMib(32).build()) {
            GuestCode g = new GuestCode();
            for (int w : words) {
                g.word(w);
            }
            g.mov(0, 0).syscall(Syscall.EXIT);
            Task random = k.spawnUser("random", base -> g.bytes(), 0);
            Task good = k.spawn(Workload.named("good").compute(300_000).write("ok").exit(7));
            k.run(200);
            assertTrue(good.state() == TaskState.EXITED || good.state() == TaskState.REAPED, "the good task finished: " + good.state());
            assertEquals(7, good.exitCode());
            assertTrue(k.console().contains("ok"), k.console());
            k.frames().checkInvariants();
            String why = k.controlBlock(random).exitReason();
            net.jqwik.api.statistics.Statistics.collect(random.state() == TaskState.REAPED
                    ? (why.startsWith("killed") ? "killed: " + why.replaceAll(".*?: (ESR \\S+: )?([a-z ]+).*", "$2").trim() : "exited")
                    : "still running");
            if (random.state() == TaskState.REAPED) {
                assertEquals(k.freeFramesAfterBoot(), k.frames().freeFrames(), "everything came back");
            }
        }
    }
}
