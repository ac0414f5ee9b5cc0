package io.fluxdb.engine.mysql.frontend;

import static java.util.Objects.requireNonNull;

import io.fluxdb.engine.mysql.backend.BackendConnection;
import io.fluxdb.engine.mysql.backend.BackendKey;
import io.fluxdb.engine.mysql.backend.MySqlBackendConnector;
import io.fluxdb.engine.mysql.transport.Transport;
import io.fluxdb.protocol.auth.Credential;
import io.fluxdb.protocol.client.TlsMode;
import io.fluxdb.protocol.constant.CapabilityFlags;
import io.netty.channel.EventLoop;
import io.fluxdb.engine.spi.PeerCertificates;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Opens forwarded sessions: MySQL connections from a follower to the leader's operator, logged in as the client's own
 * user with the credential the client proved on the follower (SHA1(password) for native accounts), so the leader's
 * engine applies that user's privileges and no cluster-wide account is involved. The connection is negotiated like
 * the client's own (capabilities, character set), so the leader's answers relay to the client byte for byte.
 *
 * <p>The connection always uses TLS, and accepts only the certificate the leader reported for its client port over
 * the cluster's mutually authenticated internal API ({@link PeerCertificates}): the credential exchange and the
 * statements never reach a server that does not hold the leader's private key. A leader that offers no TLS, a
 * certificate that is not the reported one, or a leader whose certificate cannot be learned, fails the connection
 * before anything of the client's is sent.
 */
final class LeaderConnector {
    /** The longest a login to the leader may take, from the TCP connect to its OK. */
    static final Duration LOGIN_TIMEOUT = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(LeaderConnector.class);

    private final Transport transport;
    private final PeerCertificates certificates;
    /** The context for the fingerprint last pinned: a leader keeps its certificate, so it is reused. */
    private final AtomicReference<Pinned> pinned = new AtomicReference<>();
    private final Map<String, String> attributes;
    private final ForwardProof proof;

    /**
     * @param certificates the client-port certificates the members reported; the leader's is the only one accepted
     * @param nodeId this node's id, sent as a connection attribute so the leader's process list shows the origin
     * @param proof signs each connection, so the leader admits it as a forwarded session
     */
    LeaderConnector(Transport transport, PeerCertificates certificates, String nodeId, ForwardProof proof) {
        this.transport = requireNonNull(transport, "transport is null");
        this.certificates = requireNonNull(certificates, "certificates is null");
        this.proof = requireNonNull(proof, "proof is null");
        this.attributes = Map.of("_client_name", "fluxdb", "program_name", "fluxdb-forward",
                "fluxdb_forwarded_from", requireNonNull(nodeId, "nodeId is null"));
    }

    /**
     * Logs in to the operator of member {@code leaderId} at {@code leader} as {@code key.user()}, on
     * {@code eventLoop} (the client session's, so the relay never crosses threads). Fails with
     * {@link LeaderNotVerifiedException} when the server there cannot be shown to be that member.
     */
    CompletableFuture<BackendConnection> connect(String leaderId, InetSocketAddress leader, BackendKey key,
            Credential credential, EventLoop eventLoop) {
        // TLS on this leg is the connector's choice, not the account's: the flag in the key would demand it.
        BackendKey forwarded = new BackendKey(key.user(), key.capabilities() & ~CapabilityFlags.CLIENT_SSL,
                key.collation(), key.database());
        return certificates.clientCertificateSha256(leaderId)
                .handle((sha256, failure) -> {
                    if (failure != null) {
                        throw new java.util.concurrent.CompletionException(refused(leaderId, leader, "its certificate is not known to this node ("
                                + Failures.cause(failure).getMessage() + ")", true));
                    }
                    return context(leaderId, sha256);
                })
                .thenCompose(context -> MySqlBackendConnector.connect("the leader", transport, leader, forwarded,
                        credential, eventLoop, LOGIN_TIMEOUT, TlsMode.REQUIRED, context, attributes,
                        scramble -> Map.of(ForwardProof.ATTRIBUTE, proof.sign(scramble, key.user()))))
                .exceptionallyCompose(failure -> CompletableFuture.failedFuture(verified(leaderId, leader, failure)));
    }

    private SslContext context(String leaderId, String sha256) {
        Pinned last = pinned.get();
        if (last != null && last.leaderId().equals(leaderId) && last.trust().expectedSha256().equals(sha256)) {
            return last.context();
        }
        PinnedCertificate trust = new PinnedCertificate(sha256, leaderId);
        try {
            // Host names are not checked: the pinned fingerprint already names the one certificate accepted.
            SslContext context = SslContextBuilder.forClient().trustManager(trust)
                    .endpointIdentificationAlgorithm(null).build();
            pinned.set(new Pinned(leaderId, trust, context));
            return context;
        } catch (javax.net.ssl.SSLException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * A failure that comes from the leader's certificate or a missing TLS offer becomes a refusal, logged. Another
     * certificate than the one looked up may be the member's new one (it restarted): the next session asks again.
     */
    private Throwable verified(String leaderId, InetSocketAddress leader, Throwable failure) {
        Throwable cause = Failures.cause(failure);
        if (cause instanceof LeaderNotVerifiedException) {
            return cause;
        }
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof PinnedCertificate.Mismatch mismatch) {
                certificates.forget(leaderId);
                return refused(leaderId, leader, mismatch.getMessage(), false);
            }
            if (t instanceof io.fluxdb.protocol.ProtocolException && String.valueOf(t.getMessage()).contains("TLS")) {
                return refused(leaderId, leader, "it does not offer TLS", false);
            }
        }
        return cause;
    }

    private static LeaderNotVerifiedException refused(String leaderId, InetSocketAddress leader, String why,
            boolean unanswered) {
        LeaderNotVerifiedException e = new LeaderNotVerifiedException("the server at " + leader.getHostString() + ":"
                + leader.getPort() + " is not verified as node " + leaderId + ": " + why
                + "; the client's credential was not sent", unanswered);
        log.warn("forwarding refused: {}", e.getMessage());
        return e;
    }

    private record Pinned(String leaderId, PinnedCertificate trust, SslContext context) {}
}
