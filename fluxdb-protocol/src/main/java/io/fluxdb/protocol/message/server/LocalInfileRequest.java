package io.fluxdb.protocol.message.server;

import static java.util.Objects.requireNonNull;

import io.fluxdb.protocol.ProtocolException;
import io.fluxdb.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * The server's request for a client-side file during {@code LOAD DATA LOCAL INFILE}. The client
 * answers with the file's contents in packets and an empty packet, and the server then sends OK or ERR.
 *
 * @see <a href="https://mariadb.com/kb/en/local_infile-packet/">LOCAL_INFILE packet</a>
 */
public record LocalInfileRequest(String filename) implements ServerMessage {
    public static final int HEADER = 0xFB;

    public LocalInfileRequest {
        requireNonNull(filename, "filename is null");
    }

    public static LocalInfileRequest decode(ByteBuf payload, long capabilities) {
        int header = Wire.readUInt8(payload, "header");
        if (header != HEADER) {
            throw new ProtocolException("LOCAL_INFILE header: 0x" + Integer.toHexString(header) + " (expected: 0xfb)");
        }
        return new LocalInfileRequest(Wire.readEofString(payload));
    }

    @Override
    public void encode(ByteBuf out, long capabilities) {
        out.writeByte(HEADER).writeCharSequence(filename, StandardCharsets.UTF_8);
    }
}
