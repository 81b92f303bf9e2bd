package dev.levitate.sim;

import dev.levitate.sim.cpu.CpuConfig;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The simulator's execution tiers and timing models, as configurations: for tests that must show
 * the same architectural behaviour whichever tier runs the guest (docs/simulator.md, "Two tiers of
 * interpretation" and "The compiled tier").
 */
public enum Tier {
    /** The general interpreter alone ({@code withFastTier(false)}). */
    GENERAL,
    /** The general interpreter and the fast loop, nothing compiled. */
    FAST,
    /** All three: every block compiled to JVM bytecode on its first entry. */
    COMPILED;

    /**
     * The configuration that runs this tier under a timing model.
     *
     * @param timing the timing model
     * @return the default configuration with this tier and timing
     */
    public CpuConfig config(CpuConfig.Timing timing) {
        CpuConfig c = CpuConfig.defaults().withTiming(timing);
        switch (this) {
            case GENERAL: return c.withFastTier(false).withCompiledTier(0);
            case FAST: return c.withFastTier(true).withCompiledTier(0);
            default: return c.withFastTier(true).withCompiledTier(1);
        }
    }

    /**
     * Every tier under every timing model, as JUnit arguments (tier, timing).
     *
     * @return six pairs
     */
    public static Stream<Arguments> everyTierAndTiming() {
        return Stream.of(values()).flatMap(t -> Stream.of(CpuConfig.Timing.values()).map(m -> Arguments.of(t, m)));
    }
}
