package dev.levitate.check;

import dev.levitate.testkit.PageTableOp;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The example kernel with every mistake switched off passes the testkit's properties: generated
 * map / mapRange (pages and blocks) / unmap / unmapRange sequences, refused and allocation-failing
 * operations included, with the reference model, the invariants and the TLB model after every call.
 */
class ExampleKernelProperties {
    @Provide
    Arbitrary<List<PageTableOp>> ops() throws Exception {
        return ExampleKernel.check(null).sequences(20);
    }

    @Property(tries = 150)
    void theCleanKernelAgreesWithTheModelAndTheTlb(@ForAll("ops") List<PageTableOp> ops) throws Exception {
        ExampleKernel.check(null).run(ops);
    }
}
