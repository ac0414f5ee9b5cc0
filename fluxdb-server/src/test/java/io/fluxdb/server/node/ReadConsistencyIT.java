package io.fluxdb.server.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Read consistency on a follower whose apply is held back by a row lock taken directly on its engine: an eventual
 * read answers at once with the old row, a strong read (chosen per session or by a comment) waits until the
 * follower has applied the leader's write, and without a majority a strong read and a write fail in bounded time while an
 * eventual one is still served.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(300)
class ReadConsistencyIT {
    private static TestCluster cluster;
    private static int leader;
    private static int follower;

    @RegisterExtension
    static final SharedCluster nodes = SharedCluster.withAppAccount(
            "CREATE TABLE app.kv (k INT PRIMARY KEY, v INT)",
            "INSERT INTO app.kv VALUES (1, 0), (2, 0), (3, 0)");

    @BeforeAll
    static void roles() {
        cluster = nodes.cluster();
        leader = nodes.leader();
        follower = nodes.follower();
    }

    @Test
    @Order(1)
    void aStrongReadWaitsForTheLeadersLatestWriteAndAnEventualReadDoesNot() throws Exception {
        try (Connection lock = cluster.engineConnection(follower); Statement locking = lock.createStatement();
                Connection reader = cluster.connectRoot(follower); Statement read = reader.createStatement()) {
            lock.setAutoCommit(false);
            locking.executeQuery("SELECT * FROM app.kv WHERE k = 1 FOR UPDATE").close();
            update(1, 7); // acknowledged by the leader and a majority; this follower cannot apply it yet

            read.execute("SET @@session.fluxdb_consistency = 'eventual'");
            assertThat(value(read, "SELECT v FROM kv WHERE k = 1")).isZero();

            read.execute("SET @@session.fluxdb_consistency = 'strong'");
            CompletableFuture<Integer> strong = CompletableFuture.supplyAsync(() -> value(read,
                    "SELECT v FROM kv WHERE k = 1"));
            Thread.sleep(1_500);
            assertThat(strong).as("a strong read must wait for the write").isNotDone();
            lock.rollback();
            assertThat(strong.get(20, TimeUnit.SECONDS)).isEqualTo(7);
        }
    }

    @Test
    @Order(2)
    void aCommentChoosesTheLevelForOneStatement() throws Exception {
        try (Connection lock = cluster.engineConnection(follower); Statement locking = lock.createStatement();
                Connection reader = cluster.connectRoot(follower); Statement read = reader.createStatement()) {
            read.execute("SET SESSION fluxdb_consistency = eventual");
            lock.setAutoCommit(false);
            locking.executeQuery("SELECT * FROM app.kv WHERE k = 2 FOR UPDATE").close();
            update(2, 9);
            assertThat(value(read, "SELECT v FROM kv WHERE k = 2")).isZero();
            CompletableFuture<Integer> strong = CompletableFuture.supplyAsync(() -> value(read,
                    "/* fluxdb_consistency=strong */ SELECT v FROM kv WHERE k = 2"));
            Thread.sleep(1_500);
            assertThat(strong).isNotDone();
            lock.rollback();
            assertThat(strong.get(20, TimeUnit.SECONDS)).isEqualTo(9);
        }
    }

    @Test
    @Order(3)
    void anUnknownLevelIsRefusedAndChangesNothing() throws Exception {
        try (Connection reader = cluster.connectRoot(follower); Statement read = reader.createStatement()) {
            assertThatThrownBy(() -> read.execute("SET @@session.fluxdb_consistency = 'linearizable'"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1231))
                    .hasMessageContaining("expected: session, eventual or strong");
            assertThatThrownBy(() -> read.execute("SET fluxdb_consistency = 'strong', sql_mode = ''"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1235));
            assertThat(value(read, "SELECT v FROM kv WHERE k = 1")).isEqualTo(7);
        }
    }

