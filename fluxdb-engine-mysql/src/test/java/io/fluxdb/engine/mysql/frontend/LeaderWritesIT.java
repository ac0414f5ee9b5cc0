package io.fluxdb.engine.mysql.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fluxdb.engine.mysql.testing.ScriptedCluster;
import io.fluxdb.engine.mysql.testing.ScriptedCluster.Submitted;
import io.fluxdb.engine.mysql.testing.TestOperator;
import io.fluxdb.engine.spi.BoundValue;
import io.fluxdb.engine.spi.ClusterException;
import io.fluxdb.engine.spi.EntryKind;
import io.fluxdb.engine.spi.ReplicatedStatement;
import io.fluxdb.protocol.constant.ServerStatus;
import io.fluxdb.testkit.MariaDbExtension;
import io.fluxdb.testkit.MariaDbProcess;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Writes through the front end of a replicated cluster's node, against a real MariaDB and real clients, with the
 * consensus played by {@link ScriptedCluster}: what the leader puts in the log, what the client sees, what the
 * engine holds, and what a follower refuses.
 */
@ExtendWith(MariaDbExtension.class)
@org.junit.jupiter.api.Timeout(120)
class LeaderWritesIT {
    private static final ScriptedCluster cluster = new ScriptedCluster();
    private static TestOperator operator;
    private static MariaDbProcess engine;

