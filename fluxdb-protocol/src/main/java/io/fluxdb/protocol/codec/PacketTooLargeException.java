package io.fluxdb.protocol.codec;

import io.fluxdb.protocol.ProtocolException;
import io.fluxdb.protocol.constant.MySqlError;

/**
 * A logical packet longer than the configured maximum. The session handler answers with
 * {@link MySqlError#ER_NET_PACKET_TOO_LARGE} and closes the connection.
 */
public class PacketTooLargeException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    private final long length;
    private final long maxLength;

    public PacketTooLargeException(long length, long maxLength) {
        super("packet length: at least " + length + " (expected: <= " + maxLength + ")");
        this.length = length;
        this.maxLength = maxLength;
    }

    /** Always {@link MySqlError#ER_NET_PACKET_TOO_LARGE}. */
    public MySqlError error() {
        return MySqlError.ER_NET_PACKET_TOO_LARGE;
    }

    /** The payload length known when the packet was rejected (a lower bound of the full length). */
    public long length() {
        return length;
    }

    public long maxLength() {
        return maxLength;
    }
}
