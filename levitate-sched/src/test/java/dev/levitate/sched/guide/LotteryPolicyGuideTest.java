package dev.levitate.sched.guide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.sched.SchedulingPolicy;
import dev.levitate.sched.Task;
import dev.levitate.sched.kernel.Kernel;
import dev.levitate.sched.kernel.Timeline;
import dev.levitate.sched.kernel.Workload;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The policy of docs/guides/writing-a-policy.md, as written there, run on the kernel: it must keep working. */
class LotteryPolicyGuideTest {

    /** Copied from the guide (keep them the same). */
    static final class LotteryPolicy implements SchedulingPolicy {
        private final List<Task> ready = new ArrayList<>();
        private final SplittableRandom random;

        LotteryPolicy(long seed) {
            this.random = new SplittableRandom(seed);
        }

        @Override
        public String name() {
            return "lottery";
        }

        @Override
        public void enqueue(Task t) {
            if (ready.contains(t)) {
                throw new IllegalArgumentException(t + " is already queued");
            }
            ready.add(t);
        }

        @Override
        public Task pickNext() {
            int total = 0;
            for (Task t : ready) {
                total += tickets(t);
            }
            if (total == 0) {
                return null;
            }
            int draw = random.nextInt(total);
            for (Iterator<Task> it = ready.iterator(); it.hasNext(); ) {
                Task t = it.next();
                if ((draw -= tickets(t)) < 0) {
                    it.remove();
                    return t;
                }
            }
            throw new AssertionError();
        }

        @Override
        public boolean remove(Task t) {
            return ready.remove(t);
        }

        @Override
        public int quantum(Task t) {
            return 1;
        }

        @Override
        public int size() {
            return ready.size();
        }

        private static int tickets(Task t) {
            return 20 - t.nice();
        }
    }

    private static String run(long seed) {
        try (Kernel k = Kernel.builder().policy(new LotteryPolicy(seed)).build()) {
            Timeline timeline = new Timeline(k.tickCycles());
            k.addListener(timeline);
            for (int i = 0; i < 3; i++) {
                k.spawn(Workload.named("t" + i).compute(20 * k.tickCycles()).exit(0));
            }
            assertTrue(k.run(1_000).allExited());
            return timeline.render(100);
        }
    }

    @Test
    void theGuidesLotteryPolicyRunsAndIsReproducible() {
        String first = run(42);
        assertTrue(first.contains("t0") && first.contains("t2"), first);
        assertEquals(first, run(42), "a seeded policy gives the same schedule every run");
    }
}
