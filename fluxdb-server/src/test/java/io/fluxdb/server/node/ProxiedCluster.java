package io.fluxdb.server.node;


import io.fluxdb.server.config.NodeConfig;
import io.fluxdb.testkit.FaultProxy;
import io.fluxdb.testkit.MariaDbProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A cluster whose nodes reach each other only through {@link FaultProxy}s, so a test can slow or cut the links
 * between nodes (this kernel has no netem). Node {@code i} listens on its own loopback address with the same ports as
 * every node, as on Flux, and advertises another address where one proxy per port (client, internal API, Raft)
 * forwards to it: whatever connects to node {@code i} from another node (Raft, the internal API, forwarded sessions)
 * crosses node {@code i}'s proxies, in both directions. Test clients connect to the node itself.
 */
final class ProxiedCluster implements AutoCloseable {
    private final Path dataDir;
    private final int base;
    private final List<MariaDbProcess> engines = new ArrayList<>();
    private final List<List<FaultProxy>> proxies = new ArrayList<>();
    private final List<NodeConfig> configs = new ArrayList<>();
    private final OperatorNode[] nodes;

    private ProxiedCluster(int size, Path dataDir, int base) {
        this.nodes = new OperatorNode[size];
        this.dataDir = dataDir;
        this.base = base;
    }

    static String address(int i) {
        return "127.0.0." + (40 + i);
    }

    static String advertised(int i) {
        return "127.0.1." + (40 + i);
    }

    static ProxiedCluster start(int size) throws Exception {
        String[] ips = new String[2 * size];
        for (int i = 0; i < size; i++) {
            ips[2 * i] = address(i);
            ips[2 * i + 1] = advertised(i);
        }
        ProxiedCluster cluster = new ProxiedCluster(size, Files.createTempDirectory("fluxdb-proxied"),
                FluxNodes.freeBlock(ips));
        try {
            for (int i = 0; i < size; i++) {
                cluster.engines.add(MariaDbProcess.builder().start());
                List<FaultProxy> own = new ArrayList<>();
                for (int port = cluster.base; port < cluster.base + 3; port++) {
                    own.add(FaultProxy.start(new InetSocketAddress(advertised(i), port),
                            new InetSocketAddress(address(i), port)));
                }
                cluster.proxies.add(own);
            }
            for (int i = 0; i < size; i++) {
                cluster.configs.add(cluster.config(i, size));
            }
            for (int i = 0; i < size; i++) {
                cluster.nodes[i] = OperatorNode.start(cluster.configs.get(i), false, io.fluxdb.replication.RaftTuning.DEFAULT);
            }
            cluster.awaitLeader();
            return cluster;
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    private NodeConfig config(int i, int size) {
        List<String> peers = new ArrayList<>();
        for (int other = 0; other < size; other++) {
            if (other != i) {
                peers.add(advertised(other) + ":" + (base + 1));
            }
        }
        MariaDbProcess engine = engines.get(i);
        Map<String, String> env = new HashMap<>(Map.of(
                "DB_COMPONENT_NAME", engine.host() + ":" + engine.port(),
                "DB_INIT_PASS", engine.rootPassword(),
                "INIT_DB_NAME", "app",
                "CLUSTER_SECRET", TestCluster.SECRET,
                "PEERS", String.join(",", peers),
                "BIND_ADDRESS", address(i),
                "ADVERTISE_ADDRESS", advertised(i),
                "WHITELIST", "127.0.0.0/8"));
        return FluxNodes.parse(env, "configuration of node " + i, "run", "--port", Integer.toString(base),
                "--api-listen-port", Integer.toString(base + 1), "--raft-port", Integer.toString(base + 2),
                "--ui-port", Integer.toString(base + 3), "--data-dir", dataDir.resolve("node-" + i).toString());
    }

    int size() {
        return nodes.length;
    }

    OperatorNode node(int i) {
        return nodes[i];
    }

    /** Every byte between nodes is held this long each way from now on. */
    void delay(Duration oneWay) {
        proxies.forEach(own -> own.forEach(p -> p.delay(oneWay)));
    }

    /** Cuts every link other nodes have to node {@code i} (its Raft, internal API and client ports), until healed. */
    void cutIncoming(int i) {
        proxies.get(i).forEach(FaultProxy::cut);
    }

    void heal(int i) {
        proxies.get(i).forEach(FaultProxy::heal);
    }

    /**
     * From now on, other nodes that connect to node {@code i}'s client port reach {@code stranger} instead (a man in
     * the middle, or another server at its address); {@code null} sends them to node {@code i} again.
     */
    void redirectClientPort(int i, InetSocketAddress stranger) {
        proxies.get(i).getFirst().retarget(stranger != null ? stranger : new InetSocketAddress(address(i), base));
    }

    /** Where node {@code i}'s client port listens itself, behind its proxy. */
    InetSocketAddress clientAddress(int i) {
        return new InetSocketAddress(address(i), base);
    }

    int awaitLeader() {
        return TestCluster.awaitLeader(nodes, Duration.ofSeconds(60));
    }

    /** Waits until every node has applied everything the leader has. */
    void awaitConverged(Duration timeout) {
        int leader = awaitLeader();
        long target = nodes[leader].cluster().appliedIndex();
        for (OperatorNode node : nodes) {
            node.cluster().awaitApplied(target, timeout).join();
        }
    }

    /** A client connection to node {@code i} itself (not through its proxies). */
    Connection connect(int i, String user, String password, Duration socketTimeout) throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://" + address(i) + ":" + base + "/app?sslMode=disable"
                + "&connectTimeout=3000&socketTimeout=" + socketTimeout.toMillis(), user, password);
    }

    Connection connectRoot(int i) throws SQLException {
        return connect(i, "root", engines.get(i).rootPassword(), Duration.ofSeconds(60));
    }

    Connection engineConnection(int i) throws SQLException {
        MariaDbProcess engine = engines.get(i);
        return DriverManager.getConnection(engine.jdbcUrl(""), "root", engine.rootPassword());
    }

    @Override
    public void close() {
        for (int i = nodes.length - 1; i >= 0; i--) {
            if (nodes[i] != null) {
                nodes[i].close();
            }
        }
        proxies.forEach(own -> own.forEach(FaultProxy::close));
        engines.forEach(MariaDbProcess::close);
        try (var files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory
        }
    }
}
