package io.fluxdb.server.node;

import static java.util.Objects.requireNonNull;

import io.fluxdb.api.EngineStatus;
import io.fluxdb.api.FlowControlStatus;
import io.fluxdb.api.LocalStatus;
import io.fluxdb.api.PeerEndpoint;
import io.fluxdb.api.StatusProvider;
import io.fluxdb.discovery.Peer;
import io.fluxdb.engine.spi.Cluster;
import io.fluxdb.engine.spi.ClusterRole;
import io.fluxdb.engine.spi.Engine;
import io.fluxdb.engine.spi.EngineHealth;
import io.fluxdb.engine.spi.ForeignData;
import io.fluxdb.replication.FlowControl;
import io.fluxdb.replication.RaftCluster;
import io.fluxdb.replication.RaftClusterStatus;
import io.fluxdb.replication.RaftMember;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * The status endpoint's view of this node, read from its cluster (role, leader, indexes, divergence) and its engine
 * (health, checked at most every {@link #HEALTH_TTL} so that polling {@code /status} costs the engine little).
 */
final class NodeStatusProvider implements StatusProvider {
    static final Duration HEALTH_TTL = Duration.ofSeconds(2);
    private static final Path PROC_UPTIME = Path.of("/proc/uptime");

    private final Cluster cluster;
    private final Engine engine;
    private final String localIp;
    private final Supplier<List<RaftMember>> members;
    private final int uiOffset;
    private final Supplier<Map<String, Peer>> discovered;
    private EngineHealth health;
    private long healthCheckedAt;
    private volatile Optional<ForeignData> foreignData = Optional.empty();

    /**
     * @param members the Raft group now, empty for a node that runs alone
     * @param uiOffset a peer's UI port minus its Raft port: peers use this node's port layout (see
     *     {@link ClusterMembers})
     * @param discovered what discovery last said about each node, by address (static IP, uptime); empty without
     */
    NodeStatusProvider(Cluster cluster, Engine engine, String localIp, Supplier<List<RaftMember>> members,
            int uiOffset, Supplier<Map<String, Peer>> discovered) {
        this.cluster = requireNonNull(cluster, "cluster is null");
        this.engine = requireNonNull(engine, "engine is null");
        this.localIp = requireNonNull(localIp, "localIp is null");
        this.members = requireNonNull(members, "members is null");
        this.uiOffset = uiOffset;
        this.discovered = requireNonNull(discovered, "discovered is null");
    }

    /** The other members now (members join and leave), each with its status URL. */
    private List<PeerEndpoint> memberEndpoints() {
        List<PeerEndpoint> list = new ArrayList<>();
        for (RaftMember member : members.get()) {
            if (member.id().equals(cluster.localNodeId())) continue;
            String host = member.raftAddress().getHostString();
            int uiPort = member.raftAddress().getPort() + uiOffset;
            list.add(PeerEndpoint.of(host, URI.create("http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host)
                    + ":" + uiPort + "/status")));
        }
        return list;
    }

    @Override
    public LocalStatus local() {
        ClusterRole role = cluster.role();
        long commitIndex = cluster.appliedIndex();
        Optional<String> failure = Optional.empty();
        boolean installing = false;
        Optional<FlowControlStatus> flow = Optional.empty();
        if (cluster instanceof RaftCluster raft) {
            installing = raft.installingSnapshot();
            if (role.isLeader() && raft.flowControl().settings().enabled()) {
                flow = Optional.of(flowControl(raft.flowControl().state()));
            }
            RaftClusterStatus status = raft.status();
            commitIndex = Math.max(status.commitIndex(), status.appliedIndex());
            failure = status.failure();
        }
        Optional<String> leaderIp = role.leaderClientAddress().map(InetSocketAddress::getHostString);
        if (role.isLeader()) {
            leaderIp = Optional.of(localIp);
        }
        EngineHealth engineHealth = health();
        Optional<Peer> self = Optional.ofNullable(discovered.get().get(localIp));
        return new LocalStatus(cluster.localNodeId(), localIp, role.role().name(), role.term(), role.leaderId(),
                leaderIp, cluster.appliedIndex(), commitIndex,
                new EngineStatus(engineHealth.status().name(), engineHealth.detail()), cluster.divergence(), failure,
                self.map(Peer::osUptimeSeconds).filter(OptionalLong::isPresent).orElseGet(NodeStatusProvider::osUptime),
                self.flatMap(Peer::staticIp), foreignData.map(ForeignData::describe), installing, flow);
    }

    private static FlowControlStatus flowControl(FlowControl.State state) {
        return new FlowControlStatus(state.settings().maxLag(), state.holding(), state.writesHeld(),
                state.heldMillis(), state.followers().stream()
                        .map(f -> new FlowControlStatus.Follower(f.nodeId(), f.appliedIndex(), f.lag(), f.counted()))
                        .toList());
    }

    /** Reports what this node did with data its engine held that the cluster did not write. */
    void foreignData(ForeignData found) {
        this.foreignData = Optional.of(found);
    }

    @Override
    public List<PeerEndpoint> peers() {
        Map<String, Peer> facts = discovered.get();
        List<PeerEndpoint> peers = memberEndpoints();
        if (facts.isEmpty()) return peers;
        return peers.stream().map(p -> {
            Peer known = facts.get(p.ip());
            return known == null ? p : new PeerEndpoint(p.ip(), p.statusUrl(), known.staticIp(), known.osUptimeSeconds());
        }).toList();
    }

    private synchronized EngineHealth health() {
        long now = System.nanoTime();
        if (health == null || now - healthCheckedAt > HEALTH_TTL.toNanos()) {
            health = engine.health();
            healthCheckedAt = now;
        }
        return health;
    }

    /** This machine's uptime in seconds, where Linux tells it. */
    private static OptionalLong osUptime() {
        try {
            String first = Files.readString(PROC_UPTIME).strip().split("\\s+")[0];
            return OptionalLong.of((long) Double.parseDouble(first));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty(); // not Linux, or no /proc: the status says "unknown"
        }
    }
}
