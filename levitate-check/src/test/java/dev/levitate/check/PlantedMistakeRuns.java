package dev.levitate.check;

import dev.levitate.testkit.PageTableOp;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The property a user writes, run by {@link PlantedMistakeTest} through the launcher on the example
 * kernel built with one mistake switched on. Not run on its own: without a mistake set it does
 * nothing.
 */
class PlantedMistakeRuns {
    static volatile String bug;

    @Provide
    Arbitrary<List<PageTableOp>> ops() throws Exception {
        return ExampleKernel.check(bug).sequences(20);
    }

    @Property(tries = 400, seed = "42")
    void theCheckCatchesIt(@ForAll("ops") List<PageTableOp> ops) throws Exception {
        if (bug != null) {
            ExampleKernel.check(bug).run(ops);
        }
    }
}