    @Test
    @Order(4)
    void aCommitTokenFromTheLeaderMakesAReadOnAnotherNodeWaitForThatWrite() throws Exception {
        long token;
        try (Connection writer = cluster.connectRoot(leader); Statement s = writer.createStatement()) {
            assertThat(value(s, "SELECT @@fluxdb_last_commit")).isZero();
            try (Connection lock = cluster.engineConnection(follower); Statement locking = lock.createStatement();
                    Connection reader = cluster.connectRoot(follower); Statement read = reader.createStatement()) {
                lock.setAutoCommit(false);
                locking.executeQuery("SELECT * FROM app.kv WHERE k = 1 FOR UPDATE").close();
                assertThat(s.executeUpdate("UPDATE kv SET v = 11 WHERE k = 1")).isEqualTo(1);
                try (ResultSet rs = s.executeQuery("SELECT @@session.fluxdb_last_commit")) {
                    rs.next();
                    token = rs.getLong(1);
                    assertThat(rs.getMetaData().getColumnLabel(1)).isEqualTo("@@session.fluxdb_last_commit");
                }
                assertThat(token).isPositive();

                try (ResultSet rs = read.executeQuery("SELECT @@fluxdb_consistency")) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo("session");
                }
                // This session wrote nothing: without the token its reads do not wait.
                assertThat(value(read, "SELECT v FROM kv WHERE k = 1")).isEqualTo(7);
                read.execute("SET @@session.fluxdb_read_after = " + token);
                CompletableFuture<Integer> after = CompletableFuture.supplyAsync(() -> value(read,
                        "SELECT v FROM kv WHERE k = 1"));
                Thread.sleep(1_500);
                assertThat(after).as("a read after the token waits for that write").isNotDone();
                lock.rollback();
                assertThat(after.get(20, TimeUnit.SECONDS)).isEqualTo(11);
                assertThatThrownBy(() -> read.execute("SET @@session.fluxdb_last_commit = 1"))
                        .isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1238));
            }
        }
    }

    @Test
    @Order(5)
    void aWriteForwardedThroughAFollowerIsReadByTheNextReadOfAnyOfItsConnections() throws Exception {
        try (Connection lock = cluster.engineConnection(follower); Statement locking = lock.createStatement();
                Connection writer = cluster.connect(follower, SharedCluster.APP_USER, SharedCluster.APP_PASSWORD);
                Statement write = writer.createStatement();
                Connection reader = cluster.connectRoot(follower); Statement read = reader.createStatement();
                Connection eventual = cluster.connectRoot(follower); Statement look = eventual.createStatement()) {
            look.execute("SET @@session.fluxdb_consistency = 'eventual'");
            assertThat(value(read, "SELECT v FROM kv WHERE k = 3")).isZero();
            lock.setAutoCommit(false);
            locking.executeQuery("SELECT * FROM app.kv WHERE k = 3 FOR UPDATE").close();
            // Forwarded to the leader and acknowledged by a majority; this follower cannot apply it yet.
            assertThat(write.executeUpdate("UPDATE kv SET v = 13 WHERE k = 3")).isEqualTo(1);
            assertThat(value(look, "SELECT v FROM kv WHERE k = 3")).as("eventual: the follower's engine as it is")
                    .isZero();

            // Another connection, as a pool hands out: it wrote nothing, yet its read must see the acknowledged write.
            CompletableFuture<Integer> other = CompletableFuture.supplyAsync(() -> value(read,
                    "SELECT v FROM kv WHERE k = 3"));
            Thread.sleep(1_500);
            assertThat(other).as("a session read on the node the write went through waits for it").isNotDone();
            lock.rollback();
            assertThat(other.get(20, TimeUnit.SECONDS)).isEqualTo(13);

            // A connection opened after the write, likewise.
            locking.executeQuery("SELECT * FROM app.kv WHERE k = 3 FOR UPDATE").close();
            assertThat(write.executeUpdate("UPDATE kv SET v = 14 WHERE k = 3")).isEqualTo(1);
            try (Connection fresh = cluster.connectRoot(follower); Statement s = fresh.createStatement()) {
                CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> value(s,
                        "SELECT v FROM kv WHERE k = 3"));
                Thread.sleep(1_500);
                assertThat(first).as("a new connection's first read waits too").isNotDone();
                lock.rollback();
                assertThat(first.get(20, TimeUnit.SECONDS)).isEqualTo(14);
            }
        }
    }

    @Test
    @Order(6)
    void withoutAMajorityStrongReadsFailInBoundedTimeAndEventualReadsAreServed() throws Exception {
        int survivor = follower;
        for (int i = 0; i < cluster.size(); i++) {
            if (i != survivor) {
                cluster.stopNode(i);
            }
        }
        try (Connection reader = cluster.connectRoot(survivor); Statement read = reader.createStatement()) {
            read.execute("SET @@session.fluxdb_consistency = 'eventual'");
            assertThat(value(read, "SELECT v FROM kv WHERE k = 2")).isEqualTo(9);
            read.execute("SET @@session.fluxdb_consistency = 'strong'");
            long started = System.nanoTime();
            assertThatThrownBy(() -> read.executeQuery("SELECT v FROM kv WHERE k = 2"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1205))
                    .hasMessageContaining("strong read could not be served");
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(20);

            // A write has nowhere to run: refused after the 5 s it waits for a leader, with a retryable error, and
            // nothing of it stays here.
            started = System.nanoTime();
            assertThatThrownBy(() -> read.executeUpdate("UPDATE kv SET v = 100 WHERE k = 2"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1290))
                    .hasMessageContaining("etry");
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(20);
            read.execute("SET @@session.fluxdb_consistency = 'eventual'");
            assertThat(value(read, "SELECT v FROM kv WHERE k = 2")).isEqualTo(9);
        }
    }

    private static void update(int key, int value) throws SQLException {
        try (Connection c = cluster.connectRoot(leader); Statement s = c.createStatement()) {
            assertThat(s.executeUpdate("UPDATE kv SET v = " + value + " WHERE k = " + key)).isEqualTo(1);
        }
    }

    private static int value(Statement s, String sql) {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
