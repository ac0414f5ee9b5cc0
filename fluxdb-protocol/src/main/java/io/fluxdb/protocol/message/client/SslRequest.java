package io.fluxdb.protocol.message.client;

import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_MYSQL;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_SSL;
import static io.fluxdb.protocol.constant.CapabilityFlags.has;

import io.fluxdb.protocol.ProtocolException;
import io.fluxdb.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;

/**
 * The first {@value #LENGTH} bytes of a handshake response, with {@code CLIENT_SSL}: the client asks
 * for TLS, and sends the full {@link HandshakeResponse41} once the TLS handshake is done. It is told
 * apart from a full response by its length ({@link #isSslRequest}).
 *
 * @param capabilities MySQL flags in bits 0-31, MariaDB extended capabilities in bits 32-63
 * @see <a href="https://mariadb.com/kb/en/connection/#sslrequest-packet">SSLRequest packet</a>
 */
public record SslRequest(long capabilities, int maxPacketSize, int characterSet) implements ClientMessage {
    /** The payload length of an SSLRequest. */
    public static final int LENGTH = 32;

    public SslRequest {
        if (!has(capabilities, CLIENT_SSL)) {
            throw new IllegalArgumentException("capabilities: CLIENT_SSL is not set");
        }
        HandshakeResponse41.checkHeader(capabilities, characterSet);
    }

    /** True if {@code payload} (not consumed) is an SSLRequest rather than a full handshake response. */
    public static boolean isSslRequest(ByteBuf payload) {
        return payload.readableBytes() == LENGTH && (payload.getIntLE(payload.readerIndex()) & CLIENT_SSL) != 0;
    }

    /** Decodes the payload; {@code capabilities} is unused (the packet carries the client's own). */
    public static SslRequest decode(ByteBuf payload, long capabilities) {
        if (!isSslRequest(payload)) {
            throw new ProtocolException("SSLRequest: " + payload.readableBytes()
                    + " bytes (expected: 32 with CLIENT_SSL)");
        }
        long caps = Integer.toUnsignedLong(Wire.readInt32(payload, "capabilities"));
        int maxPacket = Wire.readInt32(payload, "max packet size");
        int charset = Wire.readUInt8(payload, "character set");
        payload.skipBytes(19);
        long extended = Integer.toUnsignedLong(Wire.readInt32(payload, "extended capabilities"));
        if (!has(caps, CLIENT_MYSQL)) {
            caps |= extended << 32;
        }
        try {
            return new SslRequest(caps, maxPacket, charset);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("SSLRequest: " + e.getMessage(), e);
        }
    }

    /** Encodes the request; {@code capabilities} is unused (the record carries its own). */
    @Override
    public void encode(ByteBuf out, long capabilities) {
        HandshakeResponse41.encodeHeader(out, this.capabilities, maxPacketSize, characterSet);
    }
}
