package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The naive unmap fails the grader, and jqwik shrinks the failure to the shortest story: map one
 * page, unmap it. The message names the check ([freedBeforeInvalidate]), the table frame, the VA,
 * the level and the walk-cache entry that could still point at the freed table.
 */
class NaiveUnmapTest {
    @Test
    void theHarnessFindsTheNaiveUnmapWithATwoStepCounterexample() {
        List<Throwable> failures = new ArrayList<>();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectMethod(NaiveUnmapRuns.class, "theNaiveUnmapPasses", "java.util.List"))
                .configurationParameter("jqwik.database", "target/jqwik-naive-unmap.database")
                .build(), new TestExecutionListener() {
                    @Override
                    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                        if (id.isTest() && result.getStatus() == TestExecutionResult.Status.FAILED) {
                            failures.add(result.getThrowable().orElseThrow());
                        }
                    }
                });
        assertEquals(1, failures.size(), "the naive unmap must fail the property");
        String m = failures.get(0).getMessage();
        assertNotNull(m);
        assertTrue(m.contains("[freedBeforeInvalidate]"), m);
        assertTrue(m.contains("walk-cache entry"), m);
        String ops = m.substring(m.indexOf("operations: "));
        assertTrue(ops.matches("(?s)operations: \\[map\\(0x[0-9a-f_]+, 0x[0-9a-f_]+, [^)]*\\), unmap\\(0x[0-9a-f_]+\\)\\].*"),
                "shrunk to map + unmap: " + ops);
    }
}
