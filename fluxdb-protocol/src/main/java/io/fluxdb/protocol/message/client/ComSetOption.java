package io.fluxdb.protocol.message.client;

import io.fluxdb.protocol.constant.CommandType;
import io.fluxdb.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;

/**
 * Turns multi-statements on or off; answered with EOF (or OK under CLIENT_DEPRECATE_EOF) or ERR.
 *
 * @param option {@link CommandType#MYSQL_OPTION_MULTI_STATEMENTS_ON} or {@link CommandType#MYSQL_OPTION_MULTI_STATEMENTS_OFF}
 * @see <a href="https://mariadb.com/kb/en/com_set_option/">COM_SET_OPTION</a>
 */
public record ComSetOption(int option) implements ClientMessage {
    public ComSetOption {
        if (option < 0 || option > 0xFFFF) {
            throw new IllegalArgumentException("option: " + option + " (expected: 0..65535)");
        }
    }

    public static ComSetOption decode(ByteBuf payload, long capabilities) {
        Commands.expectCommand(payload, CommandType.COM_SET_OPTION);
        int option = Wire.readUInt16(payload, "option");
        Commands.expectEnd(payload, "COM_SET_OPTION");
        return new ComSetOption(option);
    }

    @Override
    public void encode(ByteBuf out, long capabilities) {
        out.writeByte(CommandType.COM_SET_OPTION).writeShortLE(option);
    }
}
