package io.fluxdb.protocol.auth;

/**
 * The server half of one authentication plugin, for one client connection: the operator's auth
 * handler creates it through {@link AuthPlugins#server} with the scramble it sent and the
 * client's account as the engine stores it, then feeds it each auth response and acts on the
 * {@link AuthOutcome}.
 *
 * <p>Not thread-safe: an instance belongs to one connection and one exchange.
 */
public interface ServerAuthenticator {
    /** The plugin name as sent on the wire. */
    String pluginName();

    /**
     * Handles the client's next auth response: the one in HandshakeResponse41 (or in the reply
     * to an AuthSwitchRequest) first, then each packet sent after an {@link AuthOutcome.MoreData}.
     *
     * @param data the auth response bytes
     * @param secure whether the connection is encrypted with TLS
     */
    AuthOutcome onClientData(byte[] data, boolean secure);
}
