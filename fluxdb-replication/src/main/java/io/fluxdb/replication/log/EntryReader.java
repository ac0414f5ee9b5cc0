package io.fluxdb.replication.log;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Big-endian primitives of the log entry format, read strictly: running out of bytes, a boolean other than 0 or 1,
 * or invalid UTF-8 is a corrupt entry ({@link IllegalStateException}). Not thread-safe.
 */
final class EntryReader {
    private final ByteBuffer in;
    private CharsetDecoder utf8;

    EntryReader(ByteBuffer in) {
        this.in = in;
    }

    int position() {
        return in.position();
    }

    int remaining() {
        return in.remaining();
    }

    int u8(String field) {
        need(1, field);
        return in.get() & 0xFF;
    }

    boolean bool(String field) {
        int value = u8(field);
        if (value > 1) {
            throw corrupt(field + ": " + value + " (expected: 0 or 1)");
        }
        return value == 1;
    }

    int u16(String field) {
        need(2, field);
        return in.getShort() & 0xFFFF;
    }

    long u32(String field) {
        need(4, field);
        return in.getInt() & 0xFFFF_FFFFL;
    }

    long i64(String field) {
        need(8, field);
        return in.getLong();
    }

    /** A count of items that each take at least {@code minItemBytes}, checked against what is left. */
    int count(String field, int minItemBytes) {
        long count = u32(field);
        if (count * minItemBytes > in.remaining()) {
            throw corrupt(field + ": " + count + " items but only " + in.remaining() + " bytes left");
        }
        return (int) count;
    }

    byte[] bytes(String field) {
        int length = length(field);
        byte[] value = new byte[length];
        in.get(value);
        return value;
    }

    String string(String field) {
        int length = length(field);
        if (utf8 == null) {
            utf8 = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
        }
        ByteBuffer slice = in.slice(in.position(), length);
        in.position(in.position() + length);
        try {
            return utf8.decode(slice).toString();
        } catch (CharacterCodingException e) {
            throw corrupt(field + ": invalid UTF-8");
        }
    }

    Optional<String> optionalString(String field) {
        return bool(field + " present") ? Optional.of(string(field)) : Optional.empty();
    }

    IllegalStateException corrupt(String problem) {
        return new IllegalStateException("corrupt log entry at byte " + in.position() + ": " + problem);
    }

    private int length(String field) {
        long length = u32(field + " length");
        if (length > in.remaining()) {
            throw corrupt(field + " length: " + length + " but only " + in.remaining() + " bytes left");
        }
        return (int) length;
    }

    private void need(int bytes, String field) {
        if (in.remaining() < bytes) {
            throw corrupt("truncated: " + field + " needs " + bytes + " bytes, " + in.remaining() + " left");
        }
    }
}
