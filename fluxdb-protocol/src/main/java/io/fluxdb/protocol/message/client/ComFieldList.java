package io.fluxdb.protocol.message.client;

import static java.util.Objects.requireNonNull;

import io.fluxdb.protocol.constant.CommandType;
import io.fluxdb.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Lists a table's columns (deprecated, still sent by old clients); answered with column definitions
 * terminated by EOF, or ERR.
 *
 * @param wildcard a LIKE pattern for column names; empty for all columns
 * @see <a href="https://mariadb.com/kb/en/com_field_list/">COM_FIELD_LIST</a>
 */
public record ComFieldList(String table, String wildcard) implements ClientMessage {
    public ComFieldList {
        requireNonNull(table, "table is null");
        requireNonNull(wildcard, "wildcard is null");
    }

    public static ComFieldList decode(ByteBuf payload, long capabilities) {
        Commands.expectCommand(payload, CommandType.COM_FIELD_LIST);
        String table = Wire.readNulString(payload);
        return new ComFieldList(table, Wire.readEofString(payload));
    }

    @Override
    public void encode(ByteBuf out, long capabilities) {
        out.writeByte(CommandType.COM_FIELD_LIST);
        Wire.writeNulString(out, table);
        out.writeCharSequence(wildcard, StandardCharsets.UTF_8);
    }
}
