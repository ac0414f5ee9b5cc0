package io.fluxdb.protocol.client;

import io.fluxdb.protocol.ProtocolException;

/**
 * The client side of one authentication plugin, holding whatever credential it needs. The connector
 * calls {@link #authResponse} with the server's scramble (from the handshake or an auth switch) and
 * {@link #moreData} for each {@code AuthMoreData} packet. Implementations are stateless, so one
 * instance can serve many connections.
 */
public interface ClientAuthenticator {

    /** The plugin name as sent on the wire, e.g. {@code mysql_native_password}. */
    String pluginName();

    /**
     * The first response to the server's scramble.
     *
     * @param scramble the plugin data without a trailing NUL
     * @param secure true if the connection is protected by TLS
     */
    byte[] authResponse(byte[] scramble, boolean secure);

    /**
     * The answer to extra data from the server's plugin, or {@code null} to send nothing and wait
     * for the next packet (e.g. after caching_sha2_password's fast-auth success).
     *
     * @throws ProtocolException if the plugin does not expect extra data
     */
    default byte[] moreData(byte[] data, byte[] scramble, boolean secure) {
        throw new ProtocolException(pluginName() + ": unexpected auth more data (" + data.length + " bytes)");
    }
}
