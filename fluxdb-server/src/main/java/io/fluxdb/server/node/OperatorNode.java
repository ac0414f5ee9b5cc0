package io.fluxdb.server.node;

import static java.util.Objects.requireNonNull;

import io.fluxdb.api.StatusServer;
import io.fluxdb.api.internal.InternalApiClient;
import io.fluxdb.api.internal.InternalApiServer;
import io.fluxdb.discovery.DiscoveryService;
import io.fluxdb.discovery.Peer;
import io.fluxdb.engine.spi.Cluster;
import io.fluxdb.engine.spi.Engine;
import io.fluxdb.engine.spi.EngineInfo;
import io.fluxdb.engine.spi.ForeignData;
import io.fluxdb.engine.spi.FrontEnd;
import io.fluxdb.engine.spi.FrontEndContext;
import io.fluxdb.engine.spi.PeerCertificates;
import io.fluxdb.replication.RaftCluster;
import io.fluxdb.replication.RaftClusterConfig;
import io.fluxdb.replication.RaftMember;
import io.fluxdb.replication.FlowControl;
import io.fluxdb.replication.RaftTuning;
import io.fluxdb.replication.SingleNodeCluster;
import io.fluxdb.replication.security.SecretDerivation;
import io.fluxdb.server.config.HostPort;
import io.fluxdb.server.config.NodeConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.List;
import java.util.Map;
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
    /** How often discovery is asked while a new cluster waits for its nodes (the original waited 10 s). */
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
        Duration election = config.cluster().electionTimeout();
        return start(config, managedEngine, RaftTuning.DEFAULT.withElectionTimeout(election, election.multipliedBy(2)));
    }

    /** Like {@link #start(NodeConfig, boolean)}, with the replicated log's timeouts (tests shorten elections). */
    public static OperatorNode start(NodeConfig given, boolean managedEngine, RaftTuning timeouts) throws Exception {
        requireNonNull(given, "given is null");
        requireNonNull(timeouts, "timeouts is null");
        RaftTuning tuning = timeouts.withFlowControl(new FlowControl.Settings(given.cluster().flowControlLag(),
                given.cluster().flowControlWait()));
        Deque<AutoCloseable> started = new ArrayDeque<>();
        try {
            boolean multiNode = given.cluster().isMultiNode();
            boolean discovered = DiscoveryBootstrap.discovers(given);
            NodeInfoRoute nodeInfo = new NodeInfoRoute(given.listen());
            NodeConfig config = given;
            ClusterEntry entry = new ClusterEntry(given, false);
            String self = null;
            Membership membership = null;
            Supplier<Optional<Set<String>>> listedHosts = Optional::empty;
            Supplier<Map<String, Peer>> discoveryFacts = Map::of;
            SnapshotRoute snapshots = new SnapshotRoute();
            InternalApiClient apiClient = null;
            if (multiNode) {
                // the internal API comes first: peers starting at the same time ask it who they are and what it runs
                apiClient = InternalApi.client(given);
                started.push(apiClient);
                membership = new Membership(given.listen(), apiClient, given.cluster().memberRemoveAfter(),
                        MemberLeave.marker(given.dataDir()));
                started.push(membership);
                InternalApiServer.Builder routes = membership.routes(InternalApi.routes(given, nodeInfo, snapshots));
                started.push(routes.start());
                self = SelfAddress.resolve(given, apiClient, whoAmICandidates(given), routes.instance(),
                        DISCOVERY_POLL_INTERVAL);
                nodeInfo.address(self);
                // peers from FluxOS or DNS: this waits until enough nodes are listed (see DiscoveryBootstrap)
                entry = discovered ? DiscoveryBootstrap.resolve(given, self, apiClient, DISCOVERY_POLL_INTERVAL)
                        : ClusterEntry.ofPeers(given, self, apiClient);
                config = entry.config();
                if (config.cluster().isDiscovered()) {
                    DiscoveryWatcher watcher = DiscoveryWatcher.start(config);
                    started.push(watcher);
                    discoveryFacts = watcher::facts;
                    listedHosts = watcher::hosts;
                }
            }
            NodeConfig settled = config;
            Engine engine = EngineStarter.start(config.engine().engine(), EngineSettings.engineConfig(config, managedEngine),
                    config.engine().endpoint(), config.engine().startWait(), !managedEngine);
            started.push(engine);
            EngineInfo info = engine.info();
            log.info("engine {} {} at {}", info.productName(), info.version(), config.engine().endpoint());

            InetSocketAddress listen = new InetSocketAddress(config.listen().bindAddress(), config.listen().clientPort());
            Cluster cluster;
            Supplier<List<RaftMember>> members = List::of;
            PeerCertificates peerCertificates = PeerCertificates.NONE;
            Optional<ForeignData> foreign = Optional.empty();
            if (multiNode) {
                // data the cluster's log did not write is saved to the data directory and removed, never merged
                foreign = engine.adoptCluster(
                        SecretDerivation.groupId(config.cluster().secret().orElseThrow().value()).toString(),
                        config.dataDir().toAbsolutePath());
                engine.joinCluster();
                RaftClusterConfig raftConfig = raftConfig(config, self, tuning);
                RaftCluster raft = entry.join() ? RaftCluster.join(raftConfig, engine) : RaftCluster.start(raftConfig, engine);
                started.push(raft);
                raft.snapshotSource(new PeerSnapshotSource(raft, apiClient, InternalApi.raftToApiOffset(config)));
                nodeInfo.cluster(raft);
                snapshots.cluster(raft);
                membership.start(raft, listedHosts);
                cluster = raft;
                members = raft::members;
                PeerCertificateLookup lookup = new PeerCertificateLookup(raft, apiClient,
                        InternalApi.raftToApiOffset(config)).startRefreshing();
                started.push(lookup);
                peerCertificates = lookup;
                started.push(new FollowerProgressPoller(raft, apiClient, InternalApi.raftToApiOffset(config)).start());
                InetAddress bind = config.listen().bindAddress();
                started.push(new LeaderLossWatch(raft, InternalApi.raftToApiOffset(config),
                        tuning.electionTimeoutMin().dividedBy(2),
                        bind.isAnyLocalAddress() ? Optional.empty() : Optional.of(bind)).start());
            } else {
                cluster = new SingleNodeCluster("node-" + config.listen().clientPort(), listen);
            }
            // the instances of CLIENT_APPNAME are polled in the background; until FluxOS answers, only WHITELIST admits
            Optional<ClientAppInstances> clientApp = config.access().clientAppName().isPresent()
                    ? Optional.of(ClientAppInstances.watch(config, DiscoveryWatcher.interval(config)))
                    : Optional.empty();
            clientApp.ifPresent(started::push);
            FrontEnd frontEnd = engine.frontEnd().orElseThrow(() -> new IllegalStateException(
                    "engine '" + settled.engine().engine() + "' has no client front end"));
            FrontEnd.Handle handle = frontEnd.start(new FrontEndContext(listen, cluster,
                    EngineSettings.frontEndOptions(config), new WhitelistAdmission(config.access(), cluster, clientApp),
                    peerCertificates));
            started.push(handle);
            handle.certificateSha256().ifPresent(nodeInfo::clientCertificate);

            NodeStatusProvider statusProvider = new NodeStatusProvider(cluster, engine,
                    self != null ? self : handle.localAddress().getHostString(), members,
                    config.listen().uiPort() - config.listen().raftPort(), discoveryFacts);
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

    /** The peers asked who this node is: PEERS, or the nodes discovery lists (FluxOS, DNS) and the group stored before. */
    private static Supplier<List<HostPort>> whoAmICandidates(NodeConfig config) {
        if (!DiscoveryBootstrap.discovers(config)) {
            return () -> config.cluster().peers();
        }
        DiscoveryService listing = new DiscoveryService(DiscoveryBootstrap.peerSource(config).orElseThrow(),
                DISCOVERY_POLL_INTERVAL);
        return () -> {
            Set<HostPort> candidates = new LinkedHashSet<>();
            listing.poll().ifPresent(peers -> peers.forEach(p -> candidates.add(new HostPort(p.host(), p.port()))));
            candidates.addAll(DiscoveryBootstrap.stored(config));
            return List.copyOf(candidates);
        };
    }

    /** The replicated log of a cluster: PEERS name the other nodes, Raft state lives in the data directory. */
    private static RaftClusterConfig raftConfig(NodeConfig config, String self, RaftTuning tuning) {
        ClusterMembers members = ClusterMembers.of(config, self);
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
