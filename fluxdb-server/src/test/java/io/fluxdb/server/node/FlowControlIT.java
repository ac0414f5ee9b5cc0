package io.fluxdb.server.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fluxdb.api.FlowControlStatus;
import io.fluxdb.api.StatusClient;
import io.fluxdb.api.StatusReport;
import io.fluxdb.replication.FlowControl;
import io.fluxdb.replication.RaftCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Flow control on a real cluster: a follower whose apply is held up (a {@code LOCK TABLES ... READ} taken straight on
 * its engine, so the entries for that table wait) makes the leader hold new writes back, so the follower ends no more
 * than about {@code FLOW_CONTROL_LAG} entries behind; once it applied nothing for ten times {@code FLOW_CONTROL_WAIT},
 * writes stop waiting for it. Nothing is lost either way and every node ends with the same rows.
 */
@Timeout(300)
class FlowControlIT {
    private static final int MAX_LAG = 20;
    /**
     * What the follower may exceed the limit by: the writes admitted before the leader's next poll of the follower
     * (every 200 ms) saw it behind, those in flight, and those let go after waiting FLOW_CONTROL_WAIT. Without flow
     * control the follower falls behind by every write of the whole lock (several hundred here).
     */
    private static final int SLACK = 180;
    private static final int WRITERS = 4;

    private static TestCluster cluster;
    private static int leader;
    private static int follower;

