package io.fluxdb.protocol.wire;

import static io.fluxdb.protocol.constant.ColumnType.*;
import static java.util.Objects.requireNonNull;

import io.fluxdb.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;

/**
 * Values of the binary protocol (COM_STMT_EXECUTE parameters and binary result-set rows).
 *
 * <p>Java value model, chosen so that every value survives a decode/encode round trip:
 * <ul>
 *   <li>TINY, SHORT, INT24, LONG, LONGLONG (signed or unsigned) and YEAR: {@link Long}, except
 *       unsigned LONGLONG, which is a {@link BigInteger} (its range exceeds {@code long});
 *   <li>FLOAT: {@link Float}; DOUBLE: {@link Double};
 *   <li>DECIMAL and NEWDECIMAL (sent as text): {@link BigDecimal};
 *   <li>DATE, DATETIME and TIMESTAMP: {@link MySqlDateTime} (zero dates allowed);
 *   <li>TIME: {@link MySqlTime} (negative and over 24 hours allowed);
 *   <li>NULL type: {@code null};
 *   <li>everything else (strings, blobs, JSON, BIT, ENUM, SET, GEOMETRY): the raw bytes as
 *       {@code byte[]}, because their character set is known only from the column definition.
 * </ul>
 * NULL values are not encoded here: they are marked in the {@link NullBitmap}.
 *
 * @see <a href="https://mariadb.com/kb/en/resultset-row/#binary-resultset-row">Binary resultset row</a>
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_binary_resultset.html">Binary protocol value</a>
 */
public final class BinaryValues {
    private BinaryValues() {}

    /** Reads one value of {@code type}; {@code unsigned} comes from the column flags or the parameter type. */
    public static Object read(ByteBuf buf, int type, boolean unsigned) {
        requireNonNull(buf, "buf is null");
        return switch (type) {
            case MYSQL_TYPE_NULL -> null;
            case MYSQL_TYPE_TINY -> unsigned ? (long) Wire.readUInt8(buf, "TINY") : (long) (byte) Wire.readUInt8(buf, "TINY");
            case MYSQL_TYPE_SHORT, MYSQL_TYPE_YEAR -> {
                int v = Wire.readUInt16(buf, "SHORT");
                yield unsigned || type == MYSQL_TYPE_YEAR ? (long) v : (long) (short) v;
            }
            case MYSQL_TYPE_INT24, MYSQL_TYPE_LONG -> {
                int v = Wire.readInt32(buf, "LONG");
                yield unsigned ? Integer.toUnsignedLong(v) : (long) v;
            }
            case MYSQL_TYPE_LONGLONG -> {
                long v = Wire.readInt64(buf, "LONGLONG");
                yield unsigned ? new BigInteger(Long.toUnsignedString(v)) : (Object) v;
            }
            case MYSQL_TYPE_FLOAT -> Float.intBitsToFloat(Wire.readInt32(buf, "FLOAT"));
            case MYSQL_TYPE_DOUBLE -> Double.longBitsToDouble(Wire.readInt64(buf, "DOUBLE"));
            case MYSQL_TYPE_DECIMAL, MYSQL_TYPE_NEWDECIMAL -> readDecimal(buf);
            case MYSQL_TYPE_DATE, MYSQL_TYPE_DATETIME, MYSQL_TYPE_TIMESTAMP, MYSQL_TYPE_NEWDATE -> readDateTime(buf);
            case MYSQL_TYPE_TIME -> readTime(buf);
            case MYSQL_TYPE_VARCHAR, MYSQL_TYPE_BIT, MYSQL_TYPE_JSON, MYSQL_TYPE_ENUM, MYSQL_TYPE_SET,
                 MYSQL_TYPE_TINY_BLOB, MYSQL_TYPE_MEDIUM_BLOB, MYSQL_TYPE_LONG_BLOB, MYSQL_TYPE_BLOB,
                 MYSQL_TYPE_VAR_STRING, MYSQL_TYPE_STRING, MYSQL_TYPE_GEOMETRY -> Wire.readLenEncBytes(buf);
            default -> throw new ProtocolException("binary value type: " + type + " (expected: a MySQL column type)");
        };
    }

    /**
     * Writes {@code value} (not null) as {@code type}. Besides the types {@link #read} returns, this
     * accepts any {@link Number} for numeric types, {@link String} for DECIMAL and string types,
     * {@link LocalDate}/{@link LocalDateTime} for dates and {@link Duration} for TIME.
     */
    public static void write(ByteBuf out, int type, Object value) {
        requireNonNull(out, "out is null");
        requireNonNull(value, "value is null (NULL goes in the null bitmap)");
        switch (type) {
            case MYSQL_TYPE_NULL -> { }
            case MYSQL_TYPE_TINY -> out.writeByte((int) number(value).longValue());
            case MYSQL_TYPE_SHORT, MYSQL_TYPE_YEAR -> out.writeShortLE((int) number(value).longValue());
            case MYSQL_TYPE_INT24, MYSQL_TYPE_LONG -> out.writeIntLE((int) number(value).longValue());
            case MYSQL_TYPE_LONGLONG -> out.writeLongLE(number(value).longValue());
            case MYSQL_TYPE_FLOAT -> out.writeIntLE(Float.floatToRawIntBits(number(value).floatValue()));
            case MYSQL_TYPE_DOUBLE -> out.writeLongLE(Double.doubleToRawLongBits(number(value).doubleValue()));
            case MYSQL_TYPE_DECIMAL, MYSQL_TYPE_NEWDECIMAL -> Wire.writeLenEncString(out,
                    value instanceof BigDecimal d ? d.toPlainString() : value.toString());
            case MYSQL_TYPE_DATE, MYSQL_TYPE_DATETIME, MYSQL_TYPE_TIMESTAMP, MYSQL_TYPE_NEWDATE ->
                    writeDateTime(out, dateTime(value));
            case MYSQL_TYPE_TIME -> writeTime(out, value instanceof Duration d ? MySqlTime.of(d) : cast(value, MySqlTime.class));
            case MYSQL_TYPE_VARCHAR, MYSQL_TYPE_BIT, MYSQL_TYPE_JSON, MYSQL_TYPE_ENUM, MYSQL_TYPE_SET,
                 MYSQL_TYPE_TINY_BLOB, MYSQL_TYPE_MEDIUM_BLOB, MYSQL_TYPE_LONG_BLOB, MYSQL_TYPE_BLOB,
                 MYSQL_TYPE_VAR_STRING, MYSQL_TYPE_STRING, MYSQL_TYPE_GEOMETRY -> Wire.writeLenEncBytes(out,
                    value instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : cast(value, byte[].class));
            default -> throw new IllegalArgumentException("type: " + type + " (expected: a MySQL column type)");
        }
    }

