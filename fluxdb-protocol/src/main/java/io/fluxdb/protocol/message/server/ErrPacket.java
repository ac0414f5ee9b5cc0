package io.fluxdb.protocol.message.server;

import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_PROTOCOL_41;
import static io.fluxdb.protocol.constant.CapabilityFlags.has;
import static java.util.Objects.requireNonNull;

import io.fluxdb.protocol.ProtocolException;
import io.fluxdb.protocol.constant.MySqlError;
import io.fluxdb.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * An error. {@code sqlState} is null when the server sent no {@code '#'} marker (before it knows the
 * client speaks protocol 4.1, e.g. "Host is not allowed to connect"). Error code {@code 0xFFFF} is a
 * MariaDB progress report, decoded by {@link ProgressReport}; {@link #decode} rejects it.
 *
 * @see <a href="https://mariadb.com/kb/en/err_packet/">ERR_Packet</a>
 */
public record ErrPacket(int errorCode, String sqlState, String message) implements ServerMessage {
    public static final int HEADER = 0xFF;
    public static final int SQL_STATE_MARKER = '#';

    public ErrPacket {
        requireNonNull(message, "message is null");
        if (errorCode < 0 || errorCode >= ProgressReport.ERROR_CODE) {
            throw new IllegalArgumentException("errorCode: " + errorCode + " (expected: 0-65534)");
        }
        if (sqlState != null && sqlState.length() != 5) {
            throw new IllegalArgumentException("sqlState: " + sqlState + " (expected: 5 chars)");
        }
    }

    /** The ERR packet for one of FluxDB's own errors. */
    public static ErrPacket of(MySqlError error, Object... args) {
        requireNonNull(error, "error is null");
        return new ErrPacket(error.code(), error.sqlState(), error.message(args));
    }

    /** True if {@code payload} (not consumed) is a MariaDB progress report rather than an error. */
    public static boolean isProgressReport(ByteBuf payload) {
        int i = payload.readerIndex();
        return payload.readableBytes() >= 3 && payload.getUnsignedByte(i) == HEADER
                && payload.getUnsignedShortLE(i + 1) == ProgressReport.ERROR_CODE;
    }

    public static ErrPacket decode(ByteBuf payload, long capabilities) {
        int header = Wire.readUInt8(payload, "ERR header");
        if (header != HEADER) {
            throw new ProtocolException("ERR header: 0x" + Integer.toHexString(header) + " (expected: 0xff)");
        }
        int code = Wire.readUInt16(payload, "error code");
        if (code == ProgressReport.ERROR_CODE) {
            throw new ProtocolException("error code: 0xffff is a progress report (expected: an error)");
        }
        String state = null;
        if (has(capabilities, CLIENT_PROTOCOL_41) && payload.isReadable()
                && payload.getUnsignedByte(payload.readerIndex()) == SQL_STATE_MARKER) {
            payload.skipBytes(1);
            state = new String(Wire.readFixedBytes(payload, 5, "SQLSTATE"), StandardCharsets.US_ASCII);
        }
        return new ErrPacket(code, state, Wire.readEofString(payload));
    }

    @Override
    public void encode(ByteBuf out, long capabilities) {
        out.writeByte(HEADER);
        out.writeShortLE(errorCode);
        if (sqlState != null && has(capabilities, CLIENT_PROTOCOL_41)) {
            out.writeByte(SQL_STATE_MARKER);
            out.writeCharSequence(sqlState, StandardCharsets.US_ASCII);
        }
        out.writeCharSequence(message, StandardCharsets.UTF_8);
    }
}
