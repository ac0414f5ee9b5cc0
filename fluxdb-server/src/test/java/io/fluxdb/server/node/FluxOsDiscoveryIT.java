package io.fluxdb.server.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fluxdb.api.ClusterStatusEntry;
import io.fluxdb.api.StatusClient;
import io.fluxdb.api.StatusReport;
import io.fluxdb.server.config.NodeConfig;
import io.fluxdb.testkit.FluxOsEmulator;
import io.fluxdb.testkit.FluxOsEmulator.Location;
import io.fluxdb.testkit.FluxOsEmulator.Mode;
import io.fluxdb.testkit.MariaDbProcess;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes of one Flux app, each on its own loopback address with the same port numbers, as Flux instances are,
 * find each other through a FluxOS API emulator: they wait until the app specification's three instances are
 * listed (through a spell of garbage from the API), then form one cluster with the same group on every node. The
 * whole cluster then restarts on its stored group while FluxOS fails.
 */
@Timeout(300)
class FluxOsDiscoveryIT {
    static final String APP = "fluxdbtest";
    static final String[] IPS = {"127.0.0.2", "127.0.0.3", "127.0.0.4"};

    @TempDir
    Path dataDir;

    private final List<MariaDbProcess> engines = new ArrayList<>();
    private final List<CompletableFuture<OperatorNode>> nodes = new ArrayList<>();
    private FluxOsEmulator fluxos;

    @AfterEach
    void stop() {
        for (CompletableFuture<OperatorNode> node : nodes) {
            node.cancel(true);
            if (node.isDone() && !node.isCompletedExceptionally()) {
                node.join().close();
            }
        }
        engines.forEach(MariaDbProcess::close);
        if (fluxos != null) {
            fluxos.close();
        }
    }

    private NodeConfig config(int i, int base) {
        return FluxNodes.config(APP, fluxos.baseUrl().toString(), IPS[i], engines.get(i), base,
                dataDir.resolve("node-" + i), Map.of());
    }

    @Test
    void threeInstancesFormOneClusterOnceTheAppSpecificationsInstancesAreListed() throws Exception {
        fluxos = FluxOsEmulator.start();
        fluxos.setInstances(APP, 3);
        fluxos.setLocations(APP, "127.0.0.3:16127", "127.0.0.2");
        for (int i = 0; i < IPS.length; i++) {
            engines.add(MariaDbProcess.builder().start());
        }
        int base = FluxNodes.freeBlock(IPS);
        List<NodeConfig> configs = new ArrayList<>();
        for (int i = 0; i < IPS.length; i++) {
            configs.add(config(i, base));
        }
        configs.forEach(config -> nodes.add(startAsync(config)));

        // two of three instances listed, then an API answering garbage: every node keeps waiting
        await().atMost(Duration.ofSeconds(60)).until(() -> fluxos.requestCount("/apps/location/" + APP) >= 6);
        fluxos.setMode(Mode.GARBAGE);
        int before = fluxos.requestCount("/apps/location/" + APP);
        await().atMost(Duration.ofSeconds(60)).until(() -> fluxos.requestCount("/apps/location/" + APP) >= before + 3);
        assertThat(nodes).noneMatch(CompletableFuture::isDone);

        fluxos.setMode(Mode.NORMAL);
        fluxos.setLocations(APP, List.of(new Location("127.0.0.3:16127", false, 600), Location.of("127.0.0.2"),
                Location.of("127.0.0.4:16187")));
        List<OperatorNode> started = new ArrayList<>();
        for (CompletableFuture<OperatorNode> node : nodes) {
            started.add(node.get(120, TimeUnit.SECONDS));
        }

        // one group, written down on every node
        String group = Files.readString(dataDir.resolve("node-0").resolve(DiscoveryBootstrap.GROUP_FILE));
        assertThat(group).contains("127.0.0.2:", "127.0.0.3:", "127.0.0.4:");
        for (int i = 1; i < IPS.length; i++) {
            assertThat(Files.readString(dataDir.resolve("node-" + i).resolve(DiscoveryBootstrap.GROUP_FILE))).isEqualTo(group);
        }

        // one leader, named by every node, every node seeing the other two
        int leader = awaitLeader(started);
        String leaderId = started.get(leader).cluster().localNodeId();
        try (Connection c = connect(started.get(leader), engines.get(leader)); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE discovered (id INT PRIMARY KEY)");
            s.execute("INSERT INTO discovered VALUES (1), (2), (3)");
        }
        StatusClient status = new StatusClient(Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (int i = 0; i < IPS.length; i++) {
                InetSocketAddress ui = started.get(i).statusAddress();
                StatusReport report = status.fetch(URI.create("http://" + ui.getHostString() + ":" + ui.getPort() + "/status"));
                assertThat(report.ip()).isEqualTo(IPS[i]);
                assertThat(report.leaderId()).isEqualTo(leaderId);
                assertThat(report.masterIP()).isEqualTo(IPS[leader]);
                assertThat(report.clusterStatus()).extracting(ClusterStatusEntry::ip).containsExactlyInAnyOrder(IPS);
                assertThat(report.clusterStatus()).allSatisfy(e -> assertThat(e.active()).isTrue());
                // static IP and uptime as FluxOS lists them
                assertThat(report.clusterStatus()).filteredOn(e -> e.ip().equals("127.0.0.3")).singleElement()
                        .satisfies(e -> assertThat(e.staticIp()).isFalse())
                        .satisfies(e -> assertThat(e.osUptime()).isEqualTo(600));
                assertThat(report.clusterStatus()).filteredOn(e -> e.ip().equals("127.0.0.2")).singleElement()
                        .satisfies(e -> assertThat(e.staticIp()).isTrue())
                        .satisfies(e -> assertThat(e.osUptime()).isEqualTo(86_400));
            }
        });
        for (int i = 0; i < IPS.length; i++) {
            long target = started.get(leader).cluster().appliedIndex();
            started.get(i).cluster().awaitApplied(target, Duration.ofSeconds(30)).join();
            try (Connection c = DriverManager.getConnection(engines.get(i).jdbcUrl("app"), "root", engines.get(i).rootPassword());
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM discovered")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).as("rows on node " + i).isEqualTo(3);
            }
        }

