package io.fluxdb.protocol.message.client;

import io.fluxdb.protocol.constant.ColumnType;
import io.fluxdb.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;

/**
 * The two-byte type of a bound parameter: a {@link ColumnType} and a flag byte whose bit 0x80 marks
 * the value unsigned.
 *
 * @see <a href="https://mariadb.com/kb/en/com_stmt_execute/">COM_STMT_EXECUTE</a>
 */
public record ParamType(int type, boolean unsigned) {
    public ParamType {
        if (type < 0 || type > 0xFF) {
            throw new IllegalArgumentException("type: " + type + " (expected: 0..255)");
        }
    }

    public static ParamType read(ByteBuf buf) {
        int type = Wire.readUInt8(buf, "parameter type");
        int flags = Wire.readUInt8(buf, "parameter flags");
        return new ParamType(type, (flags & ColumnType.PARAM_UNSIGNED) != 0);
    }

    public void write(ByteBuf out) {
        out.writeByte(type).writeByte(unsigned ? ColumnType.PARAM_UNSIGNED : 0);
    }
}
