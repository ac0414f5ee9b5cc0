package io.fluxdb.server.node;

import static java.util.Objects.requireNonNull;

import io.fluxdb.api.internal.InternalApiClient;
import io.fluxdb.replication.RaftCluster;
import io.fluxdb.replication.RaftMember;
import io.fluxdb.replication.snapshot.SnapshotSource;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches a snapshot from a peer's internal API ({@code GET /v1/snapshot}). Followers are asked first: serving a dump
 * holds the serving node's apply back for a moment and keeps a long transaction open on its engine, which the leader
 * is better spared. A peer's internal API lies as far from its Raft port as this node's does (see
 * {@link ClusterMembers}).
 */
final class PeerSnapshotSource implements SnapshotSource {
    private static final Logger log = LoggerFactory.getLogger(PeerSnapshotSource.class);

    private final RaftCluster raft;
    private final InternalApiClient client;
    private final int raftToApiOffset;

    /** @param raftToApiOffset a member's API port minus its Raft port */
    PeerSnapshotSource(RaftCluster raft, InternalApiClient client, int raftToApiOffset) {
        this.raft = requireNonNull(raft, "raft is null");
        this.client = requireNonNull(client, "client is null");
        this.raftToApiOffset = raftToApiOffset;
    }

    @Override
    public InputStream open(long minIndex, Optional<String> leaderId) throws IOException {
        List<RaftMember> peers = new ArrayList<>(raft.members().stream()
                .filter(m -> !m.id().equals(raft.localNodeId()))
                .toList());
        peers.sort(Comparator.comparing((RaftMember m) -> leaderId.filter(m.id()::equals).isPresent()));
        List<String> refusals = new ArrayList<>();
        for (RaftMember peer : peers) {
            InetSocketAddress api = InternalApi.address(peer, raftToApiOffset);
            try {
                InputStream in = client.stream(api, "/v1/snapshot?min=" + minIndex);
                log.info("snapshot - fetching from {} ({})", peer.id(), api);
                return in;
            } catch (IOException e) {
                refusals.add(peer.id() + ": " + e.getMessage());
            }
        }
        throw new IOException("no peer can serve a snapshot at index " + minIndex + " or later now: "
                + (refusals.isEmpty() ? "no other members" : String.join("; ", refusals)));
    }
}
