package dev.levitate.testkit;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The testkit tests itself: every {@link PlantedBug} runs through the same jqwik property a user
 * writes ({@link PlantedBugRuns}), and must fail, with jqwik's shrunk counterexample, whose message
 * names the check that caught it and lists a short operation sequence.
 */
class MutationSuiteTest {

    /** What the launch reported: the failure of the property, or null if it passed. */
    private static Throwable launch(PlantedBug bug) {
        PlantedBugRuns.bug = bug;
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectMethod(PlantedBugRuns.class, "theHarnessCatchesIt", "java.util.List"))
                .configurationParameter("jqwik.reporting.onlyfailures", "true")
                .configurationParameter("jqwik.database", "target/jqwik-planted-bugs.database")
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
    }

    @ParameterizedTest
    @EnumSource(PlantedBug.class)
    void everyPlantedBugIsCaughtWithAShortCounterexampleThatNamesIt(PlantedBug bug) {
        Throwable failure = launch(bug);
        assertNotNull(failure, bug + " was not caught: the property passed");
        String m = String.valueOf(failure.getMessage());
        assertTrue(failure instanceof AssertionError, bug + " failed with " + failure);
        assertTrue(bug.caughtBy.stream().anyMatch(c -> m.contains("[" + c + "]")),
                bug + " must be caught by " + bug.caughtBy + ", the message was:\n" + m);
        java.util.regex.Matcher calls = java.util.regex.Pattern.compile("\\b(mapRange|unmapRange|map|unmap|protect)\\(0x")
                .matcher(m.substring(m.lastIndexOf("operations: [")));
        int ops = 0;
        while (calls.find()) {
            ops++;
        }
        assertTrue(ops <= 4, bug + ": the shrunk counterexample has " + ops + " operations:\n" + m);
        System.out.println(bug + " caught:\n" + m + "\n");
    }
}
