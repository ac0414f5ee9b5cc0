package io.fluxdb.server.node;

import static java.util.Objects.requireNonNull;

import io.fluxdb.api.internal.ApiExchange;
import io.fluxdb.api.internal.ApiHandler;
import io.fluxdb.api.internal.NodeInfo;
import io.fluxdb.engine.spi.ClusterRole;
import io.fluxdb.replication.RaftCluster;
import io.fluxdb.replication.RaftClusterStatus;
import io.fluxdb.server.config.ListenConfig;
import java.io.IOException;
import java.util.List;

/**
 * {@code GET /v1/status} of the internal API: this node's ports, role and members. It answers from the first moment
 * the internal API listens, before this node knows its own address or runs its replicated log, so that peers
 * starting at the same time can tell a forming cluster from a running one.
 */
final class NodeInfoRoute implements ApiHandler {
    private final ListenConfig listen;
    private volatile String address;
    private volatile RaftCluster raft;
    private volatile String clientCertificateSha256;

    NodeInfoRoute(ListenConfig listen) {
        this.listen = requireNonNull(listen, "listen is null");
    }

    /** This node's address, once it knows it. */
    void address(String value) {
        this.address = requireNonNull(value, "value is null");
    }

    /** This node's replicated log, once it runs. */
    void cluster(RaftCluster value) {
        this.raft = requireNonNull(value, "value is null");
    }

    /** The fingerprint of the certificate the client port presents, once it runs. */
    void clientCertificate(String sha256) {
        this.clientCertificateSha256 = requireNonNull(sha256, "sha256 is null");
    }

    NodeInfo info() {
        int apiPort = listen.apiAdvertisedPort() != 0 ? listen.apiAdvertisedPort() : listen.apiListenPort();
        RaftCluster cluster = raft;
        if (cluster == null) {
            return new NodeInfo(null, address, apiPort, listen.raftPort(), listen.clientPort(), listen.uiPort(),
                    NodeInfo.STARTING, 0, null, 0, 0, false, List.of(), clientCertificateSha256);
        }
        ClusterRole role = cluster.role();
        RaftClusterStatus status = cluster.status();
        List<NodeInfo.MemberInfo> members = cluster.members().stream()
                .map(m -> new NodeInfo.MemberInfo(m.id(), m.raftAddress().getHostString(), m.raftAddress().getPort(),
                        m.clientAddress().getPort()))
                .toList();
        return new NodeInfo(cluster.localNodeId(), address, apiPort, listen.raftPort(), listen.clientPort(),
                listen.uiPort(), role.role().name(), role.term(), role.leaderId().orElse(null), status.appliedIndex(),
                Math.max(status.commitIndex(), status.appliedIndex()), cluster.isMember(), members,
                clientCertificateSha256);
    }

    @Override
    public void handle(ApiExchange exchange) throws IOException {
        exchange.respondJson(200, NodeInfo.class, info());
    }
}