    @BeforeAll
    static void start(MariaDbProcess db) throws SQLException {
        engine = db;
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(""), "root", db.rootPassword());
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS appdb");
            s.execute("CREATE USER IF NOT EXISTS 'app'@'%' IDENTIFIED BY 'app-password'");
            s.execute("GRANT ALL ON appdb.* TO 'app'@'%'");
        }
        operator = TestOperator.start(db, cluster);
    }

    @AfterAll
    static void stop() {
        if (operator != null) {
            operator.close();
        }
    }

    @BeforeEach
    void resetTable() throws SQLException {
        cluster.leader();
        try (Connection c = direct(); Statement s = c.createStatement()) {
            // A transaction a test left prepared holds its locks until someone ends it: end it, and never wait long.
            // While its connection is still closing, the engine refuses to end it (XAER_RMFAIL): try again.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).ignoreExceptions()
                    .until(() -> {
                        for (String xid : preparedTransactions()) {
                            s.execute("XA ROLLBACK '" + xid + "'");
                        }
                        return true;
                    });
            s.execute("SET SESSION lock_wait_timeout = 30");
            s.execute("DROP TABLE IF EXISTS appdb.t");
            s.execute("CREATE TABLE appdb.t (id BIGINT AUTO_INCREMENT PRIMARY KEY, v INT,"
                    + " ts DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6), r DOUBLE, u VARCHAR(64)) CHARACTER SET utf8mb4");
        }
    }

    @Test
    void autocommitInsertIsLoggedWithItsHintsBeforeTheClientHearsOk() throws Exception {
        int before = cluster.log().size();
        try (Connection c = app(); Statement s = c.createStatement()) {
            assertThat(s.executeUpdate("INSERT INTO t (v) VALUES (1), (2)", Statement.RETURN_GENERATED_KEYS)).isEqualTo(2);
            try (ResultSet keys = s.getGeneratedKeys()) {
                assertThat(keys.next()).isTrue();
                assertThat(keys.getLong(1)).isEqualTo(1);
            }
        }
        assertThat(cluster.log()).hasSize(before + 1);
        Submitted submitted = cluster.last();
        assertThat(submitted.entry().kind()).isEqualTo(EntryKind.TRANSACTION);
        assertThat(submitted.entry().account()).contains("'app'@'%'");
        assertThat(submitted.entry().session().database()).as(submitted.entry().session().toString()).contains("appdb");
        assertThat(submitted.entry().originTransaction()).isPresent();
        ReplicatedStatement insert = submitted.entry().statements().getFirst();
        assertThat(insert.sql()).isEqualTo("INSERT INTO t (v) VALUES (1), (2)");
        assertThat(insert.hints().insertId()).hasValue(1);
        assertThat(insert.affectedRows()).hasValue(2);
        // The clock was pinned for the statement: the column default holds exactly the logged timestamp.
        long micros = insert.hints().timestampMicros().orElseThrow();
        try (Connection c = direct(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT ts FROM appdb.t WHERE id = 1")) {
            rs.next();
            assertThat(toMicros(rs.getTimestamp(1))).isEqualTo(micros);
        }
        assertThat(cluster.settled(submitted.index())).isTrue();
        assertThat(preparedTransactions()).isEmpty();
        assertThat(count("SELECT COUNT(*) FROM fluxdb.leader_commits WHERE xid = '"
                + submitted.entry().originTransaction().get() + "'")).isEqualTo(1);
    }

    @Test
    void loadDataLocalInfileCarriesTheClientsFileInTheEntry() throws Exception {
        byte[] file = "10,alpha\n11,beta\n12,gamma\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String load = "LOAD DATA LOCAL INFILE 'rows.csv' INTO TABLE t FIELDS TERMINATED BY ',' (id, u)";
        try (TestOperator withInfile = TestOperator.start(engine, java.util.Map.of("local-infile", "true"), cluster);
                Connection c = DriverManager.getConnection(withInfile.jdbcUrl("appdb", "allowLocalInfile=true"),
                        "app", "app-password")) {
            int before = cluster.log().size();
            assertThat(load(c, load, file)).isEqualTo(3);
            assertThat(cluster.log()).hasSize(before + 1);
            ReplicatedStatement logged = cluster.last().entry().statements().getFirst();
            assertThat(logged.sql()).isEqualTo(load);
            assertThat(logged.hints().localInfile()).contains(new BoundValue.Bytes(file));
            assertThat(logged.affectedRows()).hasValue(3);

            // In an explicit transaction: one entry at COMMIT, with the file.
            c.setAutoCommit(false);
            assertThat(load(c, load.replace("rows.csv", "more.csv"),
                    "20,delta\n".getBytes(java.nio.charset.StandardCharsets.UTF_8))).isEqualTo(1);
            c.commit();
            assertThat(cluster.log()).hasSize(before + 2);
            assertThat(cluster.last().entry().statements().getFirst().hints().localInfile()).isPresent();
        }
        assertThat(count("SELECT COUNT(*) FROM appdb.t WHERE id IN (10, 11, 12, 20)")).isEqualTo(4);
        assertThat(preparedTransactions()).isEmpty();
    }

    @Test
    void loadDataLocalInfileLargerThanALogEntryIsRolledBackWithAClearError() throws Exception {
        byte[] file = "1,x\n".repeat(500).getBytes(java.nio.charset.StandardCharsets.UTF_8); // 2,000 bytes
        String load = "LOAD DATA LOCAL INFILE 'big.csv' IGNORE INTO TABLE t FIELDS TERMINATED BY ',' (id, u)";
        cluster.maxEntryBytes(1_000);
        try (TestOperator withInfile = TestOperator.start(engine, java.util.Map.of("local-infile", "true"), cluster);
                Connection c = DriverManager.getConnection(withInfile.jdbcUrl("appdb", "allowLocalInfile=true"),
                        "app", "app-password")) {
            int before = cluster.log().size();
            assertThatThrownBy(() -> load(c, load, file)).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1197))
                    .hasMessageContaining("larger than a replicated transaction may be");
            // A transaction whose entry the log refuses is rolled back too.
            byte[] small = "30,a\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            cluster.maxEntryBytes(80);
            assertThatThrownBy(() -> load(c, load.replace("big.csv", "x".repeat(60) + ".csv"), small))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1197))
                    .hasMessageContaining("too large to replicate");
            // The session goes on.
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t")) {
                rs.next();
                assertThat(rs.getLong(1)).isZero();
            }
            assertThat(cluster.log()).hasSize(before);
        } finally {
            cluster.maxEntryBytes(Integer.MAX_VALUE);
        }
        assertThat(preparedTransactions()).isEmpty();
    }

    private static long load(Connection c, String sql, byte[] file) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.unwrap(org.mariadb.jdbc.Statement.class).setLocalInfileInputStream(
                    new java.io.ByteArrayInputStream(file));
            return s.executeLargeUpdate(sql);
        }
    }

    @Test
    void aRoutineThatBuildsSqlAtRunTimeIsRefusedWhenDefined() throws Exception {
        int before = cluster.log().size();
        try (Connection c = app(); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute("CREATE PROCEDURE dyn() BEGIN EXECUTE IMMEDIATE"
                    + " CONCAT('INSERT INTO t (u) VALUES (', 'UUID())'); END"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1592))
                    .hasMessageContaining("builds SQL at run time");
        }
        assertThat(count("SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_NAME = 'dyn'")).isZero();
        assertThat(cluster.log()).hasSize(before);
    }

    @Test
    void sqlLevelExecuteIsRefusedBecauseFollowersCannotReplayIt() throws Exception {
        int before = cluster.log().size();
        try (Connection c = app(); Statement s = c.createStatement()) {
            s.execute("PREPARE sel FROM 'SELECT COUNT(*) FROM t'"); // a read: prepared on the engine as usual
            for (String statement : List.of("PREPARE ins FROM 'INSERT INTO t (u) VALUES (UUID())'", "EXECUTE sel",
                    "EXECUTE IMMEDIATE 'INSERT INTO t (u) VALUES (UUID())'")) {
                assertThatThrownBy(() -> s.execute(statement)).as(statement)
                        .isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1235))
                        .hasMessageContaining("EXECUTE and EXECUTE IMMEDIATE in a cluster");
            }
        }
        assertThat(count("SELECT COUNT(*) FROM appdb.t")).isZero();
        assertThat(cluster.log()).hasSize(before);
    }

    @Test
    void autocommitWriteLooksAsFromMariaDbDirectly() throws Exception {
        try (RawClient client = RawClient.login(operator.port(), "app", "app-password")) {
            client.query("USE appdb");
            RawClient.Response ok = client.query("INSERT INTO t (v) VALUES (7)");
            assertThat(ok.first().isOk()).isTrue();
            int status = statusOf(ok.first().payload());
            assertThat(status & ServerStatus.SERVER_STATUS_IN_TRANS).isZero();
            assertThat(status & ServerStatus.SERVER_STATUS_AUTOCOMMIT).isNotZero();
            assertThat(client.query("SELECT @@in_transaction").value()).isEqualTo("0");
            // Reads after the write see the real clock again, not the write's pinned one.
            assertThat(client.query("SELECT @@timestamp = UNIX_TIMESTAMP(NOW(6))").value()).isEqualTo("1");
        }
    }

    @Test
    void anAutocommitWritesWarningsReachTheClientThroughTheCommit() throws Exception {
        int before = cluster.log().size();
        try (Connection c = app(); Statement s = c.createStatement()) {
            s.execute("SET SESSION sql_mode = ''");
            // 2^31 does not fit an INT: stored as 2147483647 with warning 1264, as MariaDB does without strict mode
            assertThat(s.executeUpdate("INSERT INTO t (v) VALUES (2147483648), (1)")).isEqualTo(2);
            assertThat(warningCodes(s.getWarnings())).containsExactly(1264);
            try (ResultSet rs = s.executeQuery("SHOW WARNINGS")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt("Code")).isEqualTo(1264);
                assertThat(rs.getString("Message")).contains("Out of range value for column 'v'");
                assertThat(rs.next()).isFalse();
            }
        }
        assertThat(cluster.log()).hasSize(before + 1);
        assertThat(cluster.settled(cluster.last().index())).isTrue();
        assertThat(count("SELECT COUNT(*) FROM appdb.t WHERE v = 2147483647")).isEqualTo(1);
        assertThat(preparedTransactions()).isEmpty();
    }

    @Test
    void anAutocommitWriteTheEngineRefusesLeavesNothingPreparedOrLogged() throws Exception {
        int before = cluster.log().size();
        long leaderRows = count("SELECT COUNT(*) FROM fluxdb.leader_commits");
        try (Connection c = app(); Statement s = c.createStatement()) {
            assertThat(s.executeUpdate("INSERT INTO t (id, v) VALUES (1, 1)")).isEqualTo(1);
            assertThatThrownBy(() -> s.executeUpdate("INSERT INTO t (id, v) VALUES (2, 2), (1, 3)"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1062));
            assertThat(preparedTransactions()).isEmpty();
            // the session is outside any transaction: its next write is its own entry
            assertThat(s.executeUpdate("INSERT INTO t (id, v) VALUES (3, 4)")).isEqualTo(1);
            try (ResultSet rs = s.executeQuery("SELECT @@in_transaction")) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
            }
        }
        assertThat(cluster.log()).hasSize(before + 2);
        assertThat(count("SELECT COUNT(*) FROM appdb.t")).isEqualTo(2);
        assertThat(count("SELECT COUNT(*) FROM appdb.t WHERE id = 2")).isZero();
        // the refused write's leader_commits row went with its transaction
        assertThat(count("SELECT COUNT(*) FROM fluxdb.leader_commits")).isEqualTo(leaderRows + 2);
    }

    @Test
    void aWriteWhoseLeaderCommitsRowIsRefusedIsRolledBackAndTheSessionGoesOn() throws Exception {
        int before = cluster.log().size();
        try (Connection admin = direct(); Statement a = admin.createStatement()) {
            a.execute("REVOKE INSERT ON fluxdb.leader_commits FROM PUBLIC");
            try (Connection c = app(); Statement s = c.createStatement()) {
                assertThatThrownBy(() -> s.executeUpdate("INSERT INTO t (v) VALUES (1)"))
                        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1142));
                a.execute("GRANT INSERT ON fluxdb.leader_commits TO PUBLIC");
                // nothing of the refused write's transaction is left open on the session's engine connection
                try (ResultSet rs = s.executeQuery("SELECT @@in_transaction, COUNT(*) FROM t")) {
                    rs.next();
                    assertThat(rs.getInt(1)).isZero();
                    assertThat(rs.getInt(2)).isZero();
                }
                assertThat(s.executeUpdate("INSERT INTO t (v) VALUES (2)")).isEqualTo(1);
            } finally {
                a.execute("GRANT INSERT ON fluxdb.leader_commits TO PUBLIC");
            }
        }
        assertThat(cluster.log()).hasSize(before + 1);
        assertThat(count("SELECT COUNT(*) FROM appdb.t WHERE v = 1")).isZero();
        assertThat(count("SELECT COUNT(*) FROM appdb.t WHERE v = 2")).isEqualTo(1);
        assertThat(preparedTransactions()).isEmpty();
    }

    private static List<Integer> warningCodes(java.sql.SQLWarning warning) {
        List<Integer> codes = new ArrayList<>();
        for (java.sql.SQLWarning w = warning; w != null; w = w.getNextWarning()) {
            codes.add(w.getErrorCode());
        }
        return codes;
    }

    @Test
    void explicitTransactionIsOneEntryAndRollbackIsNone() throws Exception {
        int before = cluster.log().size();
        try (Connection c = app(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.executeUpdate("INSERT INTO t (v) VALUES (10)");
            s.executeUpdate("UPDATE t SET v = v + 1");
            s.executeUpdate("INSERT INTO t (v) VALUES (20)");
            c.commit();
            s.executeUpdate("INSERT INTO t (v) VALUES (30)");
            c.rollback();
        }
        assertThat(cluster.log()).hasSize(before + 1);
        assertThat(cluster.last().entry().statements()).extracting(ReplicatedStatement::sql)
                .containsExactly("INSERT INTO t (v) VALUES (10)", "UPDATE t SET v = v + 1", "INSERT INTO t (v) VALUES (20)");
        assertThat(count("SELECT COUNT(*) FROM appdb.t")).isEqualTo(2);
        assertThat(count("SELECT SUM(v) FROM appdb.t")).isEqualTo(31);
        assertThat(preparedTransactions()).isEmpty();
    }

    @Test
    void serverSidePreparedWritesAreLoggedWithTheirParameters() throws Exception {
        int before = cluster.log().size();
        try (Connection c = DriverManager.getConnection(operator.jdbcUrl("appdb", "sslMode=disable",
                "useServerPrepStmts=true"), "app", "app-password");
                java.sql.PreparedStatement insert = c.prepareStatement("INSERT INTO t (v, u, r) VALUES (?, ?, ?)")) {
            insert.setInt(1, 42);
            insert.setString(2, "grüße, 世界");
            insert.setNull(3, java.sql.Types.DOUBLE);
            assertThat(insert.executeUpdate()).isEqualTo(1);
            insert.setInt(1, -7);
            insert.setString(2, "second");
            insert.setDouble(3, 0.1);
            assertThat(insert.executeUpdate()).isEqualTo(1);
        }
        List<Submitted> entries = cluster.log().subList(before, cluster.log().size());
        assertThat(entries).hasSize(2);
        ReplicatedStatement first = entries.get(0).entry().statements().getFirst();
        assertThat(first.sql()).isEqualTo("INSERT INTO t (v, u, r) VALUES (?, ?, ?)");
        assertThat(first.parameters()).containsExactly(new BoundValue.Int(42), new BoundValue.Text("grüße, 世界"),
                BoundValue.Null.INSTANCE);
        assertThat(entries.get(1).entry().statements().getFirst().parameters())
                .containsExactly(new BoundValue.Int(-7), new BoundValue.Text("second"), new BoundValue.Real(0.1));
        assertThat(count("SELECT COUNT(*) FROM appdb.t WHERE u = 'grüße, 世界' AND v = 42")).isEqualTo(1);
    }

    @Test
    void transactionsOpenedAndEndedByServerSidePreparedStatementsAreReplicated() throws Exception {
        int before = cluster.log().size();
        // sysbench prepares BEGIN and COMMIT on the server as well as its writes.
        try (RawClient client = RawClient.login(operator.port(), "app", "app-password")) {
            client.query("USE appdb");
            for (String sql : List.of("BEGIN", "INSERT INTO t (v) VALUES (11)", "UPDATE t SET v = v + 1", "COMMIT")) {
                RawClient.RawPacket answer = client.prepareAndExecute(sql);
                assertThat(answer.isOk()).as(sql + ": " + answer).isTrue();
            }
            assertThat(client.query("SELECT @@in_transaction").value()).isEqualTo("0");
        }
        assertThat(cluster.log()).hasSize(before + 1);
        assertThat(cluster.last().entry().statements()).extracting(ReplicatedStatement::sql)
                .containsExactly("INSERT INTO t (v) VALUES (11)", "UPDATE t SET v = v + 1");
        assertThat(count("SELECT SUM(v) FROM appdb.t")).isEqualTo(12);
    }

    /**
     * The engine rolls a deadlock victim's whole transaction back: the operator ends it at once, so the session's
     * next statements run (here, with autocommit off, in a new transaction), its diagnostics are the engine's, and
     * nothing of the rolled-back transaction reaches the log.
     */
    @Test
    void aTransactionTheEngineRolledBackForADeadlockIsOverAndCommitsNothingAnywhere() throws Exception {
        int before = twoRows();
        try (Connection a = app(); Connection b = app(); Statement sa = a.createStatement();
                Statement sb = b.createStatement()) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            sa.executeUpdate("UPDATE t SET v = 1 WHERE id = 1");
            sb.executeUpdate("UPDATE t SET v = 2 WHERE id = 2");
            java.util.concurrent.CompletableFuture<Void> blocked = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    sa.executeUpdate("UPDATE t SET v = 1 WHERE id = 2");
                } catch (SQLException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            // One of the two is chosen as the deadlock victim; the other goes on.
            SQLException victim = null;
            Statement rolledBack = sb;
            try {
                sb.executeUpdate("UPDATE t SET v = 2 WHERE id = 1");
            } catch (SQLException e) {
                victim = e;
            }
            try {
                blocked.join();
            } catch (java.util.concurrent.CompletionException e) {
                victim = (SQLException) e.getCause();
                rolledBack = sa;
            }
            assertThat((Throwable) victim).isNotNull();
            assertThat(victim.getErrorCode()).isEqualTo(1213);
            try (ResultSet warnings = rolledBack.executeQuery("SHOW WARNINGS")) {
                assertThat(warnings.next()).isTrue();
                assertThat(warnings.getInt("Code")).as("the engine's error, as MariaDB shows it").isEqualTo(1213);
            }
            assertThat(rolledBack.executeUpdate("INSERT INTO t (id, v) VALUES (3, 3)")).isEqualTo(1);
            // Both commit as a client would: the victim's new transaction holds its INSERT alone.
            a.commit();
            b.commit();
        }
        assertThat(cluster.log()).hasSize(before + 2);
        assertThat(preparedTransactions()).isEmpty();
        assertThat(count("SELECT COUNT(*) FROM appdb.t WHERE v = 0")).isZero();
        assertThat(count("SELECT COUNT(*) FROM appdb.t")).isEqualTo(3);
    }

    /** A deadlock victim in autocommit mode: its statement's transaction ends without a trace, its warnings kept. */
    @Test
    void anAutocommitDeadlockVictimKeepsTheEnginesDiagnostics() throws Exception {
        int before = twoRows();
        try (Connection a = app(); Connection b = app(); Statement sa = a.createStatement();
                Statement sb = b.createStatement()) {
            a.setAutoCommit(false);
            sa.executeUpdate("UPDATE t SET v = 1 WHERE id = 1");
            // b locks row 2, then waits for row 1; then a asks for row 2: a deadlock, whatever the engine's version
            // (MySQL's own example, a shared lock upgraded, is granted at once by MariaDB 11.4)
            java.util.concurrent.CompletableFuture<Integer> waits = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            return sb.executeUpdate("UPDATE t SET v = 2 WHERE id IN (1, 2) ORDER BY id DESC");
                        } catch (SQLException e) {
                            throw new java.util.concurrent.CompletionException(e);
                        }
                    });
            Thread.sleep(500);
            SQLException aFailed = null;
            try {
                sa.executeUpdate("UPDATE t SET v = 1 WHERE id = 2");
            } catch (SQLException e) {
                aFailed = e;
            }
            Statement victim = sb;
            try {
                waits.join();
                victim = sa;
            } catch (java.util.concurrent.CompletionException e) {
                assertThat(((SQLException) e.getCause()).getErrorCode()).isEqualTo(1213);
            }
            assertThat(aFailed == null).as("exactly one victim").isEqualTo(victim == sb);
            try (ResultSet warnings = victim.executeQuery("SHOW WARNINGS")) {
                assertThat(warnings.next()).isTrue();
                assertThat(warnings.getInt("Code")).isEqualTo(1213);
            }
            a.commit();
        }
        assertThat(cluster.log()).hasSize(before + 1);
        assertThat(preparedTransactions()).isEmpty();
    }

    /** Rows 1 and 2 in {@code appdb.t}, written past the operator; returns the log's size. */
    private static int twoRows() throws SQLException {
        try (Connection c = direct(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO appdb.t (id, v) VALUES (1, 0), (2, 0)");
        }
        return cluster.log().size();
    }

    @Test
    void savepointsReplayAsWritten() throws Exception {
        try (Connection c = app(); Statement s = c.createStatement()) {
            s.execute("BEGIN");
            s.executeUpdate("INSERT INTO t (v) VALUES (1)");
            s.execute("SAVEPOINT before_two");
            s.executeUpdate("INSERT INTO t (v) VALUES (2)");
            s.execute("ROLLBACK TO SAVEPOINT before_two");
            s.execute("COMMIT");
        }
        assertThat(cluster.last().entry().statements()).extracting(ReplicatedStatement::sql).containsExactly(
                "INSERT INTO t (v) VALUES (1)", "SAVEPOINT before_two", "INSERT INTO t (v) VALUES (2)",
                "ROLLBACK TO SAVEPOINT before_two");
        assertThat(count("SELECT COUNT(*) FROM appdb.t")).isEqualTo(1);
    }

    @Test
    void userVariablesAreLoggedAsValuesNotExpressions() throws Exception {
        try (Connection c = app(); Statement s = c.createStatement()) {
            s.execute("SET @id = UUID(), @n = 41");
            s.executeUpdate("INSERT INTO t (u, v) VALUES (@id, @n + 1)");
        }
        ReplicatedStatement insert = cluster.last().entry().statements().getFirst();
        String stored;
        try (Connection c = direct(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT u FROM appdb.t")) {
            rs.next();
            stored = rs.getString(1);
        }
        assertThat(insert.hints().userVariables())
                .containsEntry("id", new BoundValue.Text(stored))
                .containsEntry("n", new BoundValue.Int(41));
    }

    @Test
    void randIsSeededByTheLeaderSoReplayDrawsTheSameValue() throws Exception {
        try (Connection c = app(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO t (r) VALUES (RAND())");
        }
        var seed = cluster.last().entry().statements().getFirst().hints().randSeed().orElseThrow();
        try (Connection c = direct(); Statement s = c.createStatement()) {
            s.execute("SET rand_seed1 = " + seed.seed1() + ", rand_seed2 = " + seed.seed2());
            try (ResultSet replay = s.executeQuery("SELECT RAND(), (SELECT r FROM appdb.t)")) {
                replay.next();
                assertThat(replay.getDouble(1)).isEqualTo(replay.getDouble(2));
            }
        }
    }

    @Test
    void unsafeWriteIsRefusedAndChangesNothing() throws Exception {
        int before = cluster.log().size();
        try (Connection c = app(); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.executeUpdate("INSERT INTO t (u) VALUES (UUID())"))
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getErrorCode()).isEqualTo(1592);
                        assertThat(e.getMessage()).contains("SET @id = UUID()");
                    });
            // The session is still usable.
            assertThat(s.executeUpdate("INSERT INTO t (v) VALUES (1)")).isEqualTo(1);
        }
        assertThat(cluster.log()).hasSize(before + 1);
        assertThat(count("SELECT COUNT(*) FROM appdb.t WHERE u IS NOT NULL")).isZero();
    }

    @Test
    void ddlIsItsOwnEntryAndCommitsAnOpenTransactionFirst() throws Exception {
        int before = cluster.log().size();
        try (Connection c = app(); Statement s = c.createStatement()) {
            s.execute("BEGIN");
            s.executeUpdate("INSERT INTO t (v) VALUES (5)");
            s.execute("CREATE TABLE t2 (a INT PRIMARY KEY)");
        }
        List<Submitted> entries = cluster.log().subList(before, cluster.log().size());
        assertThat(entries).extracting(e -> e.entry().kind())
                .containsExactly(EntryKind.TRANSACTION, EntryKind.IMPLICIT_COMMIT);
        assertThat(entries.get(1).entry().statements().getFirst().sql()).isEqualTo("CREATE TABLE t2 (a INT PRIMARY KEY)");
        assertThat(count("SELECT COUNT(*) FROM appdb.t")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_NAME = 't2'")).isEqualTo(1);
        try (Connection c = direct(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE appdb.t2");
        }
    }

    @Test
    void ddlWaitsABoundedTimeForAnOpenWriteTransaction() throws Exception {
        int before = cluster.log().size();
        try (Connection idle = app(); Statement si = idle.createStatement(); Connection c = app();
                Statement s = c.createStatement()) {
            idle.setAutoCommit(false);
            si.executeUpdate("INSERT INTO t (v) VALUES (1)");
            long started = System.nanoTime();
            assertThatThrownBy(() -> s.execute("CREATE TABLE t3 (a INT)"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1205));
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - started))
                    .isGreaterThanOrEqualTo(ClusterSession.DDL_BARRIER_WAIT.minusMillis(100));
            // The barrier is free again: the idle transaction commits, and DDL runs.
            idle.commit();
            s.execute("CREATE TABLE t3 (a INT)");
            s.execute("DROP TABLE t3");
        }
        assertThat(cluster.log().subList(before, cluster.log().size())).extracting(e -> e.entry().kind())
                .containsExactly(EntryKind.TRANSACTION, EntryKind.IMPLICIT_COMMIT, EntryKind.IMPLICIT_COMMIT);
    }

    @Test
    void ddlTheEngineRefusesIsNotLogged() throws Exception {
        int before = cluster.log().size();
        try (Connection c = app(); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute("CREATE TABLE t (a INT)"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1050));
            assertThatThrownBy(() -> s.execute("CREATE DATABASE forbidden"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1044));
        }
        assertThat(cluster.log()).hasSize(before);
    }

    @Test
    void autocommitModeOffOpensReplicatedTransactions() throws Exception {
        int before = cluster.log().size();
        try (Connection c = app(); Statement s = c.createStatement()) {
            s.execute("SET autocommit = 0");
            s.executeQuery("SELECT COUNT(*) FROM t").close();
            s.executeUpdate("INSERT INTO t (v) VALUES (1)");
            s.execute("COMMIT");
            s.executeUpdate("INSERT INTO t (v) VALUES (2)");
            s.execute("ROLLBACK");
        }
        assertThat(cluster.log()).hasSize(before + 1);
        assertThat(count("SELECT COUNT(*) FROM appdb.t")).isEqualTo(1);
    }

    @Test
    void writeHiddenInAStoredFunctionIsReplicatedOnTheLeader() throws Exception {
        createCountingFunction();
        int before = cluster.log().size();
        try (Connection c = app(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT add_row(9)")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(9);
        }
        assertThat(cluster.log()).hasSize(before + 1);
        assertThat(cluster.last().entry().statements().getFirst().sql()).isEqualTo("SELECT add_row(9)");
        assertThat(count("SELECT COUNT(*) FROM appdb.t WHERE v = 9")).isEqualTo(1);
    }

    @Test
    void writeHiddenInAReadInsideATransactionIsRefusedAtCommit() throws Exception {
        createCountingFunction();
        int before = cluster.log().size();
        try (Connection c = app(); Statement s = c.createStatement()) {
            s.execute("BEGIN");
            s.executeUpdate("INSERT INTO t (v) VALUES (1)");
            s.executeQuery("SELECT COUNT(*) FROM t").close();
            s.executeQuery("SELECT add_row(2)").close();
            assertThatThrownBy(() -> s.execute("COMMIT"))
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getErrorCode()).isEqualTo(1592);
                        assertThat(e.getMessage()).contains("rolled back");
                    });
            // Reads alone inside a transaction are fine.
            s.execute("BEGIN");
            s.executeUpdate("INSERT INTO t (v) VALUES (3)");
            s.executeQuery("SELECT COUNT(*) FROM t").close();
            s.execute("COMMIT");
        }
        assertThat(cluster.log()).hasSize(before + 1);
        assertThat(count("SELECT COUNT(*) FROM appdb.t")).isEqualTo(1);
        assertThat(preparedTransactions()).isEmpty();
    }

    @Test
    void withoutForwardingAFollowerRefusesWritesNamingTheLeaderAndTheEngineCatchesHiddenOnes() throws Exception {
        createCountingFunction();
        cluster.follower(new InetSocketAddress("10.1.2.3", 3307));
        int before = cluster.log().size();
        try (TestOperator refusing = TestOperator.start(engine, java.util.Map.of("forward-writes", "false"), cluster);
                Connection c = DriverManager.getConnection(refusing.jdbcUrl("appdb"), "app", "app-password");
                Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.executeUpdate("INSERT INTO t (v) VALUES (1)"))
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getErrorCode()).isEqualTo(1290);
                        assertThat(e.getMessage()).contains("follower").contains("10.1.2.3:3307");
                    });
            assertThatThrownBy(() -> s.executeQuery("SELECT add_row(3)"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1290));
            // A client cannot switch the engine session out of read-only mode.
            s.execute("SET SESSION TRANSACTION READ WRITE");
            assertThatThrownBy(() -> s.executeQuery("SELECT add_row(4)"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1290));
            assertThatThrownBy(() -> s.executeQuery("SET STATEMENT tx_read_only = 0 FOR SELECT add_row(6)"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1235));
            s.execute("START TRANSACTION READ WRITE");
            assertThatThrownBy(() -> s.executeQuery("SELECT add_row(5)"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1290));
            s.execute("ROLLBACK");
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t")) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
            }
        }
        assertThat(cluster.log()).hasSize(before);
        assertThat(count("SELECT COUNT(*) FROM appdb.t")).isZero();
    }

    @Test
    void notLeaderAtSubmitRollsBackWithAClearError() throws Exception {
        cluster.failNextSubmit(ClusterException.Reason.NOT_LEADER);
        try (Connection c = app(); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.executeUpdate("INSERT INTO t (v) VALUES (1)"))
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getErrorCode()).isEqualTo(1290);
                        assertThat(e.getMessage()).contains("rolled back");
                    });
            assertThat(s.executeUpdate("INSERT INTO t (v) VALUES (2)")).isEqualTo(1);
        }
        assertThat(count("SELECT COUNT(*) FROM appdb.t WHERE v = 1")).isZero();
        assertThat(preparedTransactions()).isEmpty();
    }

    @Test
    void unknownOutcomeClosesTheConnectionAndKeepsTheTransactionPrepared() throws Exception {
        cluster.failNextSubmit(ClusterException.Reason.NO_QUORUM);
        try (Connection c = app(); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.executeUpdate("INSERT INTO t (v) VALUES (1)"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).startsWith("08"));
        }
        List<String> prepared = preparedTransactions();
        assertThat(prepared).hasSize(1);
        // Prepared, not committed: invisible until the log decides (the next test's set-up rolls it back).
        assertThat(count("SELECT COUNT(*) FROM appdb.t")).isZero();
    }

    private static void createCountingFunction() throws SQLException {
        try (Connection c = direct(); Statement s = c.createStatement()) {
            s.execute("DROP FUNCTION IF EXISTS appdb.add_row");
            s.execute("CREATE DEFINER = 'app'@'%' FUNCTION appdb.add_row(x INT) RETURNS INT MODIFIES SQL DATA"
                    + " BEGIN INSERT INTO appdb.t (v) VALUES (x); RETURN x; END");
        }
    }

    private static List<String> preparedTransactions() throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection c = direct(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("XA RECOVER")) {
            while (rs.next()) {
                ids.add(rs.getString("data"));
            }
        }
        return ids;
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = direct(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long toMicros(Timestamp ts) {
        Instant i = ts.toInstant();
        return ChronoUnit.MICROS.between(Instant.EPOCH, i);
    }

    /** OK packet: header, affected rows and insert id (one byte each for small values), then the status. */
    private static int statusOf(byte[] ok) {
        return (ok[3] & 0xFF) | (ok[4] & 0xFF) << 8;
    }

    private static Connection app() throws SQLException {
        return DriverManager.getConnection(operator.jdbcUrl("appdb"), "app", "app-password");
    }

    private static Connection direct() throws SQLException {
        return DriverManager.getConnection(engine.jdbcUrl(""), "root", engine.rootPassword());
    }
}
