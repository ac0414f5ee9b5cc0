package io.fluxdb.engine.mysql.compat;

import io.fluxdb.engine.mysql.testing.TestOperator;
import io.fluxdb.testkit.MariaDbExtension;
import io.fluxdb.testkit.MariaDbProcess;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The client compatibility suite (compat/README.md), single-node column: every client under {@code compat/clients/}
 * runs the common scenario directly against MariaDB, then through the operator in front of that same MariaDB, and
 * each step must print the same line both times. One dynamic test per client; the verdicts go to
 * {@code target/compat/<client>-operator.json} for {@code compat/render-matrix}. The 3-node columns are
 * {@code ClusterClientCompatibilityIT} in fluxdb-server.
 *
 * <p>A client that is not installed is skipped with its install command as the reason, unless
 * {@code -Dfluxdb.require-all-clients=true} is given (as CI does): then it fails, so CI cannot pass
 * without running every client.
 *
 * <p>{@code -Dfluxdb.compat.clients=pymysql,mysqlclient} runs only those clients (directory names).
 */
@ExtendWith(MariaDbExtension.class)
class ClientCompatibilityIT {
    private static MariaDbProcess db;
    private static TestOperator operator;

    @BeforeAll
    static void start(MariaDbProcess server) {
        db = server;
        operator = TestOperator.start(db);
    }

    @AfterAll
    static void stop() {
        if (operator != null) {
            operator.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyClientSeesTheSameThroughTheOperator() {
        return CompatClient.selected().stream().map(client -> DynamicTest.dynamicTest(client.id(),
                client.dir().toUri(), () -> runClient(client)));
    }

    private static void runClient(CompatClient client) throws SQLException {
        client.requireInstalled();
        recreateDatabase();
        CompatClient.Run direct = client.run(CompatTarget.direct(db.port(), "root", db.rootPassword()));
        recreateDatabase();
        CompatClient.Run proxied = client.run(CompatTarget.fluxdb("operator", operator.port(), "root",
                db.rootPassword()));
        client.assertSameAsDirect("fluxdb-engine-mysql", direct, List.of(proxied));
    }

    private static void recreateDatabase() throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(""), "root", db.rootPassword());
                Statement s = c.createStatement()) {
            CompatClient.recreateDatabase(s);
        }
    }
}
