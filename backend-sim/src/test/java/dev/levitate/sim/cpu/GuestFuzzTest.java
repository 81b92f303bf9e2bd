package dev.levitate.sim.cpu;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The guest fuzz campaign ({@link GuestFuzz}): random programs at EL0 and EL1, MMU off and on,
 * through the general interpreter, the fast loop and compiled blocks under the fixed and the A53
 * timing, each checked for clean stops, EL0 isolation and agreement between the tiers. Seeded:
 * input {@code i} comes from seed {@value #SEED} + i, so a failure names its seed and its input
 * (the one-line form, for {@code src/test/resources/fuzz-regressions/guest/}). The number of
 * inputs is {@value #BASE_INPUTS} x {@code -Dlevitate.fuzz.scale} (default 1).
 */
@Tag("fuzz")
class GuestFuzzTest {
    static final long SEED = 0x16_0000L;
    static final int BASE_INPUTS = 250;

    @Test
    void randomGuestCodeInEveryTierAndTiming() {
        int inputs = BASE_INPUTS * Integer.getInteger("levitate.fuzz.scale", 1);
        long t0 = System.nanoTime();
        java.util.Map<StopKind, Integer> stops = new java.util.TreeMap<>();
        int fast = 0;
        int compiled = 0;
        int excepted = 0;
        for (int i = 0; i < inputs; i++) {
            long seed = SEED + i;
            GuestFuzz.Input in = GuestFuzz.generate(new SplittableRandom(seed));
            try {
                GuestFuzz.Summary s = GuestFuzz.check(in);
                stops.merge(s.stop(), 1, Integer::sum);
                fast += s.fastInstructions() > 0 ? 1 : 0;
                compiled += s.compiledInstructions() > 0 ? 1 : 0;
                excepted += s.exceptions() > 0 ? 1 : 0;
            } catch (AssertionError e) {
                throw new AssertionError(String.format("guest fuzz input %d (seed %d) failed: %s%n  input: %s%n%s",
                        i, seed, e.getMessage(), in, in.listing()), e);
            }
        }
        System.out.printf("GuestFuzzTest: %d inputs x 3 tiers x 2 timing models, 0 failures, %.1f s; stops %s;"
                + " inputs that ran in the fast tier %d, in compiled blocks %d, that took exceptions %d%n",
                inputs, (System.nanoTime() - t0) / 1e9, stops, fast, compiled, excepted);
        // the campaign reaches what it is for: the fast and compiled tiers, and exception entries
        org.junit.jupiter.api.Assertions.assertTrue(fast > inputs / 10 && compiled > inputs / 20 && excepted > inputs / 4,
                "too few inputs reached the tiers or took exceptions: fast " + fast + ", compiled " + compiled + ", exceptions " + excepted);
    }
}
