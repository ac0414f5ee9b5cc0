package io.fluxdb.engine.mysql.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.engine.mysql.testing.TestOperator;
import io.fluxdb.testkit.MariaDbExtension;
import io.fluxdb.testkit.MariaDbProcess;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * sysbench's oltp_read_write through the operator: prepare, a short run and cleanup, with server-side
 * prepared statements ({@code --db-ps-mode=auto}, sysbench's default) and with the text protocol.
 */
@ExtendWith(MariaDbExtension.class)
class SysbenchClientIT {
    private static final Pattern QUERIES = Pattern.compile("queries:\\s+(\\d+)");
    private static final Pattern TRANSACTIONS = Pattern.compile("transactions:\\s+(\\d+)");
    private static final Pattern IGNORED = Pattern.compile("ignored errors:\\s+(\\d+)");

    private static MariaDbProcess db;
    private static TestOperator operator;
    private static String sysbench;

    @BeforeAll
    static void start(MariaDbProcess server) throws SQLException {
        db = server;
        operator = TestOperator.start(db);
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(""), "root", db.rootPassword());
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS sb_auto");
            s.execute("CREATE DATABASE IF NOT EXISTS sb_disable");
        }
    }

    /** Per test, not per class: a skipped test then counts as skipped in the build's summary. */
    @BeforeEach
    void requireSysbench() {
        sysbench = ClientProcess.require("sysbench", "sysbench");
    }

    @AfterAll
    static void stop() {
        if (operator != null) {
            operator.close();
        }
    }

    @ParameterizedTest(name = "--db-ps-mode={0}")
    @ValueSource(strings = {"auto", "disable"})
    void oltpReadWrite(String psMode) {
        sysbench("sb_" + psMode, psMode, "prepare").assertSuccess();
        var run = sysbench("sb_" + psMode, psMode, "run").assertSuccess();
        // sysbench ignores only deadlocks and lock-wait timeouts (1213, 1205, 1020), which MariaDB
        // itself raises when four threads update a 1,000-row table; any other error is FATAL and
        // stops the run with a non-zero exit. A few ignored errors are therefore correct behaviour,
        // but they must stay a small fraction of the transactions.
        assertThat(run.stdout()).as(run.output())
                .doesNotContain("FATAL")
                .containsPattern("reconnects:\\s+0\\s");
        long transactions = counter(TRANSACTIONS, run);
        assertThat(counter(IGNORED, run)).as(run.output()).isLessThanOrEqualTo(Math.max(2, transactions / 10));
        assertThat(transactions).as(run.output()).isPositive();
        assertThat(counter(QUERIES, run)).as(run.output()).isPositive();
        sysbench("sb_" + psMode, psMode, "cleanup").assertSuccess();
    }

    private static long counter(Pattern pattern, ClientProcess.Result run) {
        Matcher m = pattern.matcher(run.stdout());
        assertThat(m.find()).as("%s in%n%s", pattern, run.output()).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static ClientProcess.Result sysbench(String database, String psMode, String command) {
        List<String> args = new ArrayList<>(List.of(sysbench, "oltp_read_write", "--db-driver=mysql",
                "--mysql-host=127.0.0.1", "--mysql-port=" + operator.port(), "--mysql-user=root",
                "--mysql-password=" + db.rootPassword(), "--mysql-db=" + database, "--tables=1", "--table-size=1000",
                "--threads=4", "--time=5", "--db-ps-mode=" + psMode, command));
        return ClientProcess.run(args, null, Map.of(), Duration.ofMinutes(2));
    }
}
