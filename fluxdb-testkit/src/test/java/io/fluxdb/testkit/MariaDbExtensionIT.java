package io.fluxdb.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

@ExtendWith(MariaDbExtension.class)
class MariaDbExtensionIT {

    private static MariaDbProcess beforeAll;
    private final MariaDbProcess constructed;

    MariaDbExtensionIT(MariaDbProcess db) {
        this.constructed = db;
    }

    @BeforeAll
    static void remember(MariaDbProcess db) {
        beforeAll = db;
    }

    @Test
    void injectsOneServerPerClass(MariaDbProcess db) throws SQLException {
        assertThat(db).isSameAs(constructed).isSameAs(beforeAll);
        assertThat(db.isRunning()).isTrue();
        assertThat(Sql.column(db, "SELECT 1")).containsExactly("1");
    }

    @Test
    void stopsTheServerAfterTheClassEvenWhenTestsFail() {
        ExtensionFixtures.seen = null;

        EngineExecutionResults results = run(ExtensionFixtures.OnePassingOneFailing.class, Map.of());

        results.testEvents().assertStatistics(stats -> stats.succeeded(1).failed(1));
        MariaDbProcess server = ExtensionFixtures.seen;
        assertThat(server).isNotNull();
        assertThat(server.isRunning()).isFalse();
        assertThat(Sql.portOpen(server.port())).isFalse();
        assertThat(server.instanceDir()).doesNotExist();
    }

    @Test
    void usesAnExternalServerWithoutStoppingIt() {
        try (MariaDbProcess external = MariaDbProcess.builder().rootPassword("ext").start()) {
            EngineExecutionResults results = run(ExtensionFixtures.External.class, Map.of(
                    MariaDbExtension.URL_PROPERTY, "jdbc:mariadb://127.0.0.1:" + external.port(),
                    MariaDbExtension.PASSWORD_PROPERTY, "ext"));

            results.testEvents().assertStatistics(stats -> stats.succeeded(1).failed(0));
            assertThat(ExtensionFixtures.seen.port()).isEqualTo(external.port());
            assertThat(external.isRunning()).isTrue();
        }
    }

    @Test
    void failsRatherThanSkipsWhenNoServerCanStart() {
        EngineExecutionResults results = run(ExtensionFixtures.NeedsServer.class,
                Map.of(MariaDbBinaries.PROPERTY, "/nonexistent/mariadb"));

        results.testEvents().assertStatistics(stats -> stats.succeeded(0).skipped(0).aborted(0));
        results.containerEvents().assertThatEvents().haveExactly(1,
                finishedWithFailure(message(m -> m.contains("No MariaDB in /nonexistent/mariadb"))));
    }

    /** Runs a fixture class with system properties set for the duration of the run. */
    private static EngineExecutionResults run(Class<?> fixture, Map<String, String> properties) {
        Map<String, String> previous = new java.util.HashMap<>();
        properties.forEach((key, value) -> {
            previous.put(key, System.getProperty(key));
            System.setProperty(key, value);
        });
        try {
            return EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture)).execute();
        } finally {
            previous.forEach((key, value) -> {
                if (value == null) {
                    System.clearProperty(key);
                } else {
                    System.setProperty(key, value);
                }
            });
        }
    }
}
