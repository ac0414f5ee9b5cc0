package io.fluxdb.protocol.auth;

import java.util.Optional;

/**
 * The client half of one authentication plugin, for one connection attempt. A connector creates
 * it through {@link AuthPlugins#client(String, String)} with the plugin named in the server's
 * HandshakeV10 (or in an AuthSwitchRequest, which needs a new authenticator), sends
 * {@link #initialResponse} as the auth response, and hands every AuthMoreData payload to
 * {@link #onMoreData} until the server answers OK or ERR.
 *
 * <p>Not thread-safe: an instance belongs to one connection and one exchange.
 *
 * @see <a href="https://mariadb.com/kb/en/connection/#authentication-plugins">Authentication plugins</a>
 */
public interface ClientAuthenticator {
    /** The plugin name as sent on the wire, e.g. {@code mysql_native_password}. */
    String pluginName();

    /**
     * The auth response for the server's scramble. The scramble is the 20 bytes of
     * HandshakeV10's auth-plugin-data (part 1 followed by part 2) or an AuthSwitchRequest's
     * plugin data; one trailing NUL, as servers send it, is ignored.
     *
     * @param scramble the server's nonce
     * @param secure whether the connection is already encrypted with TLS
     * @return the bytes to send (possibly empty, never null)
     * @throws AuthException if the plugin cannot answer over this connection, e.g. a cleartext
     *     password without TLS
     */
    byte[] initialResponse(byte[] scramble, boolean secure);

    /**
     * Handles the payload of an AuthMoreData packet (the bytes after its 0x01 header).
     *
     * @return the next packet payload to send, or empty when the client sends nothing and the
     *     server's next packet is OK, ERR or another AuthMoreData
     * @throws AuthException if the data is not what the plugin expects at this step
     */
    Optional<byte[]> onMoreData(byte[] data);
}
