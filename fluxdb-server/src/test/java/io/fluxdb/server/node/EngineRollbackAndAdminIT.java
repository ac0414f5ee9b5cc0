package io.fluxdb.server.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the engine decides on its own reaches a cluster's client as from MariaDB directly, through the leader and
 * through a follower: a transaction InnoDB rolled back (a deadlock victim) is over, and the session goes on in
 * autocommit state without a trace of it on any node; a lock wait timeout takes only its statement; and the ADMIN
 * statements the engine will not run read-only ({@code OPTIMIZE}, {@code REPAIR TABLE}) run on the client's node and
 * answer as MariaDB does.
 */
@Timeout(300)
class EngineRollbackAndAdminIT {
    private static final String LEADER = "leader";
    private static TestCluster cluster;

    @RegisterExtension
    static final SharedCluster nodes = SharedCluster.withAppAccount();

    @BeforeAll
    static void start() {
        cluster = nodes.cluster();
    }

    @BeforeEach
    void table() throws Exception {
        try (Connection c = cluster.connectRoot(nodes.leader()); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS app.dl");
            s.execute("CREATE TABLE app.dl (id INT PRIMARY KEY, v INT, w VARCHAR(16))");
            s.execute("INSERT INTO app.dl VALUES (1, 0, NULL), (2, 0, NULL)");
        }
        cluster.awaitConverged();
    }

    @ParameterizedTest
    @ValueSource(strings = {LEADER, "follower"})
    void aDeadlockVictimGoesOnInAutocommitAndNothingOfItsTransactionIsAnywhere(String through) throws Exception {
        int node = node(through);
        try (Connection a = app(node); Connection b = app(node); Statement sa = a.createStatement();
                Statement sb = b.createStatement()) {
            sa.execute("BEGIN");
            sa.executeUpdate("INSERT INTO dl VALUES (101, 0, 'a')");
            sa.executeUpdate("UPDATE dl SET v = 1 WHERE id = 1");
            sb.execute("BEGIN");
            sb.executeUpdate("INSERT INTO dl VALUES (102, 0, 'b')");
            sb.executeUpdate("UPDATE dl SET v = 2 WHERE id = 2");
            CompletableFuture<Void> aWaits =
                    CompletableFuture.runAsync(() -> update(sa, "UPDATE dl SET v = 1 WHERE id = 2"));
            // The engine rolls back one of the two, whichever it chooses; the other goes on.
            SQLException bFailed = failure(() -> update(sb, "UPDATE dl SET v = 2 WHERE id = 1"));
            SQLException aFailed = failure(() -> aWaits.get(30, TimeUnit.SECONDS));
            assertThat(aFailed == null).as("exactly one victim: a=%s, b=%s", aFailed, bFailed)
                    .isNotEqualTo(bFailed == null);
            SQLException error = aFailed != null ? aFailed : bFailed;
            assertThat(error.getErrorCode()).isEqualTo(1213);
            Statement victim = aFailed != null ? sa : sb;
            Statement survivor = aFailed != null ? sb : sa;
            String lost = aFailed != null ? "a" : "b";
            String kept = aFailed != null ? "b" : "a";

            assertThat(count(victim, "SELECT @@in_transaction")).as("the transaction is over").isZero();
            assertThat(victim.executeUpdate("INSERT INTO dl VALUES (3, 3, NULL)")).isEqualTo(1);
            assertThat(count(victim, "SELECT COUNT(*) FROM dl")).as("its row, not the survivor's uncommitted one")
                    .isEqualTo(3);
            assertThat(count(victim, "SELECT @@in_transaction")).isZero();
            survivor.execute("COMMIT");
            assertThat(count(victim, "SELECT COUNT(*) FROM dl WHERE w = '" + lost + "'")).isZero();
            List<String> expected = kept.equals("a") ? List.of("1:1", "2:1", "3:3", "101:0:a")
                    : List.of("1:2", "2:2", "3:3", "102:0:b");
            cluster.assertSameEverywhere("SELECT CONCAT_WS(':', id, v, w) FROM app.dl ORDER BY id", expected);
        }
    }

