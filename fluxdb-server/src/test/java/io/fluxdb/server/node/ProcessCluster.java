package io.fluxdb.server.node;

import io.fluxdb.testkit.MariaDbProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A FluxDB cluster of operator processes: node {@code i} is a child JVM ({@link OperatorProcess}) in front of its own
 * MariaDB ({@link MariaDbProcess}, run by this JVM), configured by environment variables ({@code PEERS},
 * {@code CLUSTER_SECRET}, {@code FLUXDB_DATA_DIR}, ports) with the port layout of {@link PortBlock}. Unlike
 * {@link TestCluster}, a node can be killed with SIGKILL, paused with SIGSTOP, and started again on its data.
 */
final class ProcessCluster implements AutoCloseable {
    static final String SECRET = "crash-test-cluster-secret-0123456789";
    /** Generous: three JVMs and three engines start at once on what may be two busy cores. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(180);

    private final Path dir;
    private final int base;
    private final int size;
    private final List<MariaDbProcess> engines = new ArrayList<>();
    private final List<OperatorProcess> nodes = new ArrayList<>();
    private final List<OperatorProcess> strangers = new ArrayList<>();
    private final List<MariaDbProcess> strangerEngines = new ArrayList<>();
    /** Each node's own network namespace, or null: every node on this host's loopback. */
    private final NetNamespaces net;
    /** In each namespace, the relay that takes its operator's engine connections to the engine's socket. */
    private final List<Process> relays = new ArrayList<>();

    private ProcessCluster(Path dir, int base, int size, NetNamespaces net) {
        this.dir = dir;
        this.base = base;
        this.size = size;
        this.net = net;
    }

    /** Starts {@code size} engines and their operators and waits until a leader accepts writes. */
    static ProcessCluster start(int size) throws Exception {
        return start(size, null);
    }

    /**
     * Starts {@code net.size()} nodes, each operator in its own network namespace (its engine runs here and is reached
     * through a relay to its socket), and waits until a leader accepts writes. Closing the cluster leaves {@code net}
     * open.
     */
    static ProcessCluster startIsolated(NetNamespaces net) throws Exception {
        return start(net.size(), net);
    }

