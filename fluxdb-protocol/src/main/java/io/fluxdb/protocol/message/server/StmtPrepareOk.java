package io.fluxdb.protocol.message.server;

import io.fluxdb.protocol.ProtocolException;
import io.fluxdb.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;

/**
 * The first packet of a successful COM_STMT_PREPARE response. {@code numParams} parameter
 * definitions and then {@code numColumns} column definitions follow, each group only if its count
 * is not 0 and, without CLIENT_DEPRECATE_EOF, each followed by an EOF.
 *
 * @param statementId the statement id (unsigned 32-bit)
 * @see <a href="https://mariadb.com/kb/en/com_stmt_prepare/#com_stmt_prepare_ok">COM_STMT_PREPARE_OK</a>
 */
public record StmtPrepareOk(int statementId, int numColumns, int numParams, int warningCount) implements ServerMessage {
    public static final int STATUS = 0x00;
    public static final int LENGTH = 12;

    public StmtPrepareOk {
        check("numColumns", numColumns);
        check("numParams", numParams);
        check("warningCount", warningCount);
    }

    public static StmtPrepareOk decode(ByteBuf payload, long capabilities) {
        int status = Wire.readUInt8(payload, "status");
        if (status != STATUS) {
            throw new ProtocolException("COM_STMT_PREPARE_OK status: 0x" + Integer.toHexString(status) + " (expected: 0x00)");
        }
        int id = Wire.readInt32(payload, "statement id");
        int columns = Wire.readUInt16(payload, "num columns");
        int params = Wire.readUInt16(payload, "num params");
        Wire.readUInt8(payload, "reserved");
        int warnings = Wire.readUInt16(payload, "warning count");
        if (payload.isReadable()) {
            throw new ProtocolException("COM_STMT_PREPARE_OK: " + payload.readableBytes() + " trailing bytes (expected: 0)");
        }
        return new StmtPrepareOk(id, columns, params, warnings);
    }

    @Override
    public void encode(ByteBuf out, long capabilities) {
        out.writeByte(STATUS).writeIntLE(statementId).writeShortLE(numColumns).writeShortLE(numParams).writeByte(0)
                .writeShortLE(warningCount);
    }

    private static void check(String what, int value) {
        if (value < 0 || value > 0xFFFF) {
            throw new IllegalArgumentException(what + ": " + value + " (expected: 0..65535)");
        }
    }
}
