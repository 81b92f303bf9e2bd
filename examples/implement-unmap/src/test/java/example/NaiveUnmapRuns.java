package example;

import dev.levitate.testkit.PageTableHarness;
import dev.levitate.testkit.PageTableOp;
import java.util.List;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The grader's property on the naive unmap. It fails by design, so surefire does not run it on its
 * own (its name matches no include); {@link NaiveUnmapTest} launches it and reads jqwik's verdict.
 * Run it yourself to see the report: {@code mvn test -Dtest=NaiveUnmapRuns}.
 */
class NaiveUnmapRuns {
    @Property(tries = 200, seed = "42", afterFailure = AfterFailureMode.RANDOM_SEED)
    void theNaiveUnmapPasses(@ForAll("mapsAndUnmaps") List<PageTableOp> ops) {
        PageTableHarness.builder(NaiveUnmap::new).build().run(ops);
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<List<PageTableOp>> mapsAndUnmaps() {
        return new UnmapProperties().mapsAndUnmaps();
    }
}
