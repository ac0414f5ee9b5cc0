package io.fluxdb.protocol.client;

import static java.util.Objects.requireNonNull;

import io.netty.handler.ssl.SslContext;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the client asks for in the handshake. Credentials live in the authenticators.
 *
 * @param capabilities the flags wanted (MariaDB extended ones in bits 32-63); the connector sends
 *     their intersection with the server's, plus the flags implied by the other options
 * @param database the initial schema, or null
 * @param authenticators at least one; the one named by the server's handshake is used first if
 *     present, else the first; an auth switch picks by plugin name
 * @param sslContext a client context; required unless {@code tlsMode} is {@link TlsMode#DISABLED}
 */
public record ClientHandshakeOptions(
        String user,
        String database,
        long capabilities,
        int characterSet,
        int maxPacketSize,
        Map<String, String> connectAttributes,
        List<ClientAuthenticator> authenticators,
        TlsMode tlsMode,
        SslContext sslContext) {

    public ClientHandshakeOptions {
        requireNonNull(user, "user is null");
        requireNonNull(connectAttributes, "connectAttributes is null");
        requireNonNull(authenticators, "authenticators is null");
        requireNonNull(tlsMode, "tlsMode is null");
        if (authenticators.isEmpty()) {
            throw new IllegalArgumentException("authenticators: empty (expected: at least one)");
        }
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
        authenticators = List.copyOf(authenticators);
    }

    /** The authenticator for {@code pluginName}, or null. */
    public ClientAuthenticator authenticator(String pluginName) {
        for (ClientAuthenticator a : authenticators) {
            if (a.pluginName().equals(pluginName)) {
                return a;
            }
        }
        return null;
    }
}
