package io.fluxdb.protocol.wire;

import io.fluxdb.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Primitive encodings of the MySQL client/server protocol. Every read checks the bytes it needs
 * are present and throws {@link ProtocolException} otherwise, so a decoder built from these
 * methods never reads past a payload or allocates from an untrusted length.
 *
 * @see <a href="https://mariadb.com/kb/en/protocol-data-types/">Protocol data types</a>
 */
public final class Wire {
    /** Length-encoded integer prefix meaning SQL NULL (only in row values). */
    public static final int LENENC_NULL = 0xFB;
    /** Prefix of a 2-byte length-encoded integer. */
    public static final int LENENC_2 = 0xFC;
    /** Prefix of a 3-byte length-encoded integer. */
    public static final int LENENC_3 = 0xFD;
    /** Prefix of an 8-byte length-encoded integer. */
    public static final int LENENC_8 = 0xFE;

    private Wire() {}

    /** Reads a length-encoded integer; 0xFB (NULL) and 0xFF are errors here. */
    public static long readLenEncInt(ByteBuf buf) {
        need(buf, 1, "lenenc prefix");
        int first = buf.readUnsignedByte();
        if (first < LENENC_NULL) {
            return first;
        }
        return switch (first) {
            case LENENC_2 -> {
                need(buf, 2, "lenenc int2");
                yield buf.readUnsignedShortLE();
            }
            case LENENC_3 -> {
                need(buf, 3, "lenenc int3");
                yield buf.readUnsignedMediumLE();
            }
            case LENENC_8 -> {
                need(buf, 8, "lenenc int8");
                yield buf.readLongLE();
            }
            default -> throw new ProtocolException(
                    "lenenc prefix: 0x" + Integer.toHexString(first) + " (expected: != 0xfb, != 0xff)");
        };
    }

    /** True if the next byte is the NULL marker of a text-protocol row value (does not consume it). */
    public static boolean isLenEncNull(ByteBuf buf) {
        return buf.isReadable() && buf.getUnsignedByte(buf.readerIndex()) == LENENC_NULL;
    }

    /** Reads a length-encoded byte string as a copied array. */
    public static byte[] readLenEncBytes(ByteBuf buf) {
        int length = checkedLength(readLenEncInt(buf), buf, "lenenc string");
        byte[] bytes = new byte[length];
        buf.readBytes(bytes);
        return bytes;
    }

    /** Reads a length-encoded string in UTF-8. */
    public static String readLenEncString(ByteBuf buf) {
        return readLenEncString(buf, StandardCharsets.UTF_8);
    }

    public static String readLenEncString(ByteBuf buf, Charset charset) {
        int length = checkedLength(readLenEncInt(buf), buf, "lenenc string");
        String s = buf.toString(buf.readerIndex(), length, charset);
        buf.skipBytes(length);
        return s;
    }

    /** Reads a length-encoded string and returns a retained-free slice of it (no copy). */
    public static ByteBuf readLenEncSlice(ByteBuf buf) {
        int length = checkedLength(readLenEncInt(buf), buf, "lenenc string");
        return buf.readSlice(length);
    }

    /** Skips a length-encoded string, including the NULL marker. */
    public static void skipLenEncString(ByteBuf buf) {
        if (isLenEncNull(buf)) {
            buf.skipBytes(1);
            return;
        }
        int length = checkedLength(readLenEncInt(buf), buf, "lenenc string");
        buf.skipBytes(length);
    }

    /** Reads a NUL-terminated string in UTF-8 and consumes the terminator. */
    public static String readNulString(ByteBuf buf) {
        return readNulString(buf, StandardCharsets.UTF_8);
    }

    public static String readNulString(ByteBuf buf, Charset charset) {
        int end = buf.indexOf(buf.readerIndex(), buf.writerIndex(), (byte) 0);
        if (end < 0) {
            throw new ProtocolException("NUL-terminated string: no terminator in " + buf.readableBytes() + " bytes");
        }
        String s = buf.toString(buf.readerIndex(), end - buf.readerIndex(), charset);
        buf.readerIndex(end + 1);
        return s;
    }

