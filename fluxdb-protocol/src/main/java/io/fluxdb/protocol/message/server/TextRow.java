package io.fluxdb.protocol.message.server;

import static java.util.Objects.requireNonNull;

import io.fluxdb.protocol.ProtocolException;
import io.fluxdb.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A text-protocol result-set row, held as its undecoded payload so a proxy can forward it
 * byte-for-byte. {@link #values(int)} decodes it on demand. The holder owns one reference to its
 * content: release it.
 *
 * @see <a href="https://mariadb.com/kb/en/resultset-row/#text-resultset-row">Text resultset row</a>
 */
public final class TextRow extends DefaultByteBufHolder implements ServerMessage {
    public TextRow(ByteBuf content) {
        super(requireNonNull(content, "content is null"));
    }

    /** Takes a retained slice of the rest of {@code payload} (and consumes it). */
    public static TextRow decode(ByteBuf payload, long capabilities) {
        requireNonNull(payload, "payload is null");
        return new TextRow(payload.readRetainedSlice(payload.readableBytes()));
    }

    /** Builds a row from its values; {@code null} is SQL NULL. */
    public static TextRow of(List<byte[]> values) {
        ByteBuf buf = Unpooled.buffer();
        for (byte[] v : values) {
            if (v == null) {
                buf.writeByte(Wire.LENENC_NULL);
            } else {
                Wire.writeLenEncBytes(buf, v);
            }
        }
        return new TextRow(buf);
    }

    /** The row's {@code columnCount} values as bytes in the column's character set; {@code null} for SQL NULL. */
    public List<byte[]> values(int columnCount) {
        ByteBuf buf = content().duplicate();
        List<byte[]> values = new ArrayList<>(columnCount);
        for (int i = 0; i < columnCount; i++) {
            if (Wire.isLenEncNull(buf)) {
                buf.skipBytes(1);
                values.add(null);
            } else {
                values.add(Wire.readLenEncBytes(buf));
            }
        }
        if (buf.isReadable()) {
            throw new ProtocolException("text row: " + buf.readableBytes() + " bytes after " + columnCount + " values (expected: 0)");
        }
        return Collections.unmodifiableList(values);
    }

    @Override
    public void encode(ByteBuf out, long capabilities) {
        out.writeBytes(content(), content().readerIndex(), content().readableBytes());
    }

    @Override
    public TextRow replace(ByteBuf content) {
        return new TextRow(content);
    }

    @Override
    public TextRow copy() {
        return (TextRow) super.copy();
    }

    @Override
    public TextRow duplicate() {
        return (TextRow) super.duplicate();
    }

    @Override
    public TextRow retainedDuplicate() {
        return (TextRow) super.retainedDuplicate();
    }

    @Override
    public TextRow retain() {
        super.retain();
        return this;
    }

    @Override
    public TextRow retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public TextRow touch() {
        super.touch();
        return this;
    }

    @Override
    public TextRow touch(Object hint) {
        super.touch(hint);
        return this;
    }
}
