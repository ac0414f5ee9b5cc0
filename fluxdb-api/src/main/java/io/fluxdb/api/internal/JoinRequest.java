package io.fluxdb.api.internal;

/**
 * The body of {@code POST /v1/join}: a node asks the leader to add it to the cluster.
 *
 * @param nodeId its node id ({@code <host>_<raftPort>})
 * @param host the address peers reach it at
 * @param raftPort its Raft port
 * @param clientPort its MySQL client port
 */
public record JoinRequest(String nodeId, String host, int raftPort, int clientPort) {
}
