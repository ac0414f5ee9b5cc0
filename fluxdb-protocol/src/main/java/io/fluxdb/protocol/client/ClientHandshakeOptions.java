package io.fluxdb.protocol.client;

import static java.util.Objects.requireNonNull;

import io.fluxdb.protocol.auth.ClientAuthenticator;
import io.netty.handler.ssl.SslContext;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * What the client asks for in the handshake. Credentials live in the authenticators.
 *
 * @param capabilities the flags wanted (MariaDB extended ones in bits 32-63); the connector sends
 *     their intersection with the server's, plus the flags implied by the other options
 * @param database the initial schema, or null
 * @param authenticators creates the authenticator for a plugin name (the one the server's
 *     handshake names, then the one an auth switch names); a new one per connection and plugin,
 *     e.g. {@code plugin -> AuthPlugins.client(plugin, password)}. It throws
 *     {@link io.fluxdb.protocol.auth.AuthException} for a plugin it cannot answer.
 * @param sslContext a client context; required unless {@code tlsMode} is {@link TlsMode#DISABLED}
 * @param scrambleAttributes more connection attributes, made from the server's scramble once the handshake arrived
 *     (a proof bound to this one connection); sent only with {@code connectAttributes}
 */
public record ClientHandshakeOptions(
        String user,
        String database,
        long capabilities,
        int characterSet,
        int maxPacketSize,
        Map<String, String> connectAttributes,
        Function<String, ClientAuthenticator> authenticators,
        TlsMode tlsMode,
        SslContext sslContext,
        Function<byte[], Map<String, String>> scrambleAttributes) {

    /** Options without attributes made from the scramble. */
    public ClientHandshakeOptions(String user, String database, long capabilities, int characterSet, int maxPacketSize,
            Map<String, String> connectAttributes, Function<String, ClientAuthenticator> authenticators, TlsMode tlsMode,
            SslContext sslContext) {
        this(user, database, capabilities, characterSet, maxPacketSize, connectAttributes, authenticators, tlsMode,
                sslContext, scramble -> Map.of());
    }

    public ClientHandshakeOptions {
        requireNonNull(user, "user is null");
        requireNonNull(connectAttributes, "connectAttributes is null");
        requireNonNull(authenticators, "authenticators is null");
        requireNonNull(tlsMode, "tlsMode is null");
        requireNonNull(scrambleAttributes, "scrambleAttributes is null");
        if (tlsMode != TlsMode.DISABLED && sslContext == null) {
            throw new IllegalArgumentException("sslContext: null (expected: a client context for " + tlsMode + ")");
        }
        if (sslContext != null && sslContext.isServer()) {
            throw new IllegalArgumentException("sslContext: a server context (expected: a client context)");
        }
        if (characterSet < 0 || characterSet > 0xFF) {
            throw new IllegalArgumentException("characterSet: " + characterSet + " (expected: 0-255)");
        }
        connectAttributes = Collections.unmodifiableMap(new LinkedHashMap<>(connectAttributes));
    }
}
