package io.fluxdb.protocol.message.client;

import io.fluxdb.protocol.constant.CommandType;
import io.netty.buffer.ByteBuf;

/**
 * Checks that the server is alive; answered with OK.
 *
 * @see <a href="https://mariadb.com/kb/en/com_ping/">COM_PING</a>
 */
public record ComPing() implements ClientMessage {
    public static ComPing decode(ByteBuf payload, long capabilities) {
        Commands.expectCommand(payload, CommandType.COM_PING);
        Commands.expectEnd(payload, "COM_PING");
        return new ComPing();
    }

    @Override
    public void encode(ByteBuf out, long capabilities) {
        out.writeByte(CommandType.COM_PING);
    }
}
