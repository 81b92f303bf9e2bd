package dev.levitate.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The search the command line runs: outside a jqwik property, seeded, shrunk with jqwik's shrinking candidates. */
class KernelCheckSearchTest {
    @Test
    void theCleanKernelHasNoCounterexample() throws Exception {
        assertEquals(Optional.empty(), ExampleKernel.check(null).search(30, 7, 20));
    }

    @Test
    void aMissingTlbiIsFoundAndShrunkToAFewCalls() throws Exception {
        KernelCheck.Counterexample c = ExampleKernel.check("BUG_NO_TLBI").search(400, 42, 20).orElseThrow();
        assertTrue(c.message().contains("[staleEntry]"), c.message());
        assertTrue(c.ops().size() <= 4 && !c.ops().isEmpty(), c.ops().toString());
        KernelCheck.Counterexample again = ExampleKernel.check("BUG_NO_TLBI").search(400, 42, 20).orElseThrow();
        assertEquals(c.ops(), again.ops(), "the same seed gives the same counterexample");
        assertThrows(IllegalArgumentException.class, () -> ExampleKernel.check(null).search(0, 1, 20));
    }
}
