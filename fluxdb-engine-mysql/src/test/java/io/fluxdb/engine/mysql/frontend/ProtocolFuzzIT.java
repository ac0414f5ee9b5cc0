package io.fluxdb.engine.mysql.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.engine.mysql.testing.TestOperator;
import io.fluxdb.testkit.MariaDbExtension;
import io.fluxdb.testkit.MariaDbProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A bounded run of {@link ProtocolFuzzer} in every build (2,000 inputs, about a minute). The long run takes
 * {@code -Dfluxdb.fuzz.inputs=1000000} (and optionally {@code -Dfluxdb.fuzz.seed},
 * {@code -Dfluxdb.fuzz.concurrency}); see docs/design/hardening.md.
 */
class ProtocolFuzzIT {
    @RegisterExtension
    static final MariaDbExtension MARIADB = new MariaDbExtension();

    @Test
    @Timeout(value = 24, unit = TimeUnit.HOURS)
    void operatorAnswersEveryMutatedInputAndKeepsServing(MariaDbProcess db) throws Exception {
        long inputs = Long.getLong("fluxdb.fuzz.inputs", 2_000);
        long seed = Long.getLong("fluxdb.fuzz.seed", 11);
        int concurrency = Integer.getInteger("fluxdb.fuzz.concurrency", 32);
        // Shorter login and packet timeouts than the defaults, so that inputs which stop half way are answered well
        // within the 10 s hang limit instead of at it (logins still get 5 s, a loaded 2-core host needs them).
        Map<String, String> options = Map.of("connect-timeout", "PT5S", "packet-timeout", "PT2S");
        Path target = Files.createDirectories(Path.of("target"));
        try (TestOperator operator = TestOperator.start(db, options)) {
            ProtocolFuzzer.Report report = new ProtocolFuzzer(operator, db.rootPassword(), seed, concurrency)
                    .run(inputs, target.resolve("fuzz-report.txt"));
            assertThat(report.hangs()).as("inputs not answered within 10 s: %s", report.hangInputs()).isZero();
            assertThat(report.bystanderFailures()).as("bystander queries that failed").isZero();
            assertThat(report.freshFailures()).as("fresh client logins that failed").isZero();
            assertThat(report.logLinesWithTrace()).as("log lines with a stack trace").isZero();
            assertThat(report.setupFailures()).as("logins before the input that failed").isLessThan(inputs / 100 + 1);
        }
    }
}
