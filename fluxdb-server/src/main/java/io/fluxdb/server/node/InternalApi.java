package io.fluxdb.server.node;

import io.fluxdb.api.internal.InternalApiClient;
import io.fluxdb.api.internal.InternalApiServer;
import io.fluxdb.replication.RaftMember;
import io.fluxdb.replication.security.ClusterTls;
import io.fluxdb.replication.security.RefusalLog;
import io.fluxdb.server.config.NodeConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * This node's side of the internal API: its server on {@code API_LISTEN_PORT} with the routes every node serves, and
 * the client it calls peers with, both with a certificate of the cluster CA derived from {@code CLUSTER_SECRET}.
 */
final class InternalApi {
    /** Bounds connecting to a peer and each read; a streamed body may take longer as a whole. */
    static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);
    private static final RefusalLog REFUSALS = RefusalLog.standard("internal API");

    private InternalApi() {
    }

    /** The server with this node's routes, not started: more routes may be added. */
    static InternalApiServer.Builder routes(NodeConfig config, NodeInfoRoute nodeInfo, SnapshotRoute snapshots) {
        return InternalApiServer.builder(
                        new InetSocketAddress(config.listen().bindAddress(), config.listen().apiListenPort()),
                        tls(config), REFUSALS)
                .route("GET", "/v1/status", nodeInfo)
                .route("GET", "/v1/snapshot", snapshots);
    }

    /** A member's internal API port minus its Raft port: every node uses the same port layout. */
    static int raftToApiOffset(NodeConfig config) {
        int apiPort = config.listen().apiAdvertisedPort() != 0 ? config.listen().apiAdvertisedPort()
                : config.listen().apiListenPort();
        return apiPort - config.listen().raftPort();
    }

    /** Where {@code member}'s internal API is reached: its Raft host, its Raft port plus {@code raftToApiOffset}. */
    static InetSocketAddress address(RaftMember member, int raftToApiOffset) {
        return new InetSocketAddress(member.raftAddress().getHostString(),
                member.raftAddress().getPort() + raftToApiOffset);
    }

    /** A client for peers' internal APIs; its connections come from BIND_ADDRESS when that names one address. */
    static InternalApiClient client(NodeConfig config) {
        InetAddress bind = config.listen().bindAddress();
        return InternalApiClient.create(tls(config), bind.isAnyLocalAddress() ? Optional.empty() : Optional.of(bind),
                CLIENT_TIMEOUT);
    }

    private static ClusterTls tls(NodeConfig config) {
        String secret = config.cluster().secret().orElseThrow(() -> new IllegalStateException(
                "the internal API needs CLUSTER_SECRET")).value();
        return ClusterTls.forNode(secret, "fluxdb node " + config.listen().bindAddress().getHostAddress(), List.of(),
                REFUSALS);
    }
}
