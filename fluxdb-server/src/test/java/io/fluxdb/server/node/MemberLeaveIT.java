package io.fluxdb.server.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fluxdb.replication.RaftCluster;
import io.fluxdb.replication.RaftMember;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code fluxdb leave}, run where a node runs with its configuration, removes that node from a cluster of static
 * peers for good. The node asked here leads: it hands leadership over first and the new leader removes it; it keeps
 * running outside the cluster without asking to join again, and writes go on through the others. With 3 voters left,
 * removing another is refused with the reason.
 */
class MemberLeaveIT {

    @Test
    void theLeaderLeavesThroughTheCommandAndTheClusterGoesOnWithoutIt() throws Exception {
        try (TestCluster cluster = TestCluster.start(4)) {
            int leader = cluster.awaitLeader();
            await().atMost(Duration.ofSeconds(60)).until(() -> members(cluster, leader).size() == 4);
            String leaving = raft(cluster, leader).localNodeId();
            try (Connection c = cluster.connectRoot(leader); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE kept (id INT PRIMARY KEY)");
                s.execute("INSERT INTO kept VALUES (1)");
            }

            StringBuilder output = new StringBuilder();
            int exit = cluster.command(leader, "leave", output);
            assertThat(exit).as("fluxdb leave printed:\n" + output).isZero();
            assertThat(output).contains("hands leadership to").contains("removed");
            assertThat(MemberLeave.marker(cluster.dataDirectory(leader))).exists();

            int next = cluster.awaitLeader();
            assertThat(next).isNotEqualTo(leader);
            assertThat(members(cluster, next)).extracting(RaftMember::id).hasSize(3).doesNotContain(leaving);
            // the node still runs, outside the cluster, and does not ask to join again
            Thread.sleep(6000);
            assertThat(members(cluster, next)).extracting(RaftMember::id).hasSize(3).doesNotContain(leaving);
            assertThat(raft(cluster, leader).isMember()).isFalse();
            cluster.stopNode(leader);
            try (Connection c = cluster.connectRoot(next); Statement s = c.createStatement()) {
                s.execute("INSERT INTO kept VALUES (2)");
            }
            cluster.awaitConverged();
            for (int i = 0; i < 4; i++) {
                if (i == leader) {
                    continue;
                }
                try (Connection c = cluster.engineConnection(i); Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM app.kept")) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("rows on node " + i).isEqualTo(2);
                }
            }

            // three voters are the floor: the next removal is refused, and says why
            int follower = next == (leader + 1) % 4 ? (leader + 2) % 4 : (leader + 1) % 4;
            StringBuilder refused = new StringBuilder();
            assertThat(cluster.command(follower, "leave", refused, "--leave-timeout", "20s"))
                    .as("fluxdb leave printed:\n" + refused).isEqualTo(1);
            assertThat(refused).contains("at least 3");
            assertThat(members(cluster, next)).hasSize(3);
        }
    }

    private static RaftCluster raft(TestCluster cluster, int i) {
        return (RaftCluster) cluster.node(i).cluster();
    }

    private static List<RaftMember> members(TestCluster cluster, int i) {
        return raft(cluster, i).members();
    }
}