    @BeforeAll
    static void start() throws Exception {
        // elections after 2-4 s without a leader: the writers talk to one leader throughout, on a loaded machine
        cluster = TestCluster.start(3, TestCluster.FAST.withElectionTimeout(Duration.ofSeconds(2), Duration.ofSeconds(4)),
                Map.of("FLOW_CONTROL_LAG", Integer.toString(MAX_LAG), "FLOW_CONTROL_WAIT", "1s"));
        leader = cluster.awaitLeader();
        follower = (leader + 1) % 3;
        try (Connection c = cluster.connectRoot(leader); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE app.events (id INT AUTO_INCREMENT PRIMARY KEY, writer INT, n INT)");
        }
        cluster.awaitConverged();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static RaftCluster raft(int i) {
        return (RaftCluster) cluster.node(i).cluster();
    }

    /** How far the follower is behind the leader's commit index now. */
    private static long followerLag() {
        return raft(leader).status().commitIndex() - raft(follower).status().appliedIndex();
    }

    @Test
    void aFollowerThatFallsBehindHoldsTheLeadersWritesBackUntilItStalls() throws Exception {
        long heldBefore = raft(leader).flowControl().state().writesHeld();
        try (Writers writers = new Writers()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> writers.acknowledged() > 100);

            // 1. held up for 5 s (less than 10 x FLOW_CONTROL_WAIT): the leader's writes wait for it
            long maxLag;
            try (Connection engine = cluster.engineConnection(follower); Statement s = engine.createStatement()) {
                s.execute("LOCK TABLES app.events READ");
                maxLag = maxLagFor(Duration.ofSeconds(5));
                s.execute("UNLOCK TABLES");
            }
            System.out.println("flow control: the follower was at most " + maxLag + " entries behind");
            assertThat(maxLag).as("the follower's lag while its apply was held up for 5 s; " + cluster.status())
                    .isGreaterThan(MAX_LAG) // the lock did hold its apply up
                    .isLessThanOrEqualTo(MAX_LAG + SLACK);
            assertThat(raft(leader).flowControl().state().writesHeld()).as("writes held while it was behind")
                    .isGreaterThanOrEqualTo(heldBefore + WRITERS);
            await().atMost(Duration.ofSeconds(30)).until(() -> followerLag() <= MAX_LAG
                    && !raft(leader).flowControl().state().holding());
            long before = writers.acknowledged();
            // held, the four writers would get about 4 writes a second through (one each per FLOW_CONTROL_WAIT)
            await().atMost(Duration.ofSeconds(10)).alias("writes go on at full speed once it caught up")
                    .until(() -> writers.acknowledged() > before + 100);

            // 2. held up for good: after 10 s without progress, writes no longer wait for it
            try (Connection engine = cluster.engineConnection(follower); Statement s = engine.createStatement()) {
                s.execute("LOCK TABLES app.events READ");
                await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(100))
                        .until(() -> raft(leader).flowControl().state().followers().stream()
                                .anyMatch(f -> f.nodeId().equals(raft(follower).localNodeId()) && !f.counted()));
                await().atMost(Duration.ofSeconds(30)).alias("writes go on without the stalled follower")
                        .until(() -> followerLag() > MAX_LAG + SLACK);
                s.execute("UNLOCK TABLES");
            }
            writers.stop();
            assertThat(writers.failures()).as("writes that failed").isEmpty();

            // nothing lost, nothing applied twice, the same rows everywhere
            cluster.awaitConverged();
            long acknowledged = writers.acknowledged();
            for (int i = 0; i < 3; i++) {
                try (Connection c = cluster.engineConnection(i); Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM app.events")) {
                    rs.next();
                    assertThat(rs.getLong(1)).as("rows on node " + i).isEqualTo(acknowledged);
                }
            }
            assertThat(cluster.checksums(follower)).isEqualTo(cluster.checksums(leader));
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            FlowControl.State state = raft(leader).flowControl().state();
            assertThat(state.followers()).as("the stalled follower counts again once it has caught up").hasSize(2)
                    .allSatisfy(f -> assertThat(f.counted()).isTrue());
        });

        // the leader's /status shows it; a follower's has none
        StatusReport leaderStatus = status(leader);
        assertThat(leaderStatus.flowControl()).isNotNull();
        assertThat(leaderStatus.flowControl().maxLag()).isEqualTo(MAX_LAG);
        assertThat(leaderStatus.flowControl().writesHeld()).isGreaterThanOrEqualTo(heldBefore + WRITERS);
        assertThat(leaderStatus.flowControl().followers()).extracting(FlowControlStatus.Follower::nodeId)
                .contains(raft(follower).localNodeId()).hasSize(2);
        assertThat(status(follower).flowControl()).isNull();
    }

    private static StatusReport status(int i) throws Exception {
        java.net.InetSocketAddress at = cluster.node(i).statusAddress();
        return new StatusClient(Duration.ofSeconds(5)).fetch(
                java.net.URI.create("http://127.0.0.1:" + at.getPort() + "/status"));
    }

    /** The highest lag of the follower seen in {@code period}, sampled every 20 ms. */
    private static long maxLagFor(Duration period) throws InterruptedException {
        long max = 0;
        long end = System.nanoTime() + period.toNanos();
        while (System.nanoTime() < end) {
            max = Math.max(max, followerLag());
            Thread.sleep(20);
        }
        return max;
    }

    /** {@link #WRITERS} clients inserting rows through the leader, one autocommit insert after the other. */
    private static final class Writers implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong acknowledged = new AtomicLong();
        private final AtomicReference<List<String>> failures = new AtomicReference<>(new ArrayList<>());
        private final List<Thread> threads = new ArrayList<>();

        Writers() {
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                threads.add(Thread.ofPlatform().name("flow-writer-" + w).start(() -> write(writer)));
            }
        }

        private void write(int writer) {
            try (Connection c = cluster.connectRoot(leader); Statement s = c.createStatement()) {
                for (int n = 0; running.get(); n++) {
                    s.executeUpdate("INSERT INTO app.events (writer, n) VALUES (" + writer + ", " + n + ")");
                    acknowledged.incrementAndGet();
                }
            } catch (SQLException e) {
                synchronized (failures) {
                    failures.get().add("writer " + writer + ": " + e);
                }
            }
        }

        long acknowledged() {
            return acknowledged.get();
        }

        List<String> failures() {
            synchronized (failures) {
                return List.copyOf(failures.get());
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join(Duration.ofSeconds(30));
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }
    }
}
