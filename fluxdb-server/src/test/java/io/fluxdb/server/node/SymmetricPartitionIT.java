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
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node cut off from both its peers, in both directions, while writers keep writing through every node: each
 * operator runs in its own network namespace ({@link NetNamespaces}), and one node's peer link goes down for a while
 * and comes back. A cut-off leader acknowledges no write that began after the cut (it has no majority); a cut-off
 * follower answers its clients within a bounded time rather than for as long as the cut lasts; the two others (elect a
 * leader if needed and) acknowledge writes; after the heal the cut-off node serves writes again, and every node ends
 * with the same rows: every acknowledged write, no write that got a definite error.
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
        // a few election timeouts, and more than a write waits for its commit (5 s)
        Round round = cutUnderWriters("leader-cut", leader, Duration.ofSeconds(12),
                () -> assertThat(cluster.leader()).as("the leader before the cut").hasValue(leader));
        List<PinnedWriter> writers = round.writers();
        long cutAt = round.cutAt();
        long healAt = round.healAt();

        List<Write> cutOffAcks = writers.get(leader).writes(w -> w.ok() && w.began() > cutAt && w.ended() < healAt);
        assertThat(cutOffAcks).as("writes the cut-off leader acknowledged though they began after the cut\n"
                + cluster.logTails(30)).isEmpty();
        // through the new leader and through its follower, whose write in flight to the old leader at the cut must
        // not hold it up for the whole cut
        assertTheOthersWroteDuringTheCutAndTheNodeAfterTheHeal(round, leader);
        assertConverged(writers);
    }

    @Test
    void aFollowerCutOffBothWaysAnswersItsClientsInBoundedTimeWhileTheOthersWriteAndCatchesUpAfterTheHeal()
            throws Exception {
        int leader = cluster.awaitLeader(Duration.ofSeconds(60));
        int follower = (leader + 1) % cluster.size();
        // a session that wrote through the follower before the cut and is idle when the follower loses its leader:
        // its next write must get a definite "no leader", not be sent on to the old leader over the idle session
        AtomicReference<Object> idleOutcome = new AtomicReference<>();
        Connection idle = cluster.connectWriter(follower, SOCKET_TIMEOUT);
        try (Statement s = idle.createStatement()) {
            s.executeUpdate("INSERT INTO app.part (token, node) VALUES ('idle-before', " + follower + ")");
        }
        Round round;
        try {
            round = cutUnderWriters("follower-cut", follower, Duration.ofSeconds(15),
                    () -> assertThat(cluster.leader()).as("the leader before the cut").hasValue(leader),
                    Duration.ofMillis(7_500), () -> {
                        try (Statement s = idle.createStatement()) {
                            idleOutcome.set(s.executeUpdate("INSERT INTO app.part (token, node) VALUES ('idle-cut', "
                                    + follower + ")"));
                        } catch (SQLException e) {
                            idleOutcome.set(e);
                        }
                    },
                    // the leader's connection to the follower, cut without a word, carries data again only at the
                    // kernel's next retransmission, ~10 s after a 15 s cut
                    Duration.ofSeconds(40));
        } finally {
            idle.close();
        }
        assertThat(idleOutcome.get()).as("the idle session's write during the cut").isInstanceOfSatisfying(
                SQLException.class, e -> assertThat(e.getErrorCode()).as(e.getMessage()).isEqualTo(1290));
        List<PinnedWriter> writers = round.writers();
        long cutAt = round.cutAt();
        long healAt = round.healAt();

        // The write in flight to the leader at the cut, and every write after it, ends long before the heal: with a
        // lost connection (its outcome is unknown) or with the no-leader error once the wait for a leader ends.
        long bound = Duration.ofSeconds(9).toNanos();
        List<Write> stuck = writers.get(follower).writes(w -> w.ended() > cutAt && w.began() < healAt - bound
                && w.ended() - w.began() > bound);
        assertThat(stuck).as("writes through the cut-off follower that waited longer than 9 s\n"
                + cluster.logTails(30)).isEmpty();
        assertThat(writers.get(follower).writes(w -> w.ended() > cutAt && w.ended() < healAt && !w.ok()))
                .as("writes through the cut-off follower that ended, unacknowledged, during the cut").isNotEmpty();
        assertTheOthersWroteDuringTheCutAndTheNodeAfterTheHeal(round, follower);
        // a strong read asks the leader for its read index over the follower's own connection to it
        Set<String> acknowledged = new HashSet<>();
        writers.forEach(w -> w.writes(Write::ok).forEach(ok -> acknowledged.add(ok.token())));
        try (Connection c = cluster.connectWriter(follower, SOCKET_TIMEOUT); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("/* fluxdb_consistency=strong */ SELECT token FROM app.part")) {
            Set<String> seen = new HashSet<>();
            while (r.next()) {
                seen.add(r.getString(1));
            }
            assertThat(seen).as("rows a strong read on the healed follower sees").containsAll(acknowledged);
        } catch (SQLException e) {
            throw new AssertionError("a strong read on the healed follower failed: " + e.getMessage() + "\n"
                    + cluster.logTails(40), e);
        }
        assertConverged(writers);
        assertThat(tokens(0)).as("the idle session's refused write").doesNotContain("idle-cut");
    }

    /** Writers on every node, and when one node's peer link went down and came back. */
    private record Round(List<PinnedWriter> writers, long cutAt, long healAt) {
    }

    /**
     * Starts a writer on every node, cuts {@code node}'s peer link after 3 s (once {@code beforeCut} passed) for
     * {@code cut}, heals it, lets the writers go on for 10 s, stops them and prints what each was told.
     */
    private static Round cutUnderWriters(String name, int node, Duration cut, Runnable beforeCut) throws Exception {
        return cutUnderWriters(name, node, cut, beforeCut, Duration.ZERO, () -> { }, Duration.ofSeconds(10));
    }

    /**
     * As above, running {@code duringCut} {@code after} the cut began (the cut lasts at least as long as it runs), and
     * letting the writers go on for {@code healed} after the heal.
     */
    private static Round cutUnderWriters(String name, int node, Duration cut, Runnable beforeCut, Duration after,
            Runnable duringCut, Duration healed) throws Exception {
        List<PinnedWriter> writers = new ArrayList<>();
        for (int i = 0; i < cluster.size(); i++) {
            writers.add(new PinnedWriter(i, name));
        }
        writers.forEach(PinnedWriter::start);
        long cutAt;
        long healAt;
        try {
            Thread.sleep(3_000);
            beforeCut.run();
            net.cut(node);
            cutAt = System.nanoTime();
            Thread.sleep(after.toMillis());
            duringCut.run();
            Thread.sleep(Math.max(0, cut.toMillis() - (System.nanoTime() - cutAt) / 1_000_000));
            healAt = System.nanoTime();
            net.heal(node);
            Thread.sleep(healed.toMillis());
        } finally {
            for (PinnedWriter writer : writers) {
                writer.halt();
            }
        }
        for (PinnedWriter writer : writers) {
            System.out.println("SymmetricPartitionIT (" + name + "): " + writer.summary(cutAt, healAt));
        }
        return new Round(writers, cutAt, healAt);
    }

    /** Every node but the cut-off one acknowledged writes during the cut; the cut-off one did after the heal. */
    private static void assertTheOthersWroteDuringTheCutAndTheNodeAfterTheHeal(Round round, int cutOff) {
        for (PinnedWriter writer : round.writers()) {
            if (writer.node != cutOff) {
                assertThat(writer.writes(w -> w.ok() && w.began() > round.cutAt() && w.ended() < round.healAt()))
                        .as("writes acknowledged through node-" + writer.node + " during the cut\n"
                                + cluster.logTails(30))
                        .isNotEmpty();
            }
        }
        assertThat(round.writers().get(cutOff).writes(w -> w.ok() && w.began() > round.healAt()))
                .as("writes through the cut-off node-" + cutOff + " after the heal\n" + cluster.logTails(30))
                .isNotEmpty();
    }

    private static void assertConverged(List<PinnedWriter> writers) throws Exception {
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
        /** Names this test's writes apart from another test's on the same cluster. */
        private final String round;
        private final List<Write> writes = new CopyOnWriteArrayList<>();
        private volatile boolean running = true;
        private Connection connection;

        PinnedWriter(int node, String round) {
            super("partition-writer-" + node);
            this.node = node;
            this.round = round;
        }

        @Override
        public void run() {
            for (int n = 0; running; n++) {
                String token = round + "-n" + node + "-" + n;
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