    private static BigDecimal readDecimal(ByteBuf buf) {
        String text = Wire.readLenEncString(buf, StandardCharsets.US_ASCII);
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw new ProtocolException("DECIMAL: '" + text + "' (expected: a decimal number)", e);
        }
    }

    private static MySqlDateTime readDateTime(ByteBuf buf) {
        int length = Wire.readUInt8(buf, "date length");
        if (length != 0 && length != 4 && length != 7 && length != 11) {
            throw new ProtocolException("date length: " + length + " (expected: 0, 4, 7 or 11)");
        }
        Wire.need(buf, length, "date");
        if (length == 0) {
            return MySqlDateTime.ZERO;
        }
        int year = buf.readUnsignedShortLE();
        int month = buf.readUnsignedByte();
        int day = buf.readUnsignedByte();
        int hour = 0, minute = 0, second = 0, micros = 0;
        if (length >= 7) {
            hour = buf.readUnsignedByte();
            minute = buf.readUnsignedByte();
            second = buf.readUnsignedByte();
        }
        if (length == 11) {
            micros = buf.readIntLE();
        }
        try {
            return new MySqlDateTime(year, month, day, hour, minute, second, micros);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("date: " + e.getMessage(), e);
        }
    }

    private static MySqlTime readTime(ByteBuf buf) {
        int length = Wire.readUInt8(buf, "time length");
        if (length != 0 && length != 8 && length != 12) {
            throw new ProtocolException("time length: " + length + " (expected: 0, 8 or 12)");
        }
        Wire.need(buf, length, "time");
        if (length == 0) {
            return MySqlTime.ZERO;
        }
        int sign = buf.readUnsignedByte();
        long days = buf.readUnsignedIntLE();
        int hours = buf.readUnsignedByte();
        int minutes = buf.readUnsignedByte();
        int seconds = buf.readUnsignedByte();
        int micros = length == 12 ? buf.readIntLE() : 0;
        if (sign > 1) {
            throw new ProtocolException("time sign: " + sign + " (expected: 0 or 1)");
        }
        try {
            return new MySqlTime(sign == 1, days, hours, minutes, seconds, micros);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("time: " + e.getMessage(), e);
        }
    }

    /** Uses the shortest length that holds the value, as MariaDB does: 0 (zero date), 4, 7 or 11. */
    private static void writeDateTime(ByteBuf out, MySqlDateTime v) {
        int length = v.isZero() ? 0 : v.micros() != 0 ? 11 : v.isDateOnly() ? 4 : 7;
        out.writeByte(length);
        if (length == 0) {
            return;
        }
        out.writeShortLE(v.year()).writeByte(v.month()).writeByte(v.day());
        if (length >= 7) {
            out.writeByte(v.hour()).writeByte(v.minute()).writeByte(v.second());
        }
        if (length == 11) {
            out.writeIntLE(v.micros());
        }
    }

    /** Uses the shortest length that holds the value: 0 (zero), 8 or 12. A negative zero is written as 8 bytes. */
    private static void writeTime(ByteBuf out, MySqlTime v) {
        int length = v.isZero() && !v.negative() ? 0 : v.micros() != 0 ? 12 : 8;
        out.writeByte(length);
        if (length == 0) {
            return;
        }
        out.writeByte(v.negative() ? 1 : 0).writeIntLE((int) v.days())
                .writeByte(v.hours()).writeByte(v.minutes()).writeByte(v.seconds());
        if (length == 12) {
            out.writeIntLE(v.micros());
        }
    }

    private static MySqlDateTime dateTime(Object value) {
        if (value instanceof LocalDateTime t) {
            return MySqlDateTime.of(t);
        }
        if (value instanceof LocalDate d) {
            return MySqlDateTime.of(d);
        }
        return cast(value, MySqlDateTime.class);
    }

    private static Number number(Object value) {
        if (value instanceof Boolean b) {
            return b ? 1 : 0;
        }
        return cast(value, Number.class);
    }

    private static <T> T cast(Object value, Class<T> type) {
        if (!type.isInstance(value)) {
            throw new IllegalArgumentException("value: " + value.getClass().getName() + " (expected: " + type.getSimpleName() + ")");
        }
        return type.cast(value);
    }
}
