package io.fluxdb.testkit;

import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Lists, at the end of a test run, every test that was skipped and why. Maven's summary counts skipped tests but
 * does not name them; {@link Requirements} skips a test when a client is missing, and the user should see which
 * clients to install without opening the reports. Registered through {@code META-INF/services}, so it runs in
 * every module whose tests have this test kit on their class path.
 */
public final class SkippedTestsSummary implements TestExecutionListener {
    /** Every line starts with this, so a script can pick the list out of the build's output. */
    public static final String PREFIX = "[skipped] ";

    private final PrintStream out;
    private final List<String> skipped = new ArrayList<>();
    private TestPlan plan;

    /** A listener that prints to standard output, as the service loader creates it. */
    public SkippedTestsSummary() {
        this(System.out);
    }

    SkippedTestsSummary(PrintStream out) {
        this.out = out;
    }

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        plan = testPlan;
        skipped.clear();
    }

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        add(test, reason);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
            add(test, result.getThrowable().map(Throwable::getMessage).orElse("aborted"));
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        if (skipped.isEmpty()) {
            return;
        }
        out.println(PREFIX + skipped.size() + " skipped (with -D" + Requirements.REQUIRE_ALL_PROPERTY
                + "=true a missing client fails instead):");
        skipped.forEach(line -> out.println(PREFIX + "  " + line));
        out.flush();
    }

    private void add(TestIdentifier test, String reason) {
        String firstLine = reason == null ? "" : reason.strip().lines().findFirst().orElse("");
        skipped.add(name(test) + ": " + firstLine);
    }

    /** {@code SomeIT > method() > dynamic test}, from the test class down. */
    private String name(TestIdentifier test) {
        Deque<String> parts = new ArrayDeque<>();
        Optional<TestIdentifier> current = Optional.of(test);
        while (current.isPresent()) {
            TestIdentifier id = current.get();
            if (id.getSource().orElse(null) instanceof ClassSource source) {
                String className = source.getClassName();
                parts.addFirst(className.substring(className.lastIndexOf('.') + 1));
                break;
            }
            parts.addFirst(id.getDisplayName());
            current = plan == null ? Optional.empty() : plan.getParent(id);
        }
        return String.join(" > ", parts);
    }
}