    private static ProcessCluster start(int size, NetNamespaces net) throws Exception {
        ProcessCluster cluster = new ProcessCluster(Files.createTempDirectory("fluxdb-processes"),
                PortBlock.freeBlock(size), size, net);
        try {
            for (int i = 0; i < size; i++) {
                cluster.engines.add(MariaDbProcess.builder().maxConnections(200).start());
                if (net != null) {
                    cluster.relays.add(cluster.engineRelay(i));
                }
            }
            for (int i = 0; i < size; i++) {
                cluster.nodes.add(cluster.operator("node-" + i, i, cluster.engines.get(i), SECRET,
                        cluster.dir.resolve("node-" + i)));
                cluster.nodes.get(i).start();
            }
            for (OperatorProcess node : cluster.nodes) {
                node.awaitReady(START_TIMEOUT);
            }
            cluster.awaitLeader(Duration.ofSeconds(60));
            return cluster;
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** An operator with another engine and data directory that takes slot {@code slot}'s ports; not started. */
    record Stranger(OperatorProcess operator, MariaDbProcess engine) {
    }

    /**
     * A stranger in slot {@code slot} (its ports, and PEERS naming every other node) with {@code secret}, in front of
     * a fresh engine of its own; stopped with the cluster.
     */
    Stranger stranger(String name, int slot, String secret) {
        MariaDbProcess engine = MariaDbProcess.builder().start();
        strangerEngines.add(engine);
        OperatorProcess operator = operator(name, slot, engine, secret, dir.resolve(name));
        strangers.add(operator);
        return new Stranger(operator, engine);
    }

    /** The port a node's engine relay listens on, inside the node's namespace (each has its own ports). */
    private static final int RELAY_PORT = 3306;

    /** socat in node i's namespace: TCP on 127.0.0.1:3306 there to engine i's socket here (sockets cross namespaces). */
    private Process engineRelay(int i) throws IOException {
        List<String> command = new ArrayList<>(net.exec(i));
        command.addAll(List.of("socat", "TCP-LISTEN:" + RELAY_PORT + ",bind=127.0.0.1,reuseaddr,fork",
                "UNIX-CONNECT:" + engines.get(i).socketPath()));
        Process relay = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("relay-" + i + ".log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (relay.isAlive() && System.nanoTime() < deadline) {
            try {
                Process check = new ProcessBuilder(concat(net.exec(i), List.of("ss", "-Hltn",
                        "sport = :" + RELAY_PORT))).redirectErrorStream(true).start();
                String out = new String(check.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                if (check.waitFor() == 0 && out.contains(":" + RELAY_PORT)) {
                    return relay;
                }
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        relay.destroyForcibly();
        throw new IOException("the engine relay of node " + i + " did not listen: "
                + Files.readString(dir.resolve("relay-" + i + ".log")));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private OperatorProcess operator(String name, int slot, MariaDbProcess engine, String secret, Path dataDir) {
        List<String> peers = new ArrayList<>();
        for (int other = 0; other < size; other++) {
            if (other != slot) {
                peers.add(peerHost(other) + ":" + (base + PortBlock.API + other));
            }
        }
        Map<String, String> env = new HashMap<>();
        env.put("DB_COMPONENT_NAME", net == null ? engine.host() + ":" + engine.port() : "127.0.0.1:" + RELAY_PORT);
        env.put("DB_INIT_PASS", engine.rootPassword());
        env.put("INIT_DB_NAME", "app");
        env.put("CLUSTER_SECRET", secret);
        env.put("PEERS", String.join(",", peers));
        if (net == null) {
            env.put("WHITELIST", "127.0.0.1");
            env.put("BIND_ADDRESS", "127.0.0.1");
        } else {
            // every listener on both links; peers know the node by its peer-link address
            env.put("WHITELIST", net.testAddress() + "," + net.peerRange());
            env.put("BIND_ADDRESS", "0.0.0.0");
            env.put("ADVERTISE_ADDRESS", net.peerAddress(slot));
        }
        env.put("EXT_DB_PORT", Integer.toString(base + slot));
        env.put("API_LISTEN_PORT", Integer.toString(base + PortBlock.API + slot));
        env.put("RAFT_PORT", Integer.toString(base + PortBlock.RAFT + slot));
        env.put("UI_PORT", Integer.toString(base + PortBlock.UI + slot));
        env.put("FLUXDB_DATA_DIR", dataDir.toString());
        return new OperatorProcess(name, env, dir.resolve(name + ".log"), net == null ? List.of() : net.exec(slot));
    }

    /** Where peers reach node i. */
    private String peerHost(int i) {
        return net == null ? "127.0.0.1" : net.peerAddress(i);
    }

    /** Where this test reaches node i as a client. */
    String clientHost(int i) {
        return net == null ? "127.0.0.1" : net.clientAddress(i);
    }

    int size() {
        return size;
    }

    Path directory() {
        return dir;
    }

    OperatorProcess node(int i) {
        return nodes.get(i);
    }

    MariaDbProcess engine(int i) {
        return engines.get(i);
    }

    int clientPort(int i) {
        return base + i;
    }

    /** The node whose client port this is, or -1. */
    int nodeOfClientPort(int port) {
        int i = port - base;
        return i >= 0 && i < size ? i : -1;
    }

    /** A client connection to node {@code i}'s operator, as root; reads wait at most {@code socketTimeout}. */
    Connection connect(int i, Duration socketTimeout) throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://" + clientHost(i) + ":" + clientPort(i)
                + "/app?sslMode=disable&connectTimeout=2000&socketTimeout=" + socketTimeout.toMillis(), "root",
                engines.get(i).rootPassword());
    }

    /** The account the writers use: created through the cluster, so every node's engine holds it. */
    static final String WRITER = "writer";
    static final String WRITER_PASSWORD = "writer-password";

    /**
     * A client connection to node {@code i}'s operator as {@link #WRITER} (which a test creates through the cluster);
     * on a follower its writes run on the leader as the same user.
     */
    Connection connectWriter(int i, Duration socketTimeout) throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://" + clientHost(i) + ":" + clientPort(i)
                + "/app?sslMode=disable&connectTimeout=2000&socketTimeout=" + socketTimeout.toMillis(), WRITER,
                WRITER_PASSWORD);
    }

    /** A connection straight to node {@code i}'s engine, bypassing the operator. */
    Connection engineConnection(int i) throws SQLException {
        MariaDbProcess engine = engines.get(i);
        return DriverManager.getConnection(engine.jdbcUrl(""), "root", engine.rootPassword());
    }

    /**
     * The node that leads and accepts writes now, if any: the one whose master probe ({@code GET /} on its UI port)
     * answers OK and whose operator then runs a locking read (which a leader runs itself; a follower would forward it).
     */
    OptionalInt leader() {
        for (int i = 0; i < size; i++) {
            if (!nodes.get(i).isRunning() || !masterProbeOk(i)) {
                continue;
            }
            try (Connection c = connect(i, Duration.ofSeconds(5)); Statement s = c.createStatement()) {
                s.executeQuery("SELECT 1 FOR UPDATE").close();
                return OptionalInt.of(i);
            } catch (SQLException e) {
                // not ready for writes yet, or not reachable right now
            }
        }
        return OptionalInt.empty();
    }

    private boolean masterProbeOk(int i) {
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(2)).build()) {
            java.net.http.HttpResponse<String> response = http.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://" + clientHost(i) + ":" + (base + PortBlock.UI + i) + "/"))
                    .timeout(Duration.ofSeconds(3)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    int awaitLeader(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            OptionalInt leader = leader();
            if (leader.isPresent()) {
                return leader.getAsInt();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no leader within " + timeout + ":\n" + logTails(30));
            }
            Thread.sleep(200);
        }
    }

    /** The last lines of every node's log, for failure messages. */
    String logTails(int lines) {
        StringBuilder out = new StringBuilder();
        for (OperatorProcess node : nodes) {
            out.append("---- ").append(node).append('\n').append(OperatorProcess.tail(node.log(), lines)).append('\n');
        }
        return out.toString();
    }

    @Override
    public void close() {
        List<OperatorProcess> all = new ArrayList<>(nodes);
        all.addAll(strangers);
        for (OperatorProcess node : all) {
            try {
                node.kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Process relay : relays) {
            relay.destroyForcibly();
        }
        List<MariaDbProcess> allEngines = new ArrayList<>(engines);
        allEngines.addAll(strangerEngines);
        for (MariaDbProcess engine : allEngines) {
            engine.close();
        }
        if (!Boolean.getBoolean("fluxdb.test.keepLogs")) {
            deleteQuietly(dir);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
