package io.fluxdb.engine.spi;

import java.util.concurrent.CompletableFuture;

/**
 * The TLS certificates that other members of the cluster present on their client ports, as each member reported its
 * own over the cluster's mutually authenticated channel. A follower's forwarded session accepts from the leader only
 * the certificate the leader reported, so a server that does not hold the leader's private key (a man in the middle,
 * a stranger at the leader's address) never sees the client's credential or statements.
 */
@FunctionalInterface
public interface PeerCertificates {

    /** Knows no member's certificate: every lookup fails. */
    PeerCertificates NONE = nodeId -> CompletableFuture.failedFuture(
            new IllegalStateException("no certificate of node " + nodeId + " is known to this node"));

    /**
     * The SHA-256 fingerprint (lowercase hex) of the certificate member {@code nodeId} presents to MySQL clients.
     * Fails when the member cannot be asked or reports none (it offers no TLS, or has not started its client port).
     */
    CompletableFuture<String> clientCertificateSha256(String nodeId);

    /**
     * The certificate {@code nodeId} presented differs from the one looked up (the member restarted with a new one):
     * the next lookup must ask the member again rather than answer from what it learned before.
     */
    default void forget(String nodeId) {
    }
}