    /** Reads a NUL-terminated byte string, or the rest of the buffer when there is no terminator. */
    public static byte[] readNulOrEofBytes(ByteBuf buf) {
        int end = buf.indexOf(buf.readerIndex(), buf.writerIndex(), (byte) 0);
        byte[] bytes = new byte[(end < 0 ? buf.writerIndex() : end) - buf.readerIndex()];
        buf.readBytes(bytes);
        if (end >= 0) {
            buf.skipBytes(1);
        }
        return bytes;
    }

    /** Reads the rest of the buffer as a UTF-8 string ("string&lt;EOF&gt;"). */
    public static String readEofString(ByteBuf buf) {
        String s = buf.toString(StandardCharsets.UTF_8);
        buf.skipBytes(buf.readableBytes());
        return s;
    }

    /** Reads the rest of the buffer as bytes. */
    public static byte[] readEofBytes(ByteBuf buf) {
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        return bytes;
    }

    /** Reads exactly {@code length} bytes. */
    public static byte[] readFixedBytes(ByteBuf buf, int length, String what) {
        need(buf, length, what);
        byte[] bytes = new byte[length];
        buf.readBytes(bytes);
        return bytes;
    }

    public static int readUInt8(ByteBuf buf, String what) {
        need(buf, 1, what);
        return buf.readUnsignedByte();
    }

    public static int readUInt16(ByteBuf buf, String what) {
        need(buf, 2, what);
        return buf.readUnsignedShortLE();
    }

    public static int readUInt24(ByteBuf buf, String what) {
        need(buf, 3, what);
        return buf.readUnsignedMediumLE();
    }

    /** Reads a 4-byte little-endian integer (as a Java int; callers treat ids and flags as unsigned). */
    public static int readInt32(ByteBuf buf, String what) {
        need(buf, 4, what);
        return buf.readIntLE();
    }

    public static long readInt64(ByteBuf buf, String what) {
        need(buf, 8, what);
        return buf.readLongLE();
    }

    /** Writes a length-encoded integer in the shortest form. Negative values are 8-byte (unsigned 64-bit). */
    public static void writeLenEncInt(ByteBuf buf, long value) {
        if (value >= 0 && value < LENENC_NULL) {
            buf.writeByte((int) value);
        } else if (value >= 0 && value < (1 << 16)) {
            buf.writeByte(LENENC_2).writeShortLE((int) value);
        } else if (value >= 0 && value < (1 << 24)) {
            buf.writeByte(LENENC_3).writeMediumLE((int) value);
        } else {
            buf.writeByte(LENENC_8).writeLongLE(value);
        }
    }

    /** The number of bytes {@link #writeLenEncInt} uses for {@code value}. */
    public static int lenEncIntSize(long value) {
        if (value >= 0 && value < LENENC_NULL) {
            return 1;
        } else if (value >= 0 && value < (1 << 16)) {
            return 3;
        } else if (value >= 0 && value < (1 << 24)) {
            return 4;
        }
        return 9;
    }

    public static void writeLenEncBytes(ByteBuf buf, byte[] bytes) {
        writeLenEncInt(buf, bytes.length);
        buf.writeBytes(bytes);
    }

    public static void writeLenEncString(ByteBuf buf, String s) {
        writeLenEncBytes(buf, s.getBytes(StandardCharsets.UTF_8));
    }

    public static void writeNulString(ByteBuf buf, String s) {
        buf.writeBytes(s.getBytes(StandardCharsets.UTF_8)).writeByte(0);
    }

    public static void writeNulBytes(ByteBuf buf, byte[] bytes) {
        buf.writeBytes(bytes).writeByte(0);
    }

    /** Throws unless {@code n} bytes are readable. */
    public static void need(ByteBuf buf, int n, String what) {
        if (buf.readableBytes() < n) {
            throw new ProtocolException(
                    what + ": " + buf.readableBytes() + " bytes left (expected: >= " + n + ")");
        }
    }

    /** Validates a decoded length against the bytes actually present, before anything is allocated. */
    private static int checkedLength(long length, ByteBuf buf, String what) {
        if (length < 0 || length > buf.readableBytes()) {
            throw new ProtocolException(what + ": length " + Long.toUnsignedString(length)
                    + " exceeds the " + buf.readableBytes() + " bytes left");
        }
        return (int) length;
    }
}
