package io.fluxdb.protocol.message.client;

import static java.util.Objects.requireNonNull;

import io.fluxdb.protocol.constant.CommandType;
import io.fluxdb.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Prepares a statement; answered with PREPARE_OK and parameter and column definitions, or ERR.
 *
 * @see <a href="https://mariadb.com/kb/en/com_stmt_prepare/">COM_STMT_PREPARE</a>
 */
public record ComStmtPrepare(String query) implements ClientMessage {
    public ComStmtPrepare {
        requireNonNull(query, "query is null");
    }

    public static ComStmtPrepare decode(ByteBuf payload, long capabilities) {
        Commands.expectCommand(payload, CommandType.COM_STMT_PREPARE);
        return new ComStmtPrepare(Wire.readEofString(payload));
    }

    @Override
    public void encode(ByteBuf out, long capabilities) {
        out.writeByte(CommandType.COM_STMT_PREPARE).writeCharSequence(query, StandardCharsets.UTF_8);
    }
}
