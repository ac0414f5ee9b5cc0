package io.fluxdb.replication;

import static java.util.Objects.requireNonNull;

import io.fluxdb.engine.spi.NodeRole;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A snapshot of one node's replication state, for logs, status pages and tests.
 *
 * @param nodeId this node
 * @param role its role as {@code Cluster.role()} reports it
 * @param term the current Raft term
 * @param leaderId the leader, if known
 * @param commitIndex the highest log index this node knows to be committed
 * @param appliedIndex the highest index applied to this node's engine, contiguously
 * @param peerCommitIndexes each member's commit index as last reported to this node (the leader hears it from every
 *     follower), by node id
 * @param applyBacklog committed entries not yet applied here
 * @param applyInFlight entries holding an engine transaction right now
 * @param divergence why this node's data differs from the leader's, if it does
 * @param failure why this node stopped applying or reading its log, if it did
 */
public record RaftClusterStatus(String nodeId, NodeRole role, long term, Optional<String> leaderId, long commitIndex,
        long appliedIndex, Map<String, Long> peerCommitIndexes, int applyBacklog, int applyInFlight,
        Optional<String> divergence, Optional<String> failure) {

    public RaftClusterStatus {
        requireNonNull(nodeId, "nodeId is null");
        requireNonNull(role, "role is null");
        requireNonNull(leaderId, "leaderId is null");
        requireNonNull(peerCommitIndexes, "peerCommitIndexes is null");
        requireNonNull(divergence, "divergence is null");
        requireNonNull(failure, "failure is null");
        peerCommitIndexes = Collections.unmodifiableMap(new TreeMap<>(peerCommitIndexes));
    }
}
