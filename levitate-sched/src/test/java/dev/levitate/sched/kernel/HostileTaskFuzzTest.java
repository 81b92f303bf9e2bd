package dev.levitate.sched.kernel;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The hostile-task fuzz (issue 16, item 3): random sequences of system calls with random arguments
 * (other tasks' ids, the idle task, out-of-range values, kernel addresses, kernel stacks) and
 * random hostile instructions (semihosting, PSCI by HVC and SMC, wild loads and stores, UDF, BRK,
 * ERET, masking interrupts, turning the timer off, loops that never end), from one to four user
 * tasks, some the children of others, beside the victims of {@link HostileScenario}, under
 * round-robin and priority scheduling. After each input the kernel's invariants are checked: no
 * Java exception escaped, no victim was harmed (all its output, its exit code, its child and its
 * memory), no frame leaked, and a task spawned afterwards completes.
 *
 * <p>Deterministic: input {@code i} is seed {@code SEED + i}; {@code -Dlevitate.fuzz.scale=N} runs
 * N times as many. A failure prints the seed and the scenario's text; keep it under
 * {@code src/test/resources/fuzz-regressions/kernel/} ({@link HostileTaskRegressionTest} replays it).
 */
@Tag("fuzz")
class HostileTaskFuzzTest {
    static final long SEED = 0x16_0000L;
    static final int BASE_INPUTS = 80;

    @Test
    void hostileUserTasksHarmNoVictimLeakNoFrameAndLeaveTheKernelRunning() {
        int inputs = BASE_INPUTS * Integer.getInteger("levitate.fuzz.scale", 1);
        long start = System.nanoTime();
        int failures = 0;
        StringBuilder report = new StringBuilder();
        java.util.Map<String, Integer> stats = new java.util.TreeMap<>();
        for (int i = 0; i < inputs; i++) {
            long seed = SEED + i;
            HostileScenario s = HostileScenario.random(new SplittableRandom(seed));
            String broke = s.check(stats);
            if (broke != null) {
                failures++;
                String text = "# seed 0x" + Long.toHexString(seed) + ": " + broke.split("\n")[0] + "\n" + s.encode();
                System.out.println("HostileTaskFuzzTest failure, seed 0x" + Long.toHexString(seed) + ":\n" + broke + "\n" + text);
                if (report.length() < 20_000) {
                    report.append(text).append('\n');
                }
            }
        }
        System.out.printf("HostileTaskFuzzTest: %d inputs, %d failures, %.1f s; hostile tasks: %s%n", inputs, failures,
                (System.nanoTime() - start) / 1e9, stats);
        if (failures > 0) {
            fail(failures + " of " + inputs + " inputs broke an invariant:\n" + report);
        }
    }
}
