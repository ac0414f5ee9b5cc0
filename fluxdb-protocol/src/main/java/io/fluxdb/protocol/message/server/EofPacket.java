package io.fluxdb.protocol.message.server;

import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_PROTOCOL_41;
import static io.fluxdb.protocol.constant.CapabilityFlags.has;

import io.fluxdb.protocol.ProtocolException;
import io.fluxdb.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;

/**
 * EOF, which ends column definitions and rows unless {@code CLIENT_DEPRECATE_EOF} is negotiated.
 * A payload starting with {@code 0xFE} is an EOF only if shorter than {@value #MAX_LENGTH} bytes.
 *
 * @see <a href="https://mariadb.com/kb/en/eof_packet/">EOF_Packet</a>
 */
public record EofPacket(int warnings, int statusFlags) implements ServerMessage {
    public static final int HEADER = 0xFE;
    /** EOF payloads are shorter than this; a longer 0xFE payload is something else (OK, row). */
    public static final int MAX_LENGTH = 9;

    public EofPacket {
        if (warnings < 0 || warnings > 0xFFFF) {
            throw new IllegalArgumentException("warnings: " + warnings + " (expected: 0-65535)");
        }
        if (statusFlags < 0 || statusFlags > 0xFFFF) {
            throw new IllegalArgumentException("statusFlags: " + statusFlags + " (expected: 0-65535)");
        }
    }

    /** True if {@code payload} (not consumed) is an EOF packet. */
    public static boolean isEof(ByteBuf payload) {
        return payload.readableBytes() < MAX_LENGTH && payload.isReadable()
                && payload.getUnsignedByte(payload.readerIndex()) == HEADER;
    }

    public static EofPacket decode(ByteBuf payload, long capabilities) {
        if (payload.readableBytes() >= MAX_LENGTH) {
            throw new ProtocolException("EOF packet: " + payload.readableBytes() + " bytes (expected: < 9)");
        }
        int header = Wire.readUInt8(payload, "EOF header");
        if (header != HEADER) {
            throw new ProtocolException("EOF header: 0x" + Integer.toHexString(header) + " (expected: 0xfe)");
        }
        if (!has(capabilities, CLIENT_PROTOCOL_41)) {
            return new EofPacket(0, 0);
        }
        return new EofPacket(Wire.readUInt16(payload, "warnings"), Wire.readUInt16(payload, "status flags"));
    }

    @Override
    public void encode(ByteBuf out, long capabilities) {
        out.writeByte(HEADER);
        if (has(capabilities, CLIENT_PROTOCOL_41)) {
            out.writeShortLE(warnings).writeShortLE(statusFlags);
        }
    }
}
