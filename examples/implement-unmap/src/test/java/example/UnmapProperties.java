package example;

import dev.levitate.testkit.PageTableArbitraries;
import dev.levitate.testkit.PageTableHarness;
import dev.levitate.testkit.PageTableOp;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The assignment's grader: random map / unmap sequences on the student's table and the testkit's
 * reference model side by side, with the TLB model at every step. Only map and unmap are generated,
 * the two operations of the assignment.
 */
class UnmapProperties {

    @Provide
    Arbitrary<List<PageTableOp>> mapsAndUnmaps() {
        Arbitrary<PageTableOp> map = Combinators.combine(PageTableArbitraries.pageVas(), PageTableArbitraries.pas(),
                PageTableArbitraries.attributes(false)).as(PageTableOp.Map::new);
        Arbitrary<PageTableOp> unmap = PageTableArbitraries.pageVas().map(PageTableOp.Unmap::new);
        return Arbitraries.oneOf(map, unmap).list().ofMaxSize(20);
    }

    @Property(tries = 200)
    void theCorrectUnmapPasses(@ForAll("mapsAndUnmaps") List<PageTableOp> ops) {
        PageTableHarness.builder(CorrectUnmap::new).build().run(ops);
    }
}
