package io.fluxdb.protocol.message.client;

import io.fluxdb.protocol.constant.CommandType;
import io.netty.buffer.ByteBuf;

/**
 * Closes the connection; the server sends no response.
 *
 * @see <a href="https://mariadb.com/kb/en/com_quit/">COM_QUIT</a>
 */
public record ComQuit() implements ClientMessage {
    public static ComQuit decode(ByteBuf payload, long capabilities) {
        Commands.expectCommand(payload, CommandType.COM_QUIT);
        Commands.expectEnd(payload, "COM_QUIT");
        return new ComQuit();
    }

    @Override
    public void encode(ByteBuf out, long capabilities) {
        out.writeByte(CommandType.COM_QUIT);
    }
}
