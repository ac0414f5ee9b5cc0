package io.fluxdb.server.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fluxdb.testkit.Requirements;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The leader cut off from both its peers, in both directions, while writers keep writing through every node: each
 * operator runs in its own network namespace ({@link NetNamespaces}), and the leader's peer link goes down for a while
 * and comes back. The cut-off leader acknowledges no write that began after the cut (it has no majority); the two
 * others elect a leader and acknowledge writes; after the heal the cut-off node serves writes again, and every node
 * ends with the same rows: every acknowledged write, no write that got a definite error.
 */
@Timeout(420)
class SymmetricPartitionIT {
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(20);
    private static NetNamespaces net;
    private static ProcessCluster cluster;

    @BeforeAll
    @Timeout(240)
    static void start() throws Exception {
        // not a client that CI installs: a machine (or container) without the privilege to make them skips this test
        Optional<String> why = NetNamespaces.unavailable();
        assumeTrue(why.isEmpty(), () -> "[skipped] SymmetricPartitionIT: " + why.get());
        Requirements.program("socat", "apt-get install -y socat");
        net = NetNamespaces.create(3);
        cluster = ProcessCluster.startIsolated(net);
        int leader = cluster.awaitLeader(Duration.ofSeconds(60));
        try (Connection c = cluster.connect(leader, Duration.ofSeconds(30)); Statement s = c.createStatement()) {
            s.execute("CREATE USER '" + ProcessCluster.WRITER + "'@'%' IDENTIFIED BY '" + ProcessCluster.WRITER_PASSWORD
                    + "'");
            s.execute("GRANT ALL ON *.* TO '" + ProcessCluster.WRITER + "'@'%'");
            s.execute("CREATE TABLE app.part (id BIGINT AUTO_INCREMENT PRIMARY KEY, token VARCHAR(40) NOT NULL UNIQUE,"
                    + " node INT NOT NULL)");
        }
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (net != null) {
            net.close();
        }
    }

    @Test
    void aLeaderCutOffBothWaysAcknowledgesNothingWhileTheOthersElectAndWriteAndAllConvergeAfterTheHeal()
            throws Exception {
        int leader = cluster.awaitLeader(Duration.ofSeconds(60));
        List<PinnedWriter> writers = new ArrayList<>();
        for (int i = 0; i < cluster.size(); i++) {
            writers.add(new PinnedWriter(i));
        }
        writers.forEach(PinnedWriter::start);
        long cutAt;
        long healAt;
        try {
            Thread.sleep(3_000);
            assertThat(cluster.leader()).as("the leader before the cut").hasValue(leader);
            net.cut(leader);
            cutAt = System.nanoTime();
            Thread.sleep(12_000); // a few election timeouts, and more than a write waits for its commit (5 s)
            healAt = System.nanoTime();
            net.heal(leader);
            Thread.sleep(10_000);
        } finally {
            for (PinnedWriter writer : writers) {
                writer.halt();
            }
        }
        for (PinnedWriter writer : writers) {
            System.out.println("SymmetricPartitionIT: " + writer.summary(cutAt, healAt));
        }

        List<Write> cutOffAcks = writers.get(leader).writes(w -> w.ok() && w.began() > cutAt && w.ended() < healAt);
        assertThat(cutOffAcks).as("writes the cut-off leader acknowledged though they began after the cut\n"
                + cluster.logTails(30)).isEmpty();
        for (PinnedWriter writer : writers) {
            if (writer.node != leader) {
                // through the new leader and through its follower, whose write in flight to the old leader at the
                // cut must not hold it up for the whole cut
                assertThat(writer.writes(w -> w.ok() && w.began() > cutAt && w.ended() < healAt))
                        .as("writes acknowledged through node-" + writer.node + " during the cut\n"
                                + cluster.logTails(30))
                        .isNotEmpty();
            }
        }
        assertThat(writers.get(leader).writes(w -> w.ok() && w.began() > healAt))
                .as("writes through the cut-off node after the heal\n" + cluster.logTails(30)).isNotEmpty();

        Set<String> acknowledged = new HashSet<>();
        Set<String> refused = new HashSet<>();
        for (PinnedWriter writer : writers) {
            writer.writes(Write::ok).forEach(w -> acknowledged.add(w.token()));
            writer.writes(Write::refused).forEach(w -> refused.add(w.token()));
        }
        List<Set<String>> rows = awaitConverged();
        assertThat(rows.get(0)).as("acknowledged writes").containsAll(acknowledged);
        assertThat(rows.get(0)).as("writes that got a definite error").doesNotContainAnyElementsOf(refused);
        Map<String, Long> sums = checksums(0);
        for (int i = 1; i < cluster.size(); i++) {
            assertThat(checksums(i)).as("checksums of node-" + i).isEqualTo(sums);
        }
    }

