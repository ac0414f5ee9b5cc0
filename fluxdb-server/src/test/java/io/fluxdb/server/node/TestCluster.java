package io.fluxdb.server.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fluxdb.replication.RaftCluster;
import io.fluxdb.replication.RaftTuning;
import io.fluxdb.server.Main;
import io.fluxdb.server.cli.DevLauncher;
import io.fluxdb.server.cli.NodeLauncher;
import io.fluxdb.server.config.NodeConfig;
import io.fluxdb.testkit.MariaDbProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A FluxDB cluster in this JVM: N operators, each in front of its own real MariaDB, on loopback, configured as a
 * user configures them ({@code PEERS}, {@code CLUSTER_SECRET}), with short election timeouts. Nodes can be stopped
 * and started again on their data. Waits are deadline-based.
 */
final class TestCluster implements AutoCloseable {
    static final String SECRET = "test-cluster-secret-0123456789";
    /**
     * Elections after 0.6-1.2 s without a leader (the default is 1-2 s). Shorter timeouts made a busy two-core CI
     * machine (three engines, three operators, TLS) change leaders in tests that do not expect it, whenever a node
     * stalled for half a second.
     */
    static final RaftTuning FAST = RaftTuning.DEFAULT
            .withElectionTimeout(Duration.ofMillis(600), Duration.ofMillis(1200));

    private final List<MariaDbProcess> engines = new ArrayList<>();
    private final List<NodeConfig> configs = new ArrayList<>();
    /** Each node's environment and options, as {@code fluxdb run} got them. */
    private final List<Map<String, String>> environments = new ArrayList<>();
    private final List<List<String>> arguments = new ArrayList<>();
    private final Map<String, String> extraEnvironment = new java.util.HashMap<>();
    private final OperatorNode[] nodes;
    private final Path dataDir;
    private final RaftTuning tuning;

    private TestCluster(int size, Path dataDir, RaftTuning tuning) {
        this.nodes = new OperatorNode[size];
        this.dataDir = dataDir;
        this.tuning = tuning;
    }

    static TestCluster start(int size) throws Exception {
        return start(size, FAST);
    }

    /** A cluster whose log uses {@code tuning} (snapshot interval, entry size). */
    static TestCluster start(int size, RaftTuning tuning) throws Exception {
        return start(size, tuning, Map.of());
    }

    /** A cluster whose nodes also get {@code environment} (settings such as {@code FLOW_CONTROL_LAG}). */
    static TestCluster start(int size, RaftTuning tuning, Map<String, String> environment) throws Exception {
        TestCluster cluster = new TestCluster(size, Files.createTempDirectory("fluxdb-cluster"), tuning);
        cluster.extraEnvironment.putAll(environment);
        try {
            for (int i = 0; i < size; i++) {
                cluster.engines.add(MariaDbProcess.builder().start());
            }
            // chosen once the engines hold their ports, so that none of them can take one of the block's
            int base = PortBlock.freeBlock(size);
            for (int i = 0; i < size; i++) {
                cluster.configs.add(cluster.config(i, base, size));
            }
            for (int i = 0; i < size; i++) {
                cluster.startNode(i);
            }
            cluster.awaitLeader();
            return cluster;
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    private NodeConfig config(int i, int base, int size) {
        List<String> peers = new ArrayList<>();
        for (int other = 0; other < size; other++) {
            if (other != i) {
                peers.add("127.0.0.1:" + (base + PortBlock.API + other));
            }
        }
        MariaDbProcess engine = engines.get(i);
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "DB_COMPONENT_NAME", engine.host() + ":" + engine.port(),
                "DB_INIT_PASS", engine.rootPassword(),
                "INIT_DB_NAME", "app",
                "CLUSTER_SECRET", SECRET,
                "PEERS", String.join(",", peers),
                "WHITELIST", "127.0.0.1",
                "LOCAL_INFILE", "true"));
        env.putAll(extraEnvironment);
        AtomicReference<NodeConfig> parsed = new AtomicReference<>();
        NodeLauncher capture = config -> {
            parsed.set(config);
            return 0;
        };
        DevLauncher unused = config -> 1;
        List<String> args = List.of("--bind-address", "127.0.0.1",
                "--port", Integer.toString(base + i),
                "--api-listen-port", Integer.toString(base + PortBlock.API + i),
                "--raft-port", Integer.toString(base + PortBlock.RAFT + i),
                "--ui-port", Integer.toString(base + PortBlock.UI + i),
                "--data-dir", dataDir.resolve("node-" + i).toString());
        environments.add(env);
        arguments.add(args);
        List<String> run = new ArrayList<>(List.of("run"));
        run.addAll(args);
        int exit = Main.commandLine(env, capture, unused).execute(run.toArray(String[]::new));
        assertThat(exit).as("configuration of node " + i).isZero();
        return parsed.get();
    }

    void startNode(int i) throws Exception {
        nodes[i] = OperatorNode.start(configs.get(i), false, tuning);
    }

