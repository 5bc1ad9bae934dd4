package dev.ferry.testkit;

import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

/** Prints, after the tests of a run, which server versions they ran on (registered in META-INF/services). */
public final class VersionsReport implements TestExecutionListener {
    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        String summary = Binaries.summary();
        if (!summary.isEmpty()) {
            System.out.println("[ferry] " + summary);
        }
    }
}
