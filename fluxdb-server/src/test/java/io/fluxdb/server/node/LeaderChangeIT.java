package io.fluxdb.server.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fluxdb.engine.spi.ClusterRole;
import io.fluxdb.replication.RaftCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/**
 * A leader change seen from a follower's clients: a session between statements keeps its connection and its next
 * write runs on the new leader; a session whose transaction was open on the old leader loses its connection (the
 * transaction is gone) and nothing of that transaction appears anywhere.
 */
@Timeout(300)
class LeaderChangeIT {
    private static TestCluster cluster;

    @RegisterExtension
    static final SharedCluster nodes = SharedCluster.withAppAccount(
            "CREATE TABLE app.t (id INT AUTO_INCREMENT PRIMARY KEY, who VARCHAR(20))");

    @BeforeAll
    static void start() {
        cluster = nodes.cluster();
    }

    /**
     * Sessions connected to the leader itself, each with a transaction open, when leadership moves to another node
     * while that node stays up: the rest of a transaction must not run on the new leader (it would commit part of
     * it), and a COMMIT must not answer OK for writes that never left the old leader.
     */
    @Test
    void aTransactionOpenOnTheLeaderWhenItStopsLeadingIsRolledBackAndEndsItsConnection() throws Exception {
        int leader = cluster.awaitLeader();
        RaftCluster raft = (RaftCluster) cluster.node(leader).cluster();
        try (Connection writing = cluster.connect(leader, "app", "app-password");
                Statement w = writing.createStatement();
                Connection committing = cluster.connect(leader, "app", "app-password");
                Statement c = committing.createStatement()) {
            w.execute("BEGIN");
            assertThat(w.executeUpdate("INSERT INTO t (who) VALUES ('deposed 1')")).isEqualTo(1);
            c.execute("BEGIN");
            assertThat(c.executeUpdate("INSERT INTO t (who) VALUES ('deposed 2')")).isEqualTo(1);

            assertThat(raft.handOverLeadership()).as("a peer to hand leadership to").isPresent();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            // Until this node knows the new leader: then a statement could be sent there.
            while (raft.role().isLeader() || raft.role().leaderClientAddress().isEmpty()) {
                assertThat(System.nanoTime()).as("leadership handed over within 30 s").isLessThan(deadline);
                Thread.sleep(100);
            }

            assertThatThrownBy(() -> w.executeUpdate("INSERT INTO t (who) VALUES ('deposed 3')"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getMessage())
                            .contains("stopped being the leader while the transaction was open"));
            assertThat(writing.isValid(2)).as("the connection of the abandoned transaction").isFalse();
            assertThatThrownBy(() -> c.execute("COMMIT")).isInstanceOf(SQLException.class);
            assertThat(committing.isValid(2)).isFalse();
        }
        int newLeader = cluster.awaitLeader();
        try (Connection after = cluster.connect(newLeader, "app", "app-password");
                Statement s = after.createStatement()) {
            assertThat(s.executeUpdate("INSERT INTO t (who) VALUES ('deposed marker')")).isEqualTo(1);
        }
        cluster.awaitConverged();
        for (int i = 0; i < cluster.size(); i++) {
            assertThat(who(i, "LIKE 'deposed%'")).as("node " + i + ": nothing of the two transactions")
                    .containsExactly("deposed marker");
        }
    }

    /**
     * A session on the leader holds an advisory lock when leadership moves: the new leader's sessions may take the
     * same lock on its engine, so the old one protects nothing; the session's connection is closed, which releases it.
     */
    @Test
    void anAdvisoryLockHeldOnTheLeaderWhenItStopsLeadingEndsItsConnection() throws Exception {
        int leader = cluster.awaitLeader();
        RaftCluster raft = (RaftCluster) cluster.node(leader).cluster();
        try (Connection holding = cluster.connect(leader, "app", "app-password");
                Statement h = holding.createStatement();
                Connection asking = cluster.connect(leader, "app", "app-password");
                Statement a = asking.createStatement()) {
            assertThat(single(h, "SELECT GET_LOCK('moved-lock', 0)")).isEqualTo(1);
            assertThat(single(a, "SELECT IS_FREE_LOCK('unrelated-lock')")).as("asking takes no lock").isEqualTo(1);

            assertThat(raft.handOverLeadership()).as("a peer to hand leadership to").isPresent();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (holding.isValid(1)) {
                assertThat(System.nanoTime()).as("the lock holder's connection closed within 30 s").isLessThan(deadline);
                Thread.sleep(100);
            }
            assertThat(asking.isValid(2)).as("a session that holds no lock keeps its connection").isTrue();
        }
        try (Connection engine = DriverManager.getConnection(cluster.engine(leader).jdbcUrl(""), "root",
                cluster.engine(leader).rootPassword()); Statement e = engine.createStatement()) {
            // the operator resets or closes the engine connection as the client's goes: soon, not at once
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (single(e, "SELECT IS_FREE_LOCK('moved-lock')") != 1) {
                assertThat(System.nanoTime()).as("released on the old leader's engine within 10 s")
                        .isLessThan(deadline);
                Thread.sleep(100);
            }
        }
    }