        // the whole cluster restarts while FluxOS fails: every node takes its stored group, and they elect again
        for (OperatorNode node : started) {
            node.close();
        }
        nodes.clear();
        fluxos.setMode(Mode.FAIL);
        configs.forEach(config -> nodes.add(startAsync(config)));
        List<OperatorNode> restarted = new ArrayList<>();
        for (CompletableFuture<OperatorNode> node : nodes) {
            restarted.add(node.get(120, TimeUnit.SECONDS));
        }
        int newLeader = awaitLeader(restarted);
        try (Connection c = connect(restarted.get(newLeader), engines.get(newLeader)); Statement s = c.createStatement()) {
            s.execute("INSERT INTO discovered VALUES (4)");
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM discovered")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(4);
            }
        }
    }

    /** Starts a node on its own thread: instances start at the same time, and each asks the others who it is. */
    private static CompletableFuture<OperatorNode> startAsync(NodeConfig config) {
        CompletableFuture<OperatorNode> started = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("start-" + config.listen().bindAddress().getHostAddress()).start(() -> {
            try {
                OperatorNode node = OperatorNode.start(config, false, TestCluster.FAST);
                if (!started.complete(node)) {
                    node.close(); // the test gave up on it
                }
            } catch (Exception e) {
                started.completeExceptionally(e);
            }
        });
        return started;
    }

    private static int awaitLeader(List<OperatorNode> nodes) {
        AtomicReference<Integer> leader = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (int i = 0; i < nodes.size(); i++) {
                if (nodes.get(i).cluster().role().isLeader()) {
                    leader.set(i);
                    return true;
                }
            }
            return false;
        });
        return leader.get();
    }

    private static Connection connect(OperatorNode node, MariaDbProcess engine) throws Exception {
        return DriverManager.getConnection("jdbc:mariadb://" + node.clientAddress().getHostString() + ":"
                + node.clientAddress().getPort() + "/app?sslMode=disable", "root", engine.rootPassword());
    }
}
