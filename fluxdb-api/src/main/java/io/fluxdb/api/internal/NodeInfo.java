package io.fluxdb.api.internal;

import java.util.List;

/**
 * The answer of {@code GET /v1/status}: what a peer needs to know about a node to reach it and to join its cluster.
 *
 * @param nodeId the node's id in the cluster, null until it knows its own address
 * @param address the address peers reach it at, null until known
 * @param apiPort its internal API port as peers reach it
 * @param raftPort its Raft port
 * @param clientPort its MySQL client port
 * @param uiPort its status and UI port
 * @param role {@code LEADER}, {@code FOLLOWER}, {@code CANDIDATE}, {@code UNKNOWN}, or {@code STARTING} before its
 *     replicated log runs
 * @param term the replication term
 * @param leaderId the leader's node id, null if none is known
 * @param appliedIndex the highest log index applied to its engine
 * @param commitIndex the highest log index it knows to be committed
 * @param member whether it is a voting member of its cluster (false while it waits to join)
 * @param members the cluster's voting members as this node knows them; empty before its replicated log runs
 * @param clientCertificateSha256 the SHA-256 fingerprint (lowercase hex) of the TLS certificate its MySQL client port
 *     presents, null before that port runs; followers accept only this certificate on the sessions they forward to it
 */
public record NodeInfo(String nodeId, String address, int apiPort, int raftPort, int clientPort, int uiPort,
        String role, long term, String leaderId, long appliedIndex, long commitIndex, boolean member,
        List<MemberInfo> members, String clientCertificateSha256) {

    public static final String STARTING = "STARTING";

    public NodeInfo {
        members = members == null ? List.of() : List.copyOf(members);
    }

    /** Whether this node belongs to a cluster that has formed (it has a member list). */
    public boolean inCluster() {
        return !members.isEmpty();
    }

    /**
     * One voting member.
     *
     * @param id its node id
     * @param host its address
     * @param raftPort its Raft port
     * @param clientPort its MySQL client port
     */
    public record MemberInfo(String id, String host, int raftPort, int clientPort) {
    }
}
