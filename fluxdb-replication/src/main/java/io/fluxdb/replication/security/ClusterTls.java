package io.fluxdb.replication.security;

import static java.util.Objects.requireNonNull;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Mutual TLS with the cluster CA for a port other than Raft's (the internal API): the same trust as {@link RaftTls}
 * (a certificate issued by the CA derived from {@code CLUSTER_SECRET}, nothing else; host names are not checked), as
 * a plain {@link SSLContext} for servers and clients that are not Ratis. TLS 1.3 only.
 */
public final class ClusterTls {
    private final NodeIdentity identity;
    private final SSLContext context;
    private final X509TrustManager trustManager;

    private ClusterTls(NodeIdentity identity, RefusalLog refusals) {
        this.identity = identity;
        this.trustManager = new ClusterTrustManager(identity.ca(), refusals, () -> { });
        try {
            context = SSLContext.getInstance("TLSv1.3");
            context.init(new KeyManager[] {new NodeKeyManager(identity)}, new TrustManager[] {trustManager},
                    new SecureRandom());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS 1.3: " + e.getMessage(), e);
        }
    }

    /**
     * Derives the cluster CA from {@code secret} and issues this node a certificate for {@code hosts}.
     *
     * @param refusals where refused peers are logged
     */
    public static ClusterTls forNode(String secret, String nodeName, List<String> hosts, RefusalLog refusals) {
        requireNonNull(secret, "secret is null");
        requireNonNull(nodeName, "nodeName is null");
        requireNonNull(hosts, "hosts is null");
        requireNonNull(refusals, "refusals is null");
        return new ClusterTls(ClusterCa.derive(secret).issue(nodeName, hosts), refusals);
    }

    /** Uses an identity issued elsewhere (tests: a certificate from another CA). */
    public static ClusterTls of(NodeIdentity identity, RefusalLog refusals) {
        return new ClusterTls(requireNonNull(identity, "identity is null"), requireNonNull(refusals, "refusals is null"));
    }

    /** Offers this node's certificate and trusts only the cluster CA, as server and as client. */
    public SSLContext context() {
        return context;
    }

    /** The trust manager inside {@link #context()} (HTTP clients want it separately). */
    public X509TrustManager trustManager() {
        return trustManager;
    }

    public NodeIdentity identity() {
        return identity;
    }
}
