package io.fluxdb.protocol.message.client;

import io.fluxdb.protocol.constant.CommandType;
import io.fluxdb.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;

/**
 * Fetches rows from a cursor opened by COM_STMT_EXECUTE; answered with binary rows and an EOF (or
 * OK under CLIENT_DEPRECATE_EOF), or ERR.
 *
 * @param statementId the statement id (unsigned 32-bit)
 * @param rows the number of rows to fetch (unsigned 32-bit)
 * @see <a href="https://mariadb.com/kb/en/com_stmt_fetch/">COM_STMT_FETCH</a>
 */
public record ComStmtFetch(int statementId, int rows) implements ClientMessage {
    public static ComStmtFetch decode(ByteBuf payload, long capabilities) {
        Commands.expectCommand(payload, CommandType.COM_STMT_FETCH);
        int statementId = Wire.readInt32(payload, "statement id");
        int rows = Wire.readInt32(payload, "rows");
        Commands.expectEnd(payload, "COM_STMT_FETCH");
        return new ComStmtFetch(statementId, rows);
    }

    @Override
    public void encode(ByteBuf out, long capabilities) {
        out.writeByte(CommandType.COM_STMT_FETCH).writeIntLE(statementId).writeIntLE(rows);
    }
}
