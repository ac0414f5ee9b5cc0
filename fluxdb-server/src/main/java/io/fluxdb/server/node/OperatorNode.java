package io.fluxdb.server.node;

import static java.util.Objects.requireNonNull;

import io.fluxdb.api.StatusServer;
import io.fluxdb.api.internal.InternalApiClient;
import io.fluxdb.discovery.Peer;
import io.fluxdb.engine.spi.Cluster;
import io.fluxdb.engine.spi.Engine;
import io.fluxdb.engine.spi.EngineInfo;
import io.fluxdb.engine.spi.ForeignData;
import io.fluxdb.engine.spi.FrontEnd;
import io.fluxdb.engine.spi.FrontEndContext;
import io.fluxdb.replication.RaftCluster;
import io.fluxdb.replication.RaftClusterConfig;
import io.fluxdb.replication.RaftMember;
import io.fluxdb.replication.RaftTuning;
import io.fluxdb.replication.SingleNodeCluster;
import io.fluxdb.replication.security.SecretDerivation;
import io.fluxdb.server.config.NodeConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running FluxDB node. Starts top to bottom in dependency order (engine, cluster, client
 * front end, status endpoint) and stops in reverse.
 */
public final class OperatorNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OperatorNode.class);

    /** How often the status endpoint asks every peer for its status, and how long it waits for one. */
    static final Duration PEER_STATUS_INTERVAL = Duration.ofSeconds(5);
    static final Duration PEER_STATUS_TIMEOUT = Duration.ofSeconds(2);
    /** How often FluxOS is asked while a new cluster waits for its instances (the original waited 10 s). */
    static final Duration DISCOVERY_POLL_INTERVAL = Duration.ofSeconds(2);

    private final Deque<AutoCloseable> running = new ArrayDeque<>();
    private final EngineInfo engineInfo;
    private final InetSocketAddress clientAddress;
    private final Cluster cluster;
    private final InetSocketAddress statusAddress;

    private OperatorNode(EngineInfo engineInfo, InetSocketAddress clientAddress, Cluster cluster,
            InetSocketAddress statusAddress) {
        this.engineInfo = engineInfo;
        this.clientAddress = clientAddress;
        this.cluster = cluster;
        this.statusAddress = statusAddress;
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
    public static OperatorNode start(NodeConfig given, boolean managedEngine, RaftTuning tuning) throws Exception {
        requireNonNull(given, "given is null");
        requireNonNull(tuning, "tuning is null");
        Deque<AutoCloseable> started = new ArrayDeque<>();
        try {
            // the internal API comes first: peers starting at the same time ask it who they are and what it runs
            NodeInfoRoute nodeInfo = new NodeInfoRoute(given.listen());
            SnapshotRoute snapshots = new SnapshotRoute();
            if (given.cluster().isMultiNode()) {
                started.push(InternalApi.routes(given, nodeInfo, snapshots).start());
            }
            // On Flux the peers come from FluxOS: this waits until the app has its instances (see FluxOsBootstrap)
            NodeConfig config = given.cluster().appName().isPresent() && given.cluster().peers().isEmpty()
                    ? FluxOsBootstrap.resolve(given, DISCOVERY_POLL_INTERVAL) : given;
            Engine engine = EngineStarter.start(config.engine().engine(), EngineSettings.engineConfig(config, managedEngine),
                    config.engine().endpoint(), config.engine().startWait(), !managedEngine);
            started.push(engine);
            EngineInfo info = engine.info();
            log.info("engine {} {} at {}", info.productName(), info.version(), config.engine().endpoint());

            InetSocketAddress listen = new InetSocketAddress(config.listen().bindAddress(), config.listen().clientPort());
            Cluster cluster;
            Optional<ForeignData> foreign = Optional.empty();
            if (config.cluster().isMultiNode()) {
                // data the cluster's log did not write is saved to the data directory and removed, never merged
                foreign = engine.adoptCluster(
                        SecretDerivation.groupId(config.cluster().secret().orElseThrow().value()).toString(),
                        config.dataDir().toAbsolutePath());
                engine.joinCluster();
                RaftClusterConfig raftConfig = raftConfig(config, tuning);
                nodeInfo.address(raftConfig.localMember().raftAddress().getHostString());
                RaftCluster raft = RaftCluster.start(raftConfig, engine);
                started.push(raft);
                InternalApiClient peers = InternalApi.client(config);
                started.push(peers);
                raft.snapshotSource(new PeerSnapshotSource(raft, peers, InternalApi.raftToApiOffset(config)));
                nodeInfo.cluster(raft);
                snapshots.cluster(raft);
                cluster = raft;
            } else {
                cluster = new SingleNodeCluster("node-" + config.listen().clientPort(), listen);
            }
            FrontEnd frontEnd = engine.frontEnd().orElseThrow(() -> new IllegalStateException(
                    "engine '" + config.engine().engine() + "' has no client front end"));
            FrontEnd.Handle handle = frontEnd.start(new FrontEndContext(listen, cluster,
                    EngineSettings.frontEndOptions(config), new WhitelistAdmission(config.access(), cluster)));
            started.push(handle);

            Supplier<Map<String, Peer>> discovered = Map::of;
            if (config.cluster().appName().isPresent()) {
                FluxOsWatcher watcher = FluxOsWatcher.start(config);
                started.push(watcher);
                discovered = watcher::facts;
            }
            NodeStatusProvider statusProvider = statusProvider(config, cluster, engine, handle.localAddress(),
                    discovered);
            foreign.ifPresent(statusProvider::foreignData);
            StatusServer status = StatusServer.start(new InetSocketAddress(config.listen().bindAddress(),
                    config.listen().uiPort()), statusProvider, PEER_STATUS_INTERVAL, PEER_STATUS_TIMEOUT);
            started.push(status);

            OperatorNode node = new OperatorNode(info, handle.localAddress(), cluster, status.address());
            node.running.addAll(started);
            return node;
        } catch (Exception | Error e) {
            closeAll(started, e);
            throw e;
        }
    }

    /** What {@code GET /status} reports: this node from its cluster and engine, and every other member. */
    private static NodeStatusProvider statusProvider(NodeConfig config, Cluster cluster, Engine engine,
            InetSocketAddress clientAddress, Supplier<Map<String, Peer>> discovered) {
        if (!config.cluster().isMultiNode()) {
            return new NodeStatusProvider(cluster, engine, clientAddress.getHostString(), List.of(), 0, discovered);
        }
        ClusterMembers members = ClusterMembers.of(config);
        RaftMember self = members.members().stream().filter(m -> m.id().equals(members.localNodeId()))
                .findFirst().orElseThrow();
        return new NodeStatusProvider(cluster, engine, self.raftAddress().getHostString(), members.members(),
                config.listen().uiPort() - config.listen().raftPort(), discovered);
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

    /** Where {@code GET /status} and the master probe are served (UI_PORT). */
    public InetSocketAddress statusAddress() {
        return statusAddress;
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
