package io.fluxdb.protocol.message.client;

import io.fluxdb.protocol.constant.CommandType;
import io.netty.buffer.ByteBuf;

/**
 * Resets the session state without re-authenticating; answered with OK.
 *
 * @see <a href="https://mariadb.com/kb/en/com_reset_connection/">COM_RESET_CONNECTION</a>
 */
public record ComResetConnection() implements ClientMessage {
    public static ComResetConnection decode(ByteBuf payload, long capabilities) {
        Commands.expectCommand(payload, CommandType.COM_RESET_CONNECTION);
        Commands.expectEnd(payload, "COM_RESET_CONNECTION");
        return new ComResetConnection();
    }

    @Override
    public void encode(ByteBuf out, long capabilities) {
        out.writeByte(CommandType.COM_RESET_CONNECTION);
    }
}
