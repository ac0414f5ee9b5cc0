package io.fluxdb.protocol.message.client;

import io.fluxdb.protocol.constant.CommandType;
import io.fluxdb.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;

/**
 * Kills a connection's thread; answered with OK or ERR.
 *
 * @param connectionId the connection (thread) id (unsigned 32-bit)
 * @see <a href="https://mariadb.com/kb/en/com_process_kill/">COM_PROCESS_KILL</a>
 */
public record ComProcessKill(int connectionId) implements ClientMessage {
    public static ComProcessKill decode(ByteBuf payload, long capabilities) {
        Commands.expectCommand(payload, CommandType.COM_PROCESS_KILL);
        int connectionId = Wire.readInt32(payload, "connectionId");
        Commands.expectEnd(payload, "COM_PROCESS_KILL");
        return new ComProcessKill(connectionId);
    }

    @Override
    public void encode(ByteBuf out, long capabilities) {
        out.writeByte(CommandType.COM_PROCESS_KILL).writeIntLE(connectionId);
    }
}
