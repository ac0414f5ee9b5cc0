package io.fluxdb.protocol.message.client;

import static java.util.Objects.requireNonNull;

import io.fluxdb.protocol.constant.CommandType;
import io.fluxdb.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Changes the default database; answered with OK or ERR.
 *
 * @see <a href="https://mariadb.com/kb/en/com_init_db/">COM_INIT_DB</a>
 */
public record ComInitDb(String schema) implements ClientMessage {
    public ComInitDb {
        requireNonNull(schema, "schema is null");
    }

    public static ComInitDb decode(ByteBuf payload, long capabilities) {
        Commands.expectCommand(payload, CommandType.COM_INIT_DB);
        return new ComInitDb(Wire.readEofString(payload));
    }

    @Override
    public void encode(ByteBuf out, long capabilities) {
        out.writeByte(CommandType.COM_INIT_DB).writeCharSequence(schema, StandardCharsets.UTF_8);
    }
}
