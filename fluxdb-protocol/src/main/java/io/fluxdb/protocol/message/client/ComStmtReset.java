package io.fluxdb.protocol.message.client;

import io.fluxdb.protocol.constant.CommandType;
import io.fluxdb.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;

/**
 * Resets a prepared statement's long data and cursor; answered with OK or ERR.
 *
 * @param statementId the statement id (unsigned 32-bit)
 * @see <a href="https://mariadb.com/kb/en/com_stmt_reset/">COM_STMT_RESET</a>
 */
public record ComStmtReset(int statementId) implements ClientMessage {
    public static ComStmtReset decode(ByteBuf payload, long capabilities) {
        Commands.expectCommand(payload, CommandType.COM_STMT_RESET);
        int statementId = Wire.readInt32(payload, "statementId");
        Commands.expectEnd(payload, "COM_STMT_RESET");
        return new ComStmtReset(statementId);
    }

    @Override
    public void encode(ByteBuf out, long capabilities) {
        out.writeByte(CommandType.COM_STMT_RESET).writeIntLE(statementId);
    }
}
