package io.fluxdb.engine.mysql.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.engine.mysql.testing.TestOperator;
import io.fluxdb.testkit.MariaDbExtension;
import io.fluxdb.testkit.MariaDbProcess;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Flyway with MariaDB Connector/J: the same migrations run directly against one database and
 * through the operator (TLS, self-signed certificate trusted) against another of the same
 * MariaDB. What Flyway reports, its schema history (less timings) and the resulting schema and
 * rows must be equal, and the direct run must show each step at work.
 */
@ExtendWith(MariaDbExtension.class)
class FlywayClientIT {
    private static final String MIGRATIONS = "classpath:flyway/migrations";
    private static final String FAILING = "classpath:flyway/failing";

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

    @Test
    void migrationsObserveTheSameThroughTheOperatorAsDirectly() throws SQLException {
        Observed direct = runScenario("flyway_direct", db.jdbcUrl("flyway_direct"));
        Observed throughOperator = runScenario("flyway_operator", operator.jdbcUrl("flyway_operator", "sslMode=trust"));

        assertScenarioDidItsJob(direct);
        assertThat(throughOperator).isEqualTo(direct);
    }

    /** What Flyway and the database showed, step by step; compared as a whole between the runs. */
    record Observed(
            int executedByFirstMigrate,
            String targetVersion,
            List<String> infoAfterMigrate,
            boolean validated,
            int executedBySecondMigrate,
            String failure,
            List<String> infoAfterFailure,
            List<String> history,
            List<String> schema,
            List<String> rows) {}

    private static void assertScenarioDidItsJob(Observed o) {
        assertThat(o.executedByFirstMigrate()).isEqualTo(3);
        assertThat(o.targetVersion()).isEqualTo("3");
        assertThat(o.infoAfterMigrate()).containsExactly(
                "1 create tables SQL Success", "2 insert customers SQL Success", "3 alter customer SQL Success");
        assertThat(o.validated()).isTrue();
        assertThat(o.executedBySecondMigrate()).isZero();
        // The engine's error reaches the caller with its code and SQLSTATE.
        assertThat(o.failure()).startsWith("1146 42S02 Table '<db>.no_such_table' doesn't exist");
        assertThat(o.infoAfterFailure()).hasSize(4).last().asString().startsWith("4 insert into missing table SQL");
        // installed_rank version description type script checksum installed_by success: the failed
        // migration is recorded as failed (MariaDB cannot roll back DDL, so Flyway keeps a row).
        assertThat(o.history()).hasSize(4);
        assertThat(o.history().get(0)).startsWith("1 1 create tables SQL V1__create_tables.sql ").endsWith(" root 1");
        assertThat(o.history().get(1))
                .startsWith("2 2 insert customers SQL V2__insert_customers.sql ").endsWith(" root 1");
        assertThat(o.history().get(2)).startsWith("3 3 alter customer SQL V3__alter_customer.sql ").endsWith(" root 1");
        assertThat(o.history().get(3))
                .startsWith("4 4 insert into missing table SQL V4__insert_into_missing_table.sql ").endsWith(" root 0");
        // column, type, nullable, key, default, extra: V3's column and index, V1's foreign key.
        assertThat(o.schema()).hasSize(16)
                .anySatisfy(c -> assertThat(c).startsWith("customer.email varchar(200) YES MUL NULL"))
                .anySatisfy(c -> assertThat(c).startsWith("customer.id bigint(20) NO PRI null auto_increment"))
                .anySatisfy(c -> assertThat(c).startsWith("purchase.amount decimal(10,2) NO"))
                .anySatisfy(c -> assertThat(c).startsWith("purchase.customer_id bigint(20) NO MUL"));
        // V4 runs in a transaction: its first insert is rolled back with the failed one.
        assertThat(o.rows()).containsExactly(
                "1 Ada ada@example.org 10.25",
                "2 Grace grace@example.org 20.50",
                "3 \u00c9mile \uD83D\uDC2C \u00e9mile@example.org 30.75");
    }

    private static Observed runScenario(String database, String url) throws SQLException {
        recreateDatabase(database);
        Flyway flyway = flyway(url, MIGRATIONS);
        int first = flyway.migrate().migrationsExecuted;
        String target = flyway.info().current().getVersion().getVersion();
        List<String> infoAfterMigrate = info(flyway);
        boolean validated = flyway.validateWithResult().validationSuccessful;
        flyway.validate();
        int second = flyway.migrate().migrationsExecuted;

        Flyway failing = flyway(url, MIGRATIONS, FAILING);
        String failure;
        try {
            failing.migrate();
            failure = "no failure";
        } catch (FlywayException e) {
            // The message names the database, and Connector/J prefixes the connection id: neither is
            // the same in the two runs.
            failure = sqlError(e).replace(database + ".", "<db>.").replaceAll("\\(conn=\\d+\\) ", "");
        }
        return new Observed(first, target, infoAfterMigrate, validated, second, failure, info(failing),
                query(database, "SELECT installed_rank, version, description, type, script, checksum,"
                        + " installed_by, success FROM flyway_schema_history ORDER BY installed_rank"),
                query("information_schema", "SELECT CONCAT(TABLE_NAME, '.', COLUMN_NAME), COLUMN_TYPE, IS_NULLABLE,"
                        + " COLUMN_KEY, COLUMN_DEFAULT, EXTRA FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '"
                        + database + "' ORDER BY TABLE_NAME, COLUMN_NAME"),
                query(database, "SELECT c.id, c.name, c.email, p.amount FROM customer c LEFT JOIN purchase p"
                        + " ON p.customer_id = c.id ORDER BY c.id"));
    }

    private static Flyway flyway(String url, String... locations) {
        return Flyway.configure()
                .dataSource(url, "root", db.rootPassword())
                .locations(locations)
                .load();
    }

    private static List<String> info(Flyway flyway) {
        return Arrays.stream(flyway.info().all())
                .map(m -> version(m) + " " + m.getDescription() + " " + m.getType() + " "
                        + m.getState().getDisplayName())
                .toList();
    }

    private static String version(MigrationInfo m) {
        return m.getVersion() == null ? "-" : m.getVersion().getVersion();
    }

    /** The engine's error in the cause chain, as "code SQLSTATE message". */
    private static String sqlError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                return s.getErrorCode() + " " + s.getSQLState() + " " + s.getMessage();
            }
        }
        return e.toString();
    }

    /** Every row of {@code sql}, read directly from MariaDB, its columns joined by spaces. */
    private static List<String> query(String database, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(database), "root", db.rootPassword());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(String.join(" ", row));
            }
        }
        return rows;
    }

    private static void recreateDatabase(String database) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(""), "root", db.rootPassword());
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database);
            s.execute("CREATE DATABASE " + database + " CHARACTER SET utf8mb4");
        }
    }
}
