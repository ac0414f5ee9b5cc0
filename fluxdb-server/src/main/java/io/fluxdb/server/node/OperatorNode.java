package io.fluxdb.server.node;

import static java.util.Objects.requireNonNull;

import io.fluxdb.engine.spi.Cluster;
import io.fluxdb.engine.spi.Engine;
import io.fluxdb.engine.spi.EngineInfo;
import io.fluxdb.engine.spi.Engines;
import io.fluxdb.engine.spi.FrontEnd;
import io.fluxdb.engine.spi.FrontEndContext;
import io.fluxdb.replication.RaftCluster;
import io.fluxdb.replication.RaftClusterConfig;
import io.fluxdb.replication.RaftTuning;
import io.fluxdb.replication.SingleNodeCluster;
import io.fluxdb.server.config.NodeConfig;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running FluxDB node. Starts top to bottom in dependency order (engine, cluster, client
 * front end) and stops in reverse, closing the client listener first.
 */
public final class OperatorNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OperatorNode.class);

    private final Deque<AutoCloseable> running = new ArrayDeque<>();
    private final EngineInfo engineInfo;
    private final InetSocketAddress clientAddress;
    private final Cluster cluster;

    private OperatorNode(EngineInfo engineInfo, InetSocketAddress clientAddress, Cluster cluster) {
        this.engineInfo = engineInfo;
        this.clientAddress = clientAddress;
        this.cluster = cluster;
    }

    /** Starts a node in front of the engine its configuration names. */
    public static OperatorNode start(NodeConfig config) throws Exception {
        return start(config, false);
    }

    /**
     * Starts a node; with {@code managedEngine} the node also starts (and stops) its own local
     * MariaDB in its data directory, as {@code fluxdb dev} does. On failure, whatever was started
     * is stopped again before the exception propagates.
     */
    public static OperatorNode start(NodeConfig config, boolean managedEngine) throws Exception {
        return start(config, managedEngine, RaftTuning.DEFAULT);
    }

    /** Like {@link #start(NodeConfig, boolean)}, with the replicated log's timeouts (tests shorten elections). */
    public static OperatorNode start(NodeConfig config, boolean managedEngine, RaftTuning tuning) throws Exception {
        requireNonNull(config, "config is null");
        requireNonNull(tuning, "tuning is null");
        Deque<AutoCloseable> started = new ArrayDeque<>();
        try {
            if (config.cluster().appName().isPresent() && config.cluster().peers().isEmpty()) {
                throw new IllegalStateException("DB_APPNAME: finding the other nodes through FluxOS is not yet built;"
                        + " list them in PEERS (host:apiPort, the same list on every node) instead");
            }
            Engine engine = Engines.load(config.engine().engine(), EngineSettings.engineConfig(config, managedEngine));
            started.push(engine);
            engine.start();
            EngineInfo info = engine.info();
            log.info("engine {} {} at {}", info.productName(), info.version(), config.engine().endpoint());

            InetSocketAddress listen = new InetSocketAddress(config.listen().bindAddress(), config.listen().clientPort());
            Cluster cluster;
            if (config.cluster().isMultiNode()) {
                RaftCluster raft = RaftCluster.start(raftConfig(config, tuning), engine);
                started.push(raft);
                cluster = raft;
            } else {
                cluster = new SingleNodeCluster("node-" + config.listen().clientPort(), listen);
            }
            FrontEnd frontEnd = engine.frontEnd().orElseThrow(() -> new IllegalStateException(
                    "engine '" + config.engine().engine() + "' has no client front end"));
            FrontEnd.Handle handle = frontEnd.start(new FrontEndContext(listen, cluster,
                    EngineSettings.frontEndOptions(config), new WhitelistAdmission(config.access(), cluster)));
            started.push(handle);

            OperatorNode node = new OperatorNode(info, handle.localAddress(), cluster);
            node.running.addAll(started);
            return node;
        } catch (Exception | Error e) {
            closeAll(started, e);
            throw e;
        }
    }

    /** The replicated log of a cluster: PEERS name the other nodes, Raft state lives in the data directory. */
    private static RaftClusterConfig raftConfig(NodeConfig config, RaftTuning tuning) {
        ClusterMembers members = ClusterMembers.of(config);
        String secret = config.cluster().secret().orElseThrow().value();
        return new RaftClusterConfig(members.localNodeId(), members.members(),
                new InetSocketAddress(config.listen().bindAddress(), config.listen().raftPort()),
                config.dataDir().resolve("raft").toAbsolutePath(), secret, tuning);
    }

    /** This node's view of its cluster. */
    public Cluster cluster() {
        return cluster;
    }

    /** Where clients connect. */
    public InetSocketAddress clientAddress() {
        return clientAddress;
    }

    public EngineInfo engineInfo() {
        return engineInfo;
    }

    @Override
    public void close() {
        closeAll(running, null);
    }

    private static void closeAll(Deque<AutoCloseable> started, Throwable primary) {
        AutoCloseable c;
        while ((c = started.poll()) != null) {
            try {
                c.close();
            } catch (Exception e) {
                if (primary != null) {
                    primary.addSuppressed(e);
                } else {
                    log.warn("error while stopping {}: {}", c, e.toString());
                }
            }
        }
    }
}
