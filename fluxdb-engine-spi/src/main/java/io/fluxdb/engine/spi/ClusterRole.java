package io.fluxdb.engine.spi;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * A snapshot of this node's place in the cluster.
 *
 * @param role this node's role
 * @param term the replication term the snapshot was taken in, 0 if unknown
 * @param leaderId the leader's node id, if known
 * @param leaderClientAddress the leader's client (database) address, where followers forward write sessions,
 *     if known
 */
public record ClusterRole(NodeRole role, long term, Optional<String> leaderId,
        Optional<InetSocketAddress> leaderClientAddress) {

    public ClusterRole {
        requireNonNull(role, "role is null");
        requireNonNull(leaderId, "leaderId is null");
        requireNonNull(leaderClientAddress, "leaderClientAddress is null");
        if (term < 0) {
            throw new IllegalArgumentException("term: " + term + " (expected: >= 0)");
        }
    }

    /** The role of a node that runs alone: always the leader of a one-node group. */
    public static ClusterRole localOnly(String nodeId, InetSocketAddress clientAddress) {
        return new ClusterRole(NodeRole.LEADER, 1, Optional.of(nodeId), Optional.of(clientAddress));
    }

    public boolean isLeader() {
        return role == NodeRole.LEADER;
    }
}
