package io.fluxdb.replication.log;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.CRC32C;

/** Big-endian primitives of the log entry format, written into a growing array. Not thread-safe. */
final class EntryWriter {
    private byte[] buf;
    private int size;
    private CharsetEncoder utf8;

    EntryWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    void u8(int value) {
        if (value < 0 || value > 0xFF) {
            throw new IllegalArgumentException("u8: " + value + " (expected: 0-255)");
        }
        ensure(1);
        buf[size++] = (byte) value;
    }

    void bool(boolean value) {
        u8(value ? 1 : 0);
    }

    void u16(int value) {
        if (value < 0 || value > 0xFFFF) {
            throw new IllegalArgumentException("u16: " + value + " (expected: 0-65535)");
        }
        ensure(2);
        buf[size++] = (byte) (value >>> 8);
        buf[size++] = (byte) value;
    }

    void u32(long value) {
        if (value < 0 || value > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("u32: " + value + " (expected: 0-4294967295)");
        }
        ensure(4);
        writeInt((int) value);
    }

    void i64(long value) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buf[size++] = (byte) (value >>> shift);
        }
    }

    void bytes(byte[] value) {
        u32(value.length);
        ensure(value.length);
        System.arraycopy(value, 0, buf, size, value.length);
        size += value.length;
    }

    /** UTF-8 with a length; a string that is not valid UTF-16 (a lone surrogate) is refused, never altered. */
    void string(String value) {
        if (utf8 == null) {
            utf8 = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
        }
        ByteBuffer encoded;
        try {
            encoded = utf8.encode(CharBuffer.wrap(value));
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("string is not valid UTF-16 (lone surrogate): "
                    + abbreviate(value), e);
        }
        int length = encoded.remaining();
        u32(length);
        ensure(length);
        encoded.get(buf, size, length);
        size += length;
    }

    void optionalString(Optional<String> value) {
        bool(value.isPresent());
        value.ifPresent(this::string);
    }

    /** Appends the CRC32C of everything written so far and returns the entry's bytes. */
    byte[] finishWithChecksum() {
        CRC32C crc = new CRC32C();
        crc.update(buf, 0, size);
        ensure(4);
        writeInt((int) crc.getValue());
        return Arrays.copyOf(buf, size);
    }

    private void writeInt(int value) {
        buf[size++] = (byte) (value >>> 24);
        buf[size++] = (byte) (value >>> 16);
        buf[size++] = (byte) (value >>> 8);
        buf[size++] = (byte) value;
    }

    private void ensure(int more) {
        if (buf.length - size < more) {
            long wanted = Math.max((long) buf.length * 2, (long) size + more);
            if (wanted > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("log entry: more than " + (Integer.MAX_VALUE - 8) + " bytes");
            }
            buf = Arrays.copyOf(buf, (int) wanted);
        }
    }

    private static String abbreviate(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "...";
    }
}
