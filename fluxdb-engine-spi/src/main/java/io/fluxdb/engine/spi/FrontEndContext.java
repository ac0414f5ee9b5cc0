package io.fluxdb.engine.spi;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the server hands a {@link FrontEnd} when starting it.
 *
 * @param listenAddress where to accept clients; port 0 picks a free port
 * @param cluster this node's view of the cluster
 * @param admission who may connect at all, asked before authentication
 * @param options front-end settings by name (TLS files, whitelist, consistency level, ...); front ends reject
 *     names they do not know
 * @param peerCertificates the client-port certificates other members present, as they reported them to this node
 */
public record FrontEndContext(InetSocketAddress listenAddress, Cluster cluster, Map<String, String> options,
        ClientAdmission admission, PeerCertificates peerCertificates) {

    /** A context that knows no other member's certificate (a node alone, or a test without forwarding). */
    public FrontEndContext(InetSocketAddress listenAddress, Cluster cluster, Map<String, String> options,
            ClientAdmission admission) {
        this(listenAddress, cluster, options, admission, PeerCertificates.NONE);
    }

    public FrontEndContext {
        requireNonNull(listenAddress, "listenAddress is null");
        requireNonNull(cluster, "cluster is null");
        requireNonNull(options, "options is null");
        requireNonNull(admission, "admission is null");
        requireNonNull(peerCertificates, "peerCertificates is null");
        options = Collections.unmodifiableMap(new TreeMap<>(options));
    }
}
