package io.fluxdb.replication.security;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.conf.Parameters;

/**
 * Mutual TLS for everything Ratis sends or accepts: node to node (log replication, votes, read index), and the
 * client and admin services, which share the Raft port. Each side must show a certificate from the cluster CA
 * ({@link ClusterCa}); TLS 1.3 only.
 */
public final class RaftTls {
    private final NodeIdentity identity;
    private final GrpcTlsConfig config;
    private final RaftPortFilter portFilter;

    private RaftTls(NodeIdentity identity, RefusalLog refusals) {
        this.identity = identity;
        this.portFilter = new RaftPortFilter(refusals);
        this.config = GrpcTlsConfig.newBuilder()
                .setKeyManager(new NodeKeyManager(identity))
                .setTrustManager(new ClusterTrustManager(identity.ca(), refusals, portFilter::certificateRefused))
                .setMutualTls(true)
                .setProtocols("TLSv1.3")
                .build();
    }

    /**
     * Derives the cluster CA from {@code secret} and issues this node's certificate.
     *
     * @param hosts the node's Raft host names or addresses, written into its certificate
     */
    public static RaftTls forNode(String secret, String nodeId, List<String> hosts) {
        requireNonNull(secret, "secret is null");
        requireNonNull(nodeId, "nodeId is null");
        requireNonNull(hosts, "hosts is null");
        GrpcTransportLog.install();
        return new RaftTls(ClusterCa.derive(secret).issue(nodeId, hosts), RefusalLog.standard());
    }

    /** This node's identity. */
    public NodeIdentity identity() {
        return identity;
    }

    /**
     * Puts the TLS configuration into Ratis' parameters for every service and every outgoing connection, and a watch
     * on the Raft port that logs the connections it refuses.
     */
    public void applyTo(Parameters parameters) {
        requireNonNull(parameters, "parameters is null");
        GrpcConfigKeys.TLS.setConf(parameters, config);
        GrpcConfigKeys.Server.setTlsConf(parameters, config);
        GrpcConfigKeys.Client.setTlsConf(parameters, config);
        GrpcConfigKeys.Admin.setTlsConf(parameters, config);
        GrpcConfigKeys.Server.setServicesCustomizer(parameters,
                (builder, types) -> builder.addTransportFilter(portFilter));
    }
}
