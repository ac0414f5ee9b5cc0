package io.fluxdb.protocol.message.server;

import static java.util.Objects.requireNonNull;

import io.fluxdb.protocol.ProtocolException;
import io.fluxdb.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;

/**
 * A MariaDB progress report: an ERR packet with error code {@code 0xFFFF}, sent during a long
 * command to clients with {@code MARIADB_CLIENT_PROGRESS}. It is not an error; the command's real
 * response follows. The server writes a count of the strings that follow (1) before the stage, as
 * libmariadb skips it when reading.
 *
 * @param progress in thousandths of a percent of the current stage
 * @see <a href="https://mariadb.com/kb/en/err_packet/">ERR_Packet</a>
 * @see <a href="https://mariadb.com/kb/en/progress-reporting/">Progress reporting</a>
 */
public record ProgressReport(int stage, int maxStage, int progress, String info) implements ServerMessage {
    public static final int ERROR_CODE = 0xFFFF;

    public ProgressReport {
        requireNonNull(info, "info is null");
        if (stage < 0 || stage > 0xFF || maxStage < 0 || maxStage > 0xFF) {
            throw new IllegalArgumentException("stage/maxStage: " + stage + "/" + maxStage + " (expected: 0-255)");
        }
        if (progress < 0 || progress > 0xFFFFFF) {
            throw new IllegalArgumentException("progress: " + progress + " (expected: 0-16777215)");
        }
    }

    public static ProgressReport decode(ByteBuf payload, long capabilities) {
        int header = Wire.readUInt8(payload, "ERR header");
        int code = Wire.readUInt16(payload, "error code");
        if (header != ErrPacket.HEADER || code != ERROR_CODE) {
            throw new ProtocolException("progress report: header 0x" + Integer.toHexString(header) + ", code "
                    + code + " (expected: 0xff, 65535)");
        }
        Wire.readUInt8(payload, "progress string count");
        int stage = Wire.readUInt8(payload, "stage");
        int maxStage = Wire.readUInt8(payload, "max stage");
        int progress = Wire.readUInt24(payload, "progress");
        return new ProgressReport(stage, maxStage, progress, Wire.readLenEncString(payload));
    }

    @Override
    public void encode(ByteBuf out, long capabilities) {
        out.writeByte(ErrPacket.HEADER).writeShortLE(ERROR_CODE).writeByte(1);
        out.writeByte(stage).writeByte(maxStage).writeMediumLE(progress);
        Wire.writeLenEncString(out, info);
    }
}
