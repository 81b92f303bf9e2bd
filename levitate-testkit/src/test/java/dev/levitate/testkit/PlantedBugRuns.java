package dev.levitate.testkit;

import dev.levitate.mmu.Half;
import java.util.List;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The property every planted bug must fail, run by {@link MutationSuiteTest} through the JUnit
 * Platform launcher (its name keeps surefire from running it on its own: it fails by design). The
 * bug is chosen by {@link #bug} before the launch.
 */
class PlantedBugRuns {
    /** The bug the next launch runs. */
    static volatile PlantedBug bug;

    @Provide
    Arbitrary<List<PageTableOp>> sequences() {
        return PageTableArbitraries.opSequences(12, PageTableArbitraries.attributes(bug.where == PlantedBug.Where.UPPER_GLOBAL));
    }

    @Property(tries = 1000, seed = "20261203", afterFailure = AfterFailureMode.RANDOM_SEED)
    void theHarnessCatchesIt(@ForAll("sequences") List<PageTableOp> ops) {
        List<PageTableOp> moved = bug.where == PlantedBug.Where.UPPER_GLOBAL
                ? ops.stream().map(op -> PageTableArbitraries.moveTo(op, Half.UPPER, 48)).toList() : ops;
        bug.harness().run(moved);
    }
}
