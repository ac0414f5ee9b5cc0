package io.fluxdb.server.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fluxdb.replication.RaftCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * A node's MariaDB crashes (kill -9) while its operator keeps running, as when the engine's container restarts: a
 * follower resumes applying the log once its engine is back, without a restart of the operator; a leader whose engine
 * crashed hands leadership to a peer, so the cluster keeps taking writes, and catches up once its engine returns.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(300)
class EngineOutageIT {
    private static TestCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = TestCluster.start(3);
        int leader = cluster.awaitLeader();
        try (Connection c = cluster.connectRoot(leader); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE events (id INT AUTO_INCREMENT PRIMARY KEY, what VARCHAR(40))");
        }
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void aFollowerWhoseEngineCrashedResumesApplyingWhenItIsBack() throws Exception {
        int leader = cluster.awaitLeader();
        int follower = (leader + 1) % cluster.size();
        cluster.engine(follower).kill();
        insert(leader, "while follower engine is down", 20);
        // the follower cannot apply them; its operator keeps running and says why
        await().atMost(Duration.ofSeconds(20))
                .until(() -> ((RaftCluster) cluster.node(follower).cluster()).failure().isPresent());

        cluster.engine(follower).start();
        cluster.awaitConverged();
        assertThat(((RaftCluster) cluster.node(follower).cluster()).failure()).isEmpty();
        assertSameEverywhere(leader);
        assertThat(count(follower, "while follower engine is down")).isEqualTo(20);
    }

    @Test
    @Order(2)
    void aLeaderWhoseEngineCrashedHandsOverLeadershipAndCatchesUpLater() throws Exception {
        int oldLeader = cluster.awaitLeader();
        cluster.engine(oldLeader).kill();
        // its apply fails at the next entry or health check; a write makes sure there is one
        try (Connection c = cluster.connectRoot(oldLeader); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO events (what) VALUES ('lost with the engine')");
        } catch (SQLException expected) {
            // the engine is gone: the write cannot run, and the client is told
        }
        int newLeader = awaitLeaderOtherThan(oldLeader);
        insert(newLeader, "after the leader engine crashed", 20);

        cluster.engine(oldLeader).start();
        cluster.awaitConverged();
        assertSameEverywhere(newLeader);
        assertThat(count(oldLeader, "after the leader engine crashed")).isEqualTo(20);
        assertThat(count(newLeader, "lost with the engine")).isZero();
    }

    private static int awaitLeaderOtherThan(int old) {
        int[] found = new int[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            for (int i = 0; i < cluster.size(); i++) {
                if (i != old && cluster.node(i).cluster().role().isLeader()) {
                    found[0] = i;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    private static void insert(int node, String what, int rows) throws SQLException {
        try (Connection c = cluster.connectRoot(node); Statement s = c.createStatement()) {
            for (int i = 0; i < rows; i++) {
                s.executeUpdate("INSERT INTO events (what) VALUES ('" + what + "')");
            }
        }
    }

    private static void assertSameEverywhere(int reference) throws SQLException {
        Map<String, Long> expected = cluster.checksums(reference);
        assertThat(expected).containsKey("`app`.`events`");
        for (int i = 0; i < cluster.size(); i++) {
            assertThat(cluster.checksums(i)).as("node " + i).isEqualTo(expected);
        }
    }

    private static long count(int node, String what) throws SQLException {
        try (Connection c = cluster.engineConnection(node); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM app.events WHERE what = '" + what + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
