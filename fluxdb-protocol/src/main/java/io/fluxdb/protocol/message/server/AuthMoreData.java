package io.fluxdb.protocol.message.server;

import static java.util.Objects.requireNonNull;

import io.fluxdb.protocol.ProtocolException;
import io.fluxdb.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * Extra authentication data from the server's plugin, e.g. caching_sha2_password's fast-auth result
 * ({@code 0x03}), its request for full authentication ({@code 0x04}), or its RSA public key.
 *
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_packets_protocol_auth_more_data.html">Protocol::AuthMoreData</a>
 */
public record AuthMoreData(byte[] data) implements ServerMessage {
    public static final int HEADER = 0x01;

    public AuthMoreData {
        requireNonNull(data, "data is null");
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    public static AuthMoreData decode(ByteBuf payload, long capabilities) {
        int header = Wire.readUInt8(payload, "auth more data header");
        if (header != HEADER) {
            throw new ProtocolException("auth more data header: 0x" + Integer.toHexString(header) + " (expected: 0x01)");
        }
        return new AuthMoreData(Wire.readEofBytes(payload));
    }

    @Override
    public void encode(ByteBuf out, long capabilities) {
        out.writeByte(HEADER).writeBytes(data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuthMoreData m && Arrays.equals(m.data, data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "AuthMoreData[" + data.length + " bytes]";
    }
}
