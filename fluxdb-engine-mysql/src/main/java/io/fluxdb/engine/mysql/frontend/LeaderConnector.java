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
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Opens forwarded sessions: MySQL connections from a follower to the leader's operator, logged in as the client's own
 * user with the credential the client proved on the follower (SHA1(password) for native accounts), so the leader's
 * engine applies that user's privileges and no cluster-wide account is involved. The connection is negotiated like
 * the client's own (capabilities, character set), so the leader's answers relay to the client byte for byte.
 */
final class LeaderConnector {
    /** The longest a login to the leader may take, from the TCP connect to its OK. */
    static final Duration LOGIN_TIMEOUT = Duration.ofSeconds(5);

    private final Transport transport;
    private final SslContext tls;
    private final Map<String, String> attributes;
    private final ForwardProof proof;

    /**
     * @param tls the client context for the leader's TLS, used whenever the leader offers it
     * @param nodeId this node's id, sent as a connection attribute so the leader's process list shows the origin
     * @param proof signs each connection, so the leader admits it as a forwarded session
     */
    LeaderConnector(Transport transport, SslContext tls, String nodeId, ForwardProof proof) {
        this.transport = requireNonNull(transport, "transport is null");
        this.tls = requireNonNull(tls, "tls is null");
        this.proof = requireNonNull(proof, "proof is null");
        this.attributes = Map.of("_client_name", "fluxdb", "program_name", "fluxdb-forward",
                "fluxdb_forwarded_from", requireNonNull(nodeId, "nodeId is null"));
    }

    /**
     * Logs in to the leader's operator at {@code leader} as {@code key.user()}, on {@code eventLoop} (the client
     * session's, so the relay never crosses threads).
     */
    CompletableFuture<BackendConnection> connect(InetSocketAddress leader, BackendKey key, Credential credential,
            EventLoop eventLoop) {
        // TLS on this leg is the connector's choice, not the account's: the flag in the key would demand it.
        BackendKey forwarded = new BackendKey(key.user(), key.capabilities() & ~CapabilityFlags.CLIENT_SSL,
                key.collation(), key.database());
        return MySqlBackendConnector.connect("the leader", transport, leader, forwarded, credential, eventLoop, LOGIN_TIMEOUT,
                TlsMode.PREFERRED, tls, attributes,
                scramble -> Map.of(ForwardProof.ATTRIBUTE, proof.sign(scramble, key.user())));
    }
}