    /**
     * A lock wait timeout rolls back its statement only (innodb_rollback_on_timeout is off): the transaction goes on
     * and commits its other statements, as with MariaDB directly.
     */
    @ParameterizedTest
    @ValueSource(strings = {LEADER, "follower"})
    void aLockWaitTimeoutLeavesTheTransactionOpen(String through) throws Exception {
        int node = node(through);
        try (Connection holder = app(nodes.leader()); Connection c = app(node); Statement h = holder.createStatement();
                Statement s = c.createStatement()) {
            h.execute("BEGIN");
            h.executeUpdate("UPDATE dl SET v = 9 WHERE id = 1");
            s.execute("BEGIN");
            s.executeUpdate("INSERT INTO dl VALUES (201, 0, 'before')");
            s.execute("SET SESSION innodb_lock_wait_timeout = 1");
            SQLException timeout = failure(() -> update(s, "UPDATE dl SET v = 5 WHERE id = 1"));
            assertThat((Throwable) timeout).isNotNull();
            assertThat(timeout.getErrorCode()).isEqualTo(1205);
            assertThat(count(s, "SELECT @@in_transaction")).isEqualTo(1);
            s.executeUpdate("INSERT INTO dl VALUES (202, 0, 'after')");
            s.execute("COMMIT");
            h.execute("ROLLBACK");
        }
        cluster.assertSameEverywhere("SELECT CONCAT_WS(':', id, v, w) FROM app.dl ORDER BY id",
                List.of("1:0", "2:0", "201:0:before", "202:0:after"));
    }

    @ParameterizedTest
    @ValueSource(strings = {LEADER, "follower"})
    void optimizeAndRepairTableAnswerAsMariaDbDoes(String through) throws Exception {
        int node = node(through);
        try (Connection c = cluster.connectRoot(nodes.leader()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS app.aria (id INT PRIMARY KEY) ENGINE = Aria");
        }
        cluster.awaitConverged();
        // (not OPTIMIZE of the Aria table: run again at once it answers "Table is already up to date")
        for (String statement : List.of("OPTIMIZE TABLE app.dl", "REPAIR TABLE app.dl", "REPAIR TABLE app.aria",
                "ANALYZE TABLE app.dl", "CHECK TABLE app.dl")) {
            List<String> direct;
            try (Connection engine = cluster.engineConnection(node); Statement s = engine.createStatement()) {
                direct = rows(s, statement);
            }
            try (Connection c = app(node); Statement s = c.createStatement()) {
                assertThat(rows(s, statement)).as(statement).isEqualTo(direct);
                assertThat(count(s, "SELECT COUNT(*) FROM dl")).isEqualTo(2);
            }
        }
    }

    /** As in MariaDB, OPTIMIZE commits the session's open transaction first: replicated as by COMMIT. */
    @ParameterizedTest
    @ValueSource(strings = {LEADER, "follower"})
    void optimizeInATransactionCommitsItFirst(String through) throws Exception {
        int node = node(through);
        try (Connection c = app(node); Statement s = c.createStatement()) {
            s.execute("BEGIN");
            s.executeUpdate("INSERT INTO dl VALUES (301, 0, 'optimize')");
            assertThat(rows(s, "OPTIMIZE TABLE dl")).last().isEqualTo("app.dl|optimize|status|OK");
            assertThat(count(s, "SELECT @@in_transaction")).isZero();
            s.execute("ROLLBACK"); // nothing left to roll back
        }
        cluster.assertSameEverywhere("SELECT CONCAT_WS(':', id, v, w) FROM app.dl ORDER BY id",
                List.of("1:0", "2:0", "301:0:optimize"));
    }

    private static int node(String through) {
        return LEADER.equals(through) ? nodes.leader() : nodes.follower();
    }

    private static Connection app(int node) throws SQLException {
        return cluster.connect(node, SharedCluster.APP_USER, SharedCluster.APP_PASSWORD);
    }

    private static void update(Statement s, String sql) {
        try {
            s.executeUpdate(sql);
        } catch (SQLException e) {
            throw new CompletionException(e);
        }
    }

    @FunctionalInterface
    private interface Action {
        void run() throws Exception;
    }

    /** The SQL error {@code action} failed with, or null when it succeeded. */
    private static SQLException failure(Action action) throws Exception {
        try {
            action.run();
            return null;
        } catch (SQLException e) {
            return e;
        } catch (CompletionException | java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof SQLException sql) {
                return sql;
            }
            throw e;
        }
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getLong(1);
        }
    }

    /** The column names, then each row, with values joined by {@code |}. */
    private static List<String> rows(Statement s, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData meta = rs.getMetaData();
            List<String> names = new ArrayList<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                names.add(meta.getColumnLabel(i));
            }
            rows.add(String.join("|", names));
            while (rs.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    values.add(rs.getString(i));
                }
                rows.add(String.join("|", values));
            }
        }
        return rows;
    }
}
