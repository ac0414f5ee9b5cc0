package io.fluxdb.server.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fluxdb.engine.spi.Cluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A follower whose data differs from the log's (rows changed behind the operator's back, so that a delete through the
 * leader removes one row there and none here) reports the divergence, re-syncs from a peer's dump while writes go on,
 * and ends with the cluster's data: the row changed behind its back is as the log says again.
 */
class DivergenceRepairIT {

    @Test
    void divergedFollowerResyncsFromAPeerAndConverges() throws Exception {
        try (TestCluster cluster = TestCluster.start(3)) {
            int leader = cluster.awaitLeader();
            int diverged = (leader + 1) % 3;
            try (Connection c = cluster.connectRoot(leader); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE accounts (id INT PRIMARY KEY, balance INT NOT NULL)");
                // an account every engine knows (each engine's root has its own password)
                s.execute("CREATE USER writer@'%' IDENTIFIED BY 'writer-pw'");
                s.execute("GRANT ALL ON app.* TO writer@'%'");
                for (int id = 1; id <= 10; id++) {
                    s.execute("INSERT INTO accounts VALUES (" + id + ", 100)");
                }
            }
            cluster.awaitConverged();
            Cluster follower = cluster.node(diverged).cluster();
            assertThat(follower.divergence()).isEmpty();

            // behind the operator's back: the follower's engine loses a row the log holds and changes another
            try (Connection c = cluster.engineConnection(diverged); Statement s = c.createStatement()) {
                assertThat(s.executeUpdate("DELETE FROM app.accounts WHERE id = 7")).isEqualTo(1);
                assertThat(s.executeUpdate("UPDATE app.accounts SET balance = 999 WHERE id = 5")).isEqualTo(1);
            }
            // writes go on while the follower re-syncs: one writer through the leader, one through the follower
            java.util.concurrent.atomic.AtomicInteger nextId = new java.util.concurrent.atomic.AtomicInteger(1000);
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.ConcurrentLinkedQueue<Throwable> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
            List<Thread> writers = new java.util.ArrayList<>();
            for (int node : List.of(leader, diverged)) {
                writers.add(Thread.ofPlatform().start(() -> {
                    try (Connection c = cluster.connect(node, "writer", "writer-pw");
                            Statement s = c.createStatement()) {
                        while (!stop.get()) {
                            int id = nextId.getAndIncrement();
                            s.execute("INSERT INTO accounts VALUES (" + id + ", " + id + ")");
                        }
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }));
            }
            Thread.sleep(500);
            try (Connection c = cluster.connectRoot(leader); Statement s = c.createStatement()) {
                // one row on the leader, none on the follower: the follower finds that it differs
                assertThat(s.executeUpdate("DELETE FROM accounts WHERE id = 7")).isEqualTo(1);
                for (int id = 11; id <= 30; id++) {
                    s.execute("INSERT INTO accounts VALUES (" + id + ", " + id + ")");
                }
            }
            Thread.sleep(5000);
            stop.set(true);
            for (Thread writer : writers) {
                writer.join();
            }
            assertThat(failures).isEmpty();
            int written = nextId.get() - 1000;
            cluster.awaitConverged();
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                assertThat(follower.divergence()).as("divergence of node " + diverged).isEmpty();
                assertThat(balance(cluster, diverged, 5)).as("the row changed behind the operator's back")
                        .contains(100);
            });
            try (Connection c = cluster.connectRoot(cluster.awaitLeader()); Statement s = c.createStatement()) {
                s.execute("INSERT INTO accounts VALUES (31, 31)");
            }
            cluster.awaitConverged();
            for (int i = 0; i < 3; i++) {
                assertThat(cluster.checksums(i)).as("node " + i).isEqualTo(cluster.checksums(leader))
                        .containsKey("`app`.`accounts`");
                assertThat(count(cluster, i)).as("rows on node " + i).isEqualTo(30 + written);
            }
        }
    }

    private static Optional<Integer> balance(TestCluster cluster, int node, int id) throws SQLException {
        try (Connection c = cluster.engineConnection(node); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT balance FROM app.accounts WHERE id = " + id)) {
            return rs.next() ? Optional.of(rs.getInt(1)) : Optional.empty();
        }
    }

    private static long count(TestCluster cluster, int node) throws SQLException {
        try (Connection c = cluster.engineConnection(node); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM app.accounts")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
