package io.fluxdb.server.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fluxdb.replication.RaftCluster;
import io.fluxdb.replication.RaftMember;
import io.fluxdb.server.Main;
import io.fluxdb.server.cli.DevLauncher;
import io.fluxdb.server.cli.NodeLauncher;
import io.fluxdb.server.config.NodeConfig;
import io.fluxdb.testkit.MariaDbProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Outside Flux: a node whose {@code PEERS} names a running three-node cluster that does not list it finds that
 * cluster through the peers' internal API instead of forming its own, joins it through the leader, and ends with the
 * cluster's data.
 */
@Timeout(300)
class StaticJoinIT {

    @Test
    void aNodeAddedToThePeerListLaterJoinsTheRunningCluster() throws Exception {
        try (TestCluster cluster = TestCluster.start(3); MariaDbProcess engine = MariaDbProcess.builder().start()) {
            int leader = cluster.awaitLeader();
            try (Connection c = cluster.connectRoot(leader); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE early (id INT PRIMARY KEY)");
                s.execute("INSERT INTO early VALUES (1), (2), (3)");
            }
            int base = cluster.node(0).clientAddress().getPort();
            Path dataDir = Files.createTempDirectory("fluxdb-static-join");
            OperatorNode fourth = OperatorNode.start(config(base, engine, dataDir), false, TestCluster.FAST);
            try {
                RaftCluster joined = (RaftCluster) fourth.cluster();
                await().atMost(Duration.ofSeconds(90)).until(joined::isMember);
                RaftCluster leading = (RaftCluster) cluster.node(cluster.awaitLeader()).cluster();
                assertThat(leading.members()).hasSize(4).extracting(RaftMember::id).contains(joined.localNodeId());

                try (Connection c = cluster.connectRoot(cluster.awaitLeader()); Statement s = c.createStatement()) {
                    s.execute("INSERT INTO early VALUES (4)");
                }
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    try (Connection c = DriverManager.getConnection(engine.jdbcUrl("app"), "root",
                            engine.rootPassword());
                            Statement s = c.createStatement();
                            ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM early")) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getInt(1)).as("rows on the node that joined").isEqualTo(4);
                    }
                });
            } finally {
                fourth.close();
            }
        }
    }

    /** Node 3 of the cluster's port block, listing the three running nodes. */
    private static NodeConfig config(int base, MariaDbProcess engine, Path dataDir) {
        Map<String, String> env = Map.of(
                "DB_COMPONENT_NAME", engine.host() + ":" + engine.port(),
                "DB_INIT_PASS", engine.rootPassword(),
                "INIT_DB_NAME", "app",
                "CLUSTER_SECRET", TestCluster.SECRET,
                "PEERS", "127.0.0.1:" + (base + PortBlock.API) + ",127.0.0.1:" + (base + PortBlock.API + 1)
                        + ",127.0.0.1:" + (base + PortBlock.API + 2),
                "WHITELIST", "127.0.0.1");
        AtomicReference<NodeConfig> parsed = new AtomicReference<>();
        NodeLauncher capture = config -> {
            parsed.set(config);
            return 0;
        };
        DevLauncher unused = config -> 1;
        assertThat(Main.commandLine(env, capture, unused).execute("run", "--bind-address", "127.0.0.1",
                "--port", Integer.toString(base + 3), "--api-listen-port", Integer.toString(base + PortBlock.API + 3),
                "--raft-port", Integer.toString(base + PortBlock.RAFT + 3),
                "--ui-port", Integer.toString(base + PortBlock.UI + 3), "--data-dir", dataDir.toString())).isZero();
        return parsed.get();
    }
}
