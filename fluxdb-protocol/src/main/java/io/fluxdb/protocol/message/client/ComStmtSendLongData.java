package io.fluxdb.protocol.message.client;

import static java.util.Objects.requireNonNull;

import io.fluxdb.protocol.constant.CommandType;
import io.fluxdb.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.Arrays;

/**
 * Appends data to a parameter before COM_STMT_EXECUTE; the server sends no response. MariaDB
 * accepts statement id {@code 0xFFFFFFFF} for the statement prepared last on the connection.
 *
 * @param statementId the statement id (unsigned 32-bit)
 * @param paramId the parameter index, from 0
 * @see <a href="https://mariadb.com/kb/en/com_stmt_send_long_data/">COM_STMT_SEND_LONG_DATA</a>
 */
public record ComStmtSendLongData(int statementId, int paramId, byte[] data) implements ClientMessage {
    public ComStmtSendLongData {
        requireNonNull(data, "data is null");
        if (paramId < 0 || paramId > 0xFFFF) {
            throw new IllegalArgumentException("paramId: " + paramId + " (expected: 0..65535)");
        }
        data = data.clone();
    }

    public static ComStmtSendLongData decode(ByteBuf payload, long capabilities) {
        Commands.expectCommand(payload, CommandType.COM_STMT_SEND_LONG_DATA);
        int statementId = Wire.readInt32(payload, "statement id");
        int paramId = Wire.readUInt16(payload, "param id");
        return new ComStmtSendLongData(statementId, paramId, Wire.readEofBytes(payload));
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public void encode(ByteBuf out, long capabilities) {
        out.writeByte(CommandType.COM_STMT_SEND_LONG_DATA).writeIntLE(statementId).writeShortLE(paramId).writeBytes(data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ComStmtSendLongData other && statementId == other.statementId
                && paramId == other.paramId && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return (statementId * 31 + paramId) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "ComStmtSendLongData[statementId=" + Integer.toUnsignedString(statementId) + ", paramId=" + paramId
                + ", data=" + data.length + " bytes]";
    }
}
