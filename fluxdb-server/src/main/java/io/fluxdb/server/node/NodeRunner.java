package io.fluxdb.server.node;

import io.fluxdb.engine.spi.ClusterRole;
import io.fluxdb.server.cli.DevLauncher;
import io.fluxdb.server.cli.NodeLauncher;
import io.fluxdb.server.config.DevConfig;
import io.fluxdb.server.config.LogLevel;
import io.fluxdb.server.config.NodeConfig;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@code fluxdb run} (one node in front of a configured engine) and {@code fluxdb dev} (nodes
 * with managed local engines) until the process is told to stop (SIGINT/SIGTERM), then shuts them
 * down in reverse order.
 */
public final class NodeRunner implements NodeLauncher, DevLauncher {
    private static final Logger log = LoggerFactory.getLogger(NodeRunner.class);

    private final PrintStream out;

    public NodeRunner(PrintStream out) {
        this.out = out;
    }

    @Override
    public int run(NodeConfig config) throws Exception {
        Logging.apply(config.logLevel());
        ShutdownSignal shutdown = new ShutdownSignal();
        try (OperatorNode node = OperatorNode.start(config)) {
            log.info("FluxDB is ready: MySQL clients connect to {}", node.clientAddress());
            shutdown.await();
        } finally {
            shutdown.finished();
        }
        return 0;
    }

    @Override
    public int run(DevConfig config) throws Exception {
        LogLevel level = config.nodes().getFirst().logLevel();
        Logging.apply(level);
        if (config.nodes().size() > 1) {
            Logging.quietPeerLoss(level);
        }
        config.engineBinaries().ifPresent(dir -> System.setProperty("fluxdb.mariadb.binaries", dir.toString()));
        List<OperatorNode> nodes = new ArrayList<>();
        ShutdownSignal shutdown = new ShutdownSignal();
        try {
            for (NodeConfig node : config.nodes()) {
                if (shutdown.requested()) {
                    return 0; // Ctrl-C while starting: the nodes started so far stop below
                }
                nodes.add(OperatorNode.start(node, true));
            }
            if (shutdown.requested()) {
                return 0;
            }
            String leader = awaitLeader(nodes);
            out.println();
            out.println("FluxDB dev is running (data in " + config.dataDir().toAbsolutePath() + "). Connect with:");
            for (OperatorNode node : nodes) {
                String role = nodes.size() == 1 ? "" : node.cluster().role().isLeader() ? "   # leader" : "   # follower";
                out.println("  mysql -h127.0.0.1 -P" + node.clientAddress().getPort() + " -uroot "
                        + config.nodes().getFirst().engine().initDatabase() + role);
            }
            out.println("Status (JSON): " + String.join(" ", nodes.stream().map(n -> "http://127.0.0.1:"
                    + n.statusAddress().getPort() + "/status").toList()));
            if (nodes.size() > 1) {
                out.println("Connect to any node: writes run on the leader (now " + leader + "), a follower sends"
                        + " them there; reads are answered by each node's own engine.");
            }
            out.println("Press Ctrl-C to stop.");
            out.flush();
            shutdown.await();
        } finally {
            for (int i = nodes.size() - 1; i >= 0; i--) {
                nodes.get(i).close();
            }
            shutdown.finished();
        }
        return 0;
    }

    /** Waits (bounded) until the nodes of a dev cluster elected a leader; its client address, or why not. */
    private static String awaitLeader(List<OperatorNode> nodes) {
        if (nodes.size() == 1) {
            return nodes.getFirst().clientAddress().toString();
        }
        if (!(nodes.getFirst().cluster() instanceof io.fluxdb.replication.RaftCluster raft)) {
            return "unknown";
        }
        try {
            ClusterRole role = raft.awaitLeader(java.time.Duration.ofSeconds(30));
            return role.leaderClientAddress().map(a -> a.getHostString() + ":" + a.getPort()).orElse("this node");
        } catch (io.fluxdb.engine.spi.ClusterException e) {
            log.warn("no leader elected yet: {}", e.getMessage());
            return "none elected yet";
        }
    }

    /**
     * SIGINT/SIGTERM as an event the main thread waits for. The JVM's shutdown hook holds the exit
     * until the main thread has closed the nodes (engines stop cleanly, sessions get ER_SERVER_SHUTDOWN).
     */
    private static final class ShutdownSignal {
        private final CountDownLatch requested = new CountDownLatch(1);
        private final CountDownLatch finished = new CountDownLatch(1);

        ShutdownSignal() {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                requested.countDown();
                try {
                    finished.await(60, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "fluxdb-shutdown"));
        }

        boolean requested() {
            return requested.getCount() == 0;
        }

        void await() throws InterruptedException {
            requested.await();
            log.info("stopping");
        }

        void finished() {
            finished.countDown();
        }
    }
}
