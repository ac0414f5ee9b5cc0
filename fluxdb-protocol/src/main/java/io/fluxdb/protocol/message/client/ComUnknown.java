package io.fluxdb.protocol.message.client;

import io.netty.buffer.ByteBuf;

/**
 * A command this codec does not decode (including COM_SLEEP, COM_BINLOG_DUMP and other
 * replication or internal commands). The session answers it with ER_UNKNOWN_COM_ERROR.
 * Only the command byte is kept; encoding writes that byte alone.
 *
 * @see <a href="https://mariadb.com/kb/en/2-text-protocol/">Text protocol</a>
 */
public record ComUnknown(int command) implements ClientMessage {
    public ComUnknown {
        if (command < 0 || command > 0xFF) {
            throw new IllegalArgumentException("command: " + command + " (expected: 0..255)");
        }
    }

    @Override
    public void encode(ByteBuf out, long capabilities) {
        out.writeByte(command);
    }
}
