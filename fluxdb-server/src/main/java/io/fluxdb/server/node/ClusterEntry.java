package io.fluxdb.server.node;

import static java.util.Objects.requireNonNull;

import io.fluxdb.api.internal.InternalApiClient;
import io.fluxdb.api.internal.NodeInfo;
import io.fluxdb.server.config.HostPort;
import io.fluxdb.server.config.NodeConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a node enters its cluster: as one of the group that forms it, or by joining a cluster that runs already.
 *
 * @param config the configuration, with {@code PEERS} holding the group to start with (this node aside)
 * @param join whether this node must be added by the leader (it is not in the group it starts with)
 */
record ClusterEntry(NodeConfig config, boolean join) {
    private static final Logger log = LoggerFactory.getLogger(ClusterEntry.class);

    ClusterEntry {
        requireNonNull(config, "config is null");
    }

    /**
     * A cluster of {@code PEERS}: the static group, unless this node has no replicated log yet and a peer already runs
     * a cluster that does not list this node (a node added to the list later); then it joins that cluster.
     */
    static ClusterEntry ofPeers(NodeConfig config, String self, InternalApiClient client) {
        if (hasLog(config)) {
            return new ClusterEntry(config, false);
        }
        Optional<NodeInfo> running = running(client, config.cluster().peers(),
                new HostPort(self, ClusterMembers.apiPort(config.listen())));
        if (running.isEmpty() || isMember(running.get(), self, config)) {
            return new ClusterEntry(config, false);
        }
        log.info("{} runs a cluster that does not list this node yet: this node joins it", running.get().nodeId());
        return joining(config, running.get());
    }

    /** Joins the cluster {@code running} reports: its members are the group this node starts with. */
    static ClusterEntry joining(NodeConfig config, NodeInfo running) {
        List<HostPort> members = running.members().stream()
                .map(m -> ClusterMembers.apiOf(config.listen(), m.host(), m.raftPort()))
                .toList();
        return new ClusterEntry(config.withCluster(config.cluster().withPeers(members)), true);
    }

    /** Whether {@code running} lists this node among its members. */
    static boolean isMember(NodeInfo running, String self, NodeConfig config) {
        String id = ClusterMembers.nodeId(self, config.listen().raftPort());
        return running.members().stream().anyMatch(m -> m.id().equals(id));
    }

    /**
     * The first of {@code peers} (this node's own internal API aside) whose internal API reports a cluster that has
     * formed; peers that do not answer, or answer that they are still starting, are passed over.
     */
    static Optional<NodeInfo> running(InternalApiClient client, List<HostPort> peers, HostPort self) {
        return peers.stream()
                .filter(peer -> !peer.equals(self))
                .flatMap(peer -> {
                    try {
                        NodeInfo info = client.get(InetSocketAddress.createUnresolved(peer.host(), peer.port()),
                                "/v1/status", NodeInfo.class);
                        return info.inCluster() ? Stream.of(info) : Stream.empty();
                    } catch (IOException e) {
                        log.debug("{} did not tell its status: {}", peer, e.getMessage());
                        return Stream.empty();
                    }
                })
                .findFirst();
    }

    /** Whether this node has started a replicated log before (its Raft storage holds a group). */
    static boolean hasLog(NodeConfig config) {
        Path raft = config.dataDir().resolve("raft");
        if (!Files.isDirectory(raft)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(raft)) {
            return entries.anyMatch(Files::isDirectory);
        } catch (IOException e) {
            return true; // unreadable: Raft's own start reports it
        }
    }
}