    private static long single(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getLong(1);
        }
    }

    @Test
    void aFollowersSessionFollowsTheNewLeaderAndAnOpenTransactionEndsWithItsConnection() throws Exception {
        int leader = cluster.awaitLeader();
        int follower = (leader + 1) % cluster.size();
        try (Connection between = cluster.connect(follower, "app", "app-password");
                Statement s = between.createStatement();
                Connection inTransaction = cluster.connect(follower, "app", "app-password");
                Statement t = inTransaction.createStatement()) {
            assertThat(s.executeUpdate("INSERT INTO t (who) VALUES ('before')")).isEqualTo(1);
            t.execute("BEGIN");
            assertThat(t.executeUpdate("INSERT INTO t (who) VALUES ('lost')")).isEqualTo(1);

            cluster.stopNode(leader);
            int newLeader = cluster.awaitLeader();
            assertThat(newLeader).isNotEqualTo(leader);

            // The same connection: refused (retryable) at most while no leader is known, then written.
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (true) {
                try {
                    assertThat(s.executeUpdate("INSERT INTO t (who) VALUES ('after')")).isEqualTo(1);
                    break;
                } catch (SQLException e) {
                    assertThat(e.getErrorCode()).as(e.getMessage()).isEqualTo(1290);
                    assertThat(System.nanoTime()).as("a write accepted within 30 s").isLessThan(deadline);
                    Thread.sleep(200);
                }
            }
            assertThat(between.isValid(5)).isTrue();

            assertThatThrownBy(() -> {
                t.executeUpdate("INSERT INTO t (who) VALUES ('lost too')");
                t.execute("COMMIT");
            }).isInstanceOfSatisfying(SQLException.class,
                    e -> assertThat(e.getSQLState()).as(e.getMessage()).startsWith("08"));
        }
        cluster.startNode(leader);
        cluster.awaitConverged();
        for (int i = 0; i < cluster.size(); i++) {
            assertThat(who(i, "NOT LIKE 'deposed%'")).as("node " + i).containsExactly("before", "after");
        }
    }

    /**
     * A write sent through a follower right after the leader died, before anyone knows the next leader: it waits for
     * the election (bounded by {@code LeaderWait.LIMIT}) and runs on the new leader, instead of failing with "no
     * leader right now" or "cannot reach the leader" as it did, which most clients do not retry.
     */
    @Test
    void aWriteSentWhileTheLeaderIsGoneWaitsForTheNextLeaderAndRunsThere() throws Exception {
        int leader = cluster.awaitLeader();
        int follower = (leader + 1) % cluster.size();
        try (Connection c = cluster.connect(leader, "app", "app-password"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS waits (id INT AUTO_INCREMENT PRIMARY KEY, what VARCHAR(20))");
        }
        cluster.awaitConverged();
        try (Connection c = cluster.connect(follower, "app", "app-password"); Statement s = c.createStatement()) {
            assertThat(s.executeUpdate("INSERT INTO waits (what) VALUES ('before')")).isEqualTo(1);

            cluster.stopNode(leader);
            // at once: the follower still names the stopped leader, or no leader, for the next second or so
            assertThat(s.executeUpdate("INSERT INTO waits (what) VALUES ('during')")).isEqualTo(1);
            ClusterRole role = cluster.node(follower).cluster().role();
            assertThat(role.isLeader() || role.leaderId().isPresent()).as("a leader is known once the write ran")
                    .isTrue();
        }
        cluster.startNode(leader);
        cluster.awaitConverged();
        for (int i = 0; i < cluster.size(); i++) {
            List<String> rows = new ArrayList<>();
            try (Connection c = cluster.engineConnection(i); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT what FROM app.waits ORDER BY id")) {
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
            }
            assertThat(rows).as("node " + i).containsExactly("before", "during");
        }
    }

    /** The {@code who} of node {@code i}'s rows whose {@code who} matches {@code condition}, in insertion order. */
    private static List<String> who(int i, String condition) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = cluster.engineConnection(i); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT who FROM app.t WHERE who " + condition + " ORDER BY id")) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }
}
