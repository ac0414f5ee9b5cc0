package io.fluxdb.server.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The transaction access mode a client asks for holds in a cluster, through the leader and through a follower, as on
 * one MariaDB: a write in a read-only session, transaction or next transaction is refused with ERROR 1792 and reaches
 * no node, while reads, read-only procedures and an explicit READ WRITE transaction still work. (The engine sessions
 * of a cluster are read-only whatever the client asks, so the operator keeps the client's mode.)
 */
@Timeout(300)
class ClientAccessModeIT {
    private static TestCluster cluster;
    private static int leader;
    private static int follower;

    @RegisterExtension
    static final SharedCluster nodes = SharedCluster.withAppAccount(
            "CREATE TABLE app.rows_ (id INT PRIMARY KEY, v VARCHAR(10))",
            "CREATE PROCEDURE app.count_rows() SELECT COUNT(*) FROM app.rows_");

    @BeforeAll
    static void roles() {
        cluster = nodes.cluster();
        leader = nodes.leader();
        follower = nodes.follower();
    }

    @BeforeEach
    void empty() throws Exception {
        try (Connection c = cluster.connectRoot(leader); Statement s = c.createStatement()) {
            s.execute("DELETE FROM app.rows_");
        }
        cluster.awaitConverged();
    }

    @ParameterizedTest(name = "node {0} (0: leader, 1: follower)")
    @ValueSource(ints = {0, 1})
    void aWriteInAReadOnlySessionOrTransactionIsRefusedAndReachesNoNode(int which) throws Exception {
        int node = which == 0 ? leader : follower;
        try (Connection c = app(node); Statement s = c.createStatement()) {
            s.execute("START TRANSACTION READ ONLY");
            refused(s, "INSERT INTO rows_ VALUES (1, 'a')");
            s.execute("COMMIT");

            s.execute("SET SESSION TRANSACTION READ ONLY");
            refused(s, "INSERT INTO rows_ VALUES (2, 'b')");
            refused(s, "UPDATE rows_ SET v = 'x'");
            refused(s, "CREATE TABLE rows_too (id INT)");
            refused(s, "SELECT * FROM rows_ FOR UPDATE");
            s.execute("BEGIN");
            refused(s, "INSERT INTO rows_ VALUES (3, 'c')");
            s.execute("COMMIT");
            try (PreparedStatement p = c.prepareStatement("INSERT INTO rows_ VALUES (?, 'p')")) {
                p.setInt(1, 4);
                assertThatThrownBy(p::executeUpdate).isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1792));
            }
            // reads, and a procedure that only reads, still run
            assertThat(count(s, "SELECT COUNT(*) FROM rows_")).isZero();
            try (ResultSet rs = s.executeQuery("CALL count_rows()")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isZero();
            }
            // an explicit READ WRITE transaction may write, as on MariaDB
            s.execute("START TRANSACTION READ WRITE");
            s.executeUpdate("INSERT INTO rows_ VALUES (5, 'rw')");
            s.execute("COMMIT");
            // the next transaction's mode, then the session's again
            s.execute("SET TRANSACTION READ WRITE");
            s.executeUpdate("INSERT INTO rows_ VALUES (6, 'next')");
            refused(s, "INSERT INTO rows_ VALUES (7, 'g')");

            s.execute("SET SESSION tx_read_only = 0");
            s.execute("SET TRANSACTION READ ONLY");
            refused(s, "INSERT INTO rows_ VALUES (8, 'h')");
            s.executeUpdate("INSERT INTO rows_ VALUES (9, 'after')");

            s.execute("BEGIN");
            assertThatThrownBy(() -> s.execute("SET TRANSACTION READ ONLY")).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1568));
            s.executeUpdate("INSERT INTO rows_ VALUES (10, 'in')");
            s.execute("COMMIT");

            assertThatThrownBy(() -> s.execute("SET SESSION tx_read_only = @mode")).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1235));
        }
        cluster.assertSameEverywhere("SELECT id FROM app.rows_ ORDER BY id", List.of("5", "6", "9", "10"));
    }

    private static void refused(Statement s, String sql) {
        assertThatThrownBy(() -> s.execute(sql)).as(sql).isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1792))
                .hasMessageContaining("READ ONLY transaction");
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getLong(1);
        }
    }

    private static Connection app(int node) throws SQLException {
        return cluster.connectWithOptions(node, SharedCluster.APP_USER, SharedCluster.APP_PASSWORD,
                "useServerPrepStmts=true");
    }
}
