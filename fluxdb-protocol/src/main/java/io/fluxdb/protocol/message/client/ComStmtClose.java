package io.fluxdb.protocol.message.client;

import io.fluxdb.protocol.constant.CommandType;
import io.fluxdb.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;

/**
 * Deallocates a prepared statement; the server sends no response.
 *
 * @param statementId the statement id (unsigned 32-bit)
 * @see <a href="https://mariadb.com/kb/en/3-binary-protocol-prepared-statements-com_stmt_close/">COM_STMT_CLOSE</a>
 */
public record ComStmtClose(int statementId) implements ClientMessage {
    public static ComStmtClose decode(ByteBuf payload, long capabilities) {
        Commands.expectCommand(payload, CommandType.COM_STMT_CLOSE);
        int statementId = Wire.readInt32(payload, "statementId");
        Commands.expectEnd(payload, "COM_STMT_CLOSE");
        return new ComStmtClose(statementId);
    }

    @Override
    public void encode(ByteBuf out, long capabilities) {
        out.writeByte(CommandType.COM_STMT_CLOSE).writeIntLE(statementId);
    }
}