    /** Every node's tokens, once all nodes hold the same ones (within 90 s). */
    private static List<Set<String>> awaitConverged() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        List<Set<String>> rows = List.of();
        while (System.nanoTime() < deadline) {
            rows = new ArrayList<>();
            for (int i = 0; i < cluster.size(); i++) {
                rows.add(tokens(i));
            }
            if (rows.stream().distinct().count() == 1) {
                return rows;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the nodes hold different rows after 90 s: " + rows.stream().map(Set::size).toList()
                + "\n" + cluster.logTails(30));
    }

    private static Set<String> tokens(int node) throws SQLException {
        Set<String> tokens = new HashSet<>();
        try (Connection c = cluster.engineConnection(node); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT token FROM app.part")) {
            while (r.next()) {
                tokens.add(r.getString(1));
            }
        }
        return tokens;
    }

    private static Map<String, Long> checksums(int node) throws SQLException {
        try (Connection c = cluster.engineConnection(node)) {
            return EngineChecksums.of(c);
        }
    }

    /** One write and what its client was told: OK, a definite error, or nothing (the connection was lost). */
    record Write(String token, long began, long ended, String outcome) {
        boolean ok() {
            return outcome.equals("ok");
        }

        boolean refused() {
            return outcome.startsWith("error");
        }
    }

    /** A client that keeps inserting through one node, whoever leads, reconnecting when its connection is lost. */
    private static final class PinnedWriter extends Thread {
        private final int node;
        private final List<Write> writes = new CopyOnWriteArrayList<>();
        private volatile boolean running = true;
        private Connection connection;

        PinnedWriter(int node) {
            super("partition-writer-" + node);
            this.node = node;
        }

        @Override
        public void run() {
            for (int n = 0; running; n++) {
                String token = "n" + node + "-" + n;
                long began = System.nanoTime();
                String outcome = insert(token);
                writes.add(new Write(token, began, System.nanoTime(), outcome));
                if (!outcome.equals("ok")) {
                    pause(100);
                }
            }
            close();
        }

        private String insert(String token) {
            try {
                if (connection == null) {
                    connection = cluster.connectWriter(node, SOCKET_TIMEOUT);
                }
                try (Statement s = connection.createStatement()) {
                    s.executeUpdate("INSERT INTO app.part (token, node) VALUES ('" + token + "', " + node + ")");
                    return "ok";
                }
            } catch (SQLException e) {
                if (LeaderClient.lostConnection(e) || closed()) {
                    close(); // says nothing about the write: it may or may not have happened
                    return "unknown: " + e.getMessage();
                }
                return "error " + e.getErrorCode() + ": " + e.getMessage();
            }
        }

        private boolean closed() {
            try {
                return connection == null || connection.isClosed();
            } catch (SQLException e) {
                return true;
            }
        }

        private void close() {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // already broken
                }
                connection = null;
            }
        }

        private static void pause(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void halt() throws InterruptedException {
            running = false;
            join(SOCKET_TIMEOUT.plusSeconds(10).toMillis());
        }

        List<Write> writes(java.util.function.Predicate<Write> filter) {
            return writes.stream().filter(filter).toList();
        }

        String summary(long cutAt, long healAt) {
            long ok = writes(Write::ok).size();
            long okCut = writes(w -> w.ok() && w.began() > cutAt && w.ended() < healAt).size();
            long refused = writes(Write::refused).size();
            long unknown = writes(w -> w.outcome().startsWith("unknown")).size();
            String lastError = writes.stream().filter(w -> !w.ok()).map(Write::outcome).reduce((a, b) -> b).orElse("");
            return "through node-" + node + ": " + ok + " acknowledged (" + okCut + " begun and ended during the cut), "
                    + refused + " refused, " + unknown + " unknown; last error: " + lastError;
        }
    }
}
