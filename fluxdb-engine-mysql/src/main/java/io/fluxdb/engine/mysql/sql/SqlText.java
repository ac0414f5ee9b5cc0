package io.fluxdb.engine.mysql.sql;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Statement text as the lexer reads it. Text that arrives as bytes is read as the bytes themselves, one {@code char}
 * of 0..255 per byte (no copy of the bytes beyond one ISO-8859-1 string), so the lexer sees exactly what the engine's
 * lexer sees; only the few names and values a classification reports are decoded, in the character set of the
 * statement they come from.
 */
final class SqlText {

    private final String text;
    private final boolean bytes;

    private SqlText(String text, boolean bytes) {
        this.text = text;
        this.bytes = bytes;
    }

    /** Text that is already decoded. */
    static SqlText of(String text) {
        return new SqlText(text, false);
    }

    /** The bytes from the buffer's position to its limit; the buffer is not moved. */
    static SqlText of(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        if (b.hasArray()) {
            return new SqlText(new String(b.array(), b.arrayOffset() + b.position(), b.remaining(),
                    StandardCharsets.ISO_8859_1), true);
        }
        byte[] copy = new byte[b.remaining()];
        b.get(copy);
        return new SqlText(new String(copy, StandardCharsets.ISO_8859_1), true);
    }

    /** What the lexer reads. */
    String text() {
        return text;
    }

    /** Whether the text is raw bytes (one char per byte) rather than decoded characters. */
    boolean bytes() {
        return bytes;
    }

    int length() {
        return text.length();
    }

    /** The characters between two positions, decoded from {@code charset} when the text is bytes. */
    String slice(int start, int end, Charset charset) {
        String s = text.substring(start, end);
        return bytes ? new String(s.getBytes(StandardCharsets.ISO_8859_1), charset) : s;
    }
}
