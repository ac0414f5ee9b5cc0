package io.fluxdb.protocol.message.client;

import io.fluxdb.protocol.constant.CommandType;
import io.netty.buffer.ByteBuf;

/**
 * Asks for the server's status line; answered with a single string packet (not an OK).
 *
 * @see <a href="https://mariadb.com/kb/en/com_statistics/">COM_STATISTICS</a>
 */
public record ComStatistics() implements ClientMessage {
    public static ComStatistics decode(ByteBuf payload, long capabilities) {
        Commands.expectCommand(payload, CommandType.COM_STATISTICS);
        Commands.expectEnd(payload, "COM_STATISTICS");
        return new ComStatistics();
    }

    @Override
    public void encode(ByteBuf out, long capabilities) {
        out.writeByte(CommandType.COM_STATISTICS);
    }
}
