package dev.levitate.check;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Each of the example kernel's planted mistakes (the original kernel's, ../shared/ORIGINAL-KERNEL.md)
 * fails the same jqwik property the clean kernel passes, and jqwik shrinks it to a short call
 * sequence whose message names the check that caught it.
 */
class PlantedMistakeTest {

    private static Throwable launch(String bug) throws Exception {
        ExampleKernel.check(bug); // builds it, or skips the test without the cross compiler
        PlantedMistakeRuns.bug = bug;
        try {
            LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectMethod(PlantedMistakeRuns.class, "theCheckCatchesIt", "java.util.List"))
                    .configurationParameter("jqwik.reporting.onlyfailures", "true")
                    .configurationParameter("jqwik.database", "target/jqwik-planted-mistakes.database")
                    .build();
            List<Throwable> failures = new ArrayList<>();
            Launcher launcher = LauncherFactory.create();
            launcher.execute(request, new TestExecutionListener() {
                @Override
                public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                    if (id.isTest() && result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                        failures.add(result.getThrowable().orElse(new AssertionError(result.toString())));
                    }
                }
            });
            return failures.isEmpty() ? null : failures.get(0);
        } finally {
            PlantedMistakeRuns.bug = null;
        }
    }

    @ParameterizedTest(name = "{0} is caught by [{1}]")
    @CsvSource({
        "BUG_NO_DSB, tlbiBeforeDsb",
        "BUG_NO_TLBI, staleEntry",
        "BUG_FREE_NO_TLBI, freedBeforeInvalidate",
        "BUG_BLOCK_REPLACE, breakBeforeMake|outcome",
        "BUG_NO_BBM_SPLIT, breakBeforeMake",
        "BUG_FREE_ROOT, foreignFree|freedWhileLinked",
    })
    void eachMistakeFailsWithAShortCounterexampleThatNamesIt(String bug, String checks) throws Exception {
        Throwable failure = launch(bug);
        assertNotNull(failure, bug + " was not caught: the property passed");
        String m = String.valueOf(failure.getMessage());
        assertTrue(failure instanceof AssertionError, bug + " failed with " + failure);
        assertTrue(List.of(checks.split("\\|")).stream().anyMatch(c -> m.contains("[" + c + "]")),
                bug + " must be caught by " + checks + ", the message was:\n" + m);
        int at = m.lastIndexOf("operations: [");
        java.util.regex.Matcher calls = java.util.regex.Pattern.compile("\\b(mapRange|unmapRange|map|unmap|protect)\\(0x")
                .matcher(at < 0 ? "" : m.substring(at));
        int ops = 0;
        while (calls.find()) {
            ops++;
        }
        assertTrue(ops >= 1 && ops <= 4, bug + ": the shrunk counterexample has " + ops + " operations:\n" + m);
        System.out.println(bug + " caught:\n" + m.lines().limit(4).reduce((a, b) -> a + "\n" + b).orElse("") + "\n  ...\n"
                + (at < 0 ? "" : m.substring(at)) + "\n");
    }
}
