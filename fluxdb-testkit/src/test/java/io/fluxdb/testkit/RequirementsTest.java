package io.fluxdb.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** A missing program skips a test, with the install command, or fails it with require-all; the summary lists it. */
class RequirementsTest {

    @AfterEach
    void clearRequireAll() {
        System.clearProperty(Requirements.REQUIRE_ALL_PROPERTY);
    }

    @Test
    void aProgramOnPathIsItsAbsolutePath() {
        String sh = Requirements.program("sh", "apt-get install -y dash");
        assertThat(Path.of(sh)).isAbsolute().hasFileName("sh");
    }

    @Test
    void aMissingProgramSkipsTheTestWithOneLineThatSaysHowToInstallIt() {
        assertThat(Requirements.findOnPath(RequirementsFixtures.MISSING)).isEmpty();
        try {
            Requirements.program(RequirementsFixtures.MISSING, "apt-get install -y x");
            throw new AssertionError("expected a skip");
        } catch (TestAbortedException e) {
            assertThat(e.getMessage()).isEqualTo("'" + RequirementsFixtures.MISSING
                    + "' (not on PATH) is not installed; install it with: apt-get install -y x");
        }
    }

    @Test
    void withRequireAllAMissingProgramFailsTheTestWithTheDetails() {
        System.setProperty(Requirements.REQUIRE_ALL_PROPERTY, "true");
        try {
            Requirements.missing("Python's MySQLdb", "apt-get install -y python3-mysqldb", "ModuleNotFoundError");
            throw new AssertionError("expected a failure");
        } catch (AssertionFailedError e) {
            assertThat(e.getMessage()).startsWith("Python's MySQLdb is not installed; install it with:"
                    + " apt-get install -y python3-mysqldb (-Dfluxdb.require-all-clients=true")
                    .endsWith("\nModuleNotFoundError");
        }
    }

    @Test
    void aMissingExecutableAtAFixedPathIsMissingToo() {
        try {
            Requirements.executable(Path.of("/nonexistent/python3"), "apt-get install -y python3");
            throw new AssertionError("expected a skip");
        } catch (TestAbortedException e) {
            assertThat(e.getMessage()).isEqualTo("/nonexistent/python3 is not installed; install it with: apt-get install -y python3");
        }
    }

    @Test
    void theBuildCountsTheTestAsSkippedAndTheSummaryNamesIt() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        TestExecutionSummary summary = run(new SkippedTestsSummary(new PrintStream(printed, true, StandardCharsets.UTF_8)));
        assertThat(summary.getTestsSucceededCount()).isEqualTo(1);
        assertThat(summary.getTestsAbortedCount()).isEqualTo(1);
        assertThat(printed.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly(
                "[skipped] 1 skipped (with -Dfluxdb.require-all-clients=true a missing client fails instead):",
                "[skipped]   RequirementsFixtures$NeedsAMissingProgram > needsIt(): '" + RequirementsFixtures.MISSING
                        + "' (not on PATH) is not installed; install it with: apt-get install -y fluxdb-no-such-package");
    }

    @Test
    void withRequireAllTheTestFailsAndNothingIsListed() {
        System.setProperty(Requirements.REQUIRE_ALL_PROPERTY, "true");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        TestExecutionSummary summary = run(new SkippedTestsSummary(new PrintStream(printed, true, StandardCharsets.UTF_8)));
        assertThat(summary.getTestsFailedCount()).isEqualTo(1);
        assertThat(summary.getTestsAbortedCount()).isZero();
        assertThat(summary.getFailures()).singleElement()
                .satisfies(f -> assertThat(f.getException()).hasMessageContaining("apt-get install -y fluxdb-no-such-package"));
        assertThat(printed.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    private static TestExecutionSummary run(SkippedTestsSummary listener) {
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(RequirementsFixtures.NeedsAMissingProgram.class)).build();
        // Without auto-registration, so the summary of this run is not also printed by the service-loaded listener.
        LauncherFactory.create(LauncherConfig.builder().enableTestExecutionListenerAutoRegistration(false).build())
                .execute(request, summary, listener);
        return summary.getSummary();
    }
}