    /**
     * Runs {@code fluxdb <subcommand>} with node {@code i}'s environment and options followed by {@code extra}, as an
     * operator would where the node runs; returns the exit code, and what it printed in {@code output}.
     */
    int command(int i, String subcommand, StringBuilder output, String... extra) {
        java.io.StringWriter out = new java.io.StringWriter();
        picocli.CommandLine commandLine = Main.commandLine(environments.get(i));
        commandLine.setOut(new java.io.PrintWriter(out, true));
        commandLine.setErr(new java.io.PrintWriter(out, true));
        List<String> args = new ArrayList<>(List.of(subcommand));
        args.addAll(arguments.get(i));
        args.addAll(List.of(extra));
        int exit = commandLine.execute(args.toArray(String[]::new));
        output.append(out);
        return exit;
    }

    /** Stops node {@code i}'s operator (its engine keeps running, as after an operator crash). */
    void stopNode(int i) {
        if (nodes[i] != null) {
            nodes[i].close();
            nodes[i] = null;
        }
    }

    /** Node {@code i}'s data directory (FLUXDB_DATA_DIR). */
    Path dataDirectory(int i) {
        return dataDir.resolve("node-" + i);
    }

    /** Node {@code i}'s replicated log and its snapshots. */
    Path raftDirectory(int i) {
        return dataDirectory(i).resolve("raft");
    }

    int size() {
        return nodes.length;
    }

    OperatorNode node(int i) {
        return nodes[i];
    }

    MariaDbProcess engine(int i) {
        return engines.get(i);
    }

    /** The index of the node that leads, once one does (and is ready for writes). */
    int awaitLeader() {
        return awaitLeader(nodes, Duration.ofSeconds(30));
    }

    /** The index of the node of {@code nodes} (null: stopped) that leads, once one does within {@code timeout}. */
    static int awaitLeader(OperatorNode[] nodes, Duration timeout) {
        AtomicReference<Integer> leader = new AtomicReference<>();
        await().atMost(timeout).pollInterval(Duration.ofMillis(20)).until(() -> {
            for (int i = 0; i < nodes.length; i++) {
                if (nodes[i] != null && nodes[i].cluster().role().isLeader()) {
                    leader.set(i);
                    return true;
                }
            }
            return false;
        });
        return leader.get();
    }

    /** Waits until every running node has applied everything the leader has. */
    void awaitConverged() {
        int leader = awaitLeader();
        // The leader's commit index (a ReadIndex): its applied index may not yet count a write it just acknowledged.
        long target = Math.max(nodes[leader].cluster().appliedIndex(),
                nodes[leader].cluster().readIndex().orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join());
        awaitApplied(target);
    }

    /** Waits until every running node has applied the log up to {@code index} (a session's commit token, say). */
    void awaitApplied(long index) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        for (OperatorNode node : nodes) {
            if (node == null) {
                continue;
            }
            try {
                node.cluster().awaitApplied(index, Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))).join();
            } catch (RuntimeException e) {
                throw new AssertionError("not applied up to index " + index + ": " + status(), e);
            }
        }
    }

    /** Every running node's replication status, for failure messages. */
    String status() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < nodes.length; i++) {
            out.append("\n  node ").append(i).append(": ")
                    .append(nodes[i] == null ? "stopped" : ((RaftCluster) nodes[i].cluster()).status());
        }
        return out.toString();
    }

    /** A client connection to node {@code i}'s operator, in the database {@code app}. */
    Connection connect(int i, String user, String password) throws SQLException {
        return connect(i, "app", user, password);
    }

    /** A client connection to node {@code i}'s operator, in {@code database} (none when empty). */
    Connection connect(int i, String database, String user, String password) throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + nodes[i].clientAddress().getPort()
                + "/" + database + "?sslMode=disable&allowLocalInfile=true", user, password);
    }

    /** {@link #connect(int, String, String)} with more Connector/J options ({@code name=value&...}). */
    Connection connectWithOptions(int i, String user, String password, String options) throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + nodes[i].clientAddress().getPort()
                + "/app?sslMode=disable&" + options, user, password);
    }

    Connection connectRoot(int i) throws SQLException {
        return connect(i, "root", engines.get(i).rootPassword());
    }

    /** A connection straight to node {@code i}'s engine, bypassing the operator. */
    Connection engineConnection(int i) throws SQLException {
        MariaDbProcess engine = engines.get(i);
        return DriverManager.getConnection(engine.jdbcUrl(""), "root", engine.rootPassword());
    }

    /**
     * Waits until every node has applied everything, then checks that each node's engine answers {@code sql} with
     * exactly {@code expected} (the first column of each row).
     */
    void assertSameEverywhere(String sql, List<String> expected) throws SQLException {
        awaitConverged();
        for (int i = 0; i < size(); i++) {
            List<String> rows = new ArrayList<>();
            try (Connection c = engineConnection(i); java.sql.Statement s = c.createStatement();
                    java.sql.ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
            }
            assertThat(rows).as("node " + i + ": " + sql).isEqualTo(expected);
        }
    }

    /** CHECKSUM TABLE of every user table of the node's engine, by name. */
    Map<String, Long> checksums(int i) throws SQLException {
        try (Connection c = engineConnection(i)) {
            return EngineChecksums.of(c);
        }
    }

    @Override
    public void close() {
        for (int i = nodes.length - 1; i >= 0; i--) {
            stopNode(i);
        }
        for (MariaDbProcess engine : engines) {
            engine.close();
        }
        deleteQuietly(dataDir);
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
