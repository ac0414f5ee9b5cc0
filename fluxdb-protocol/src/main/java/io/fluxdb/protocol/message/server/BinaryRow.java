package io.fluxdb.protocol.message.server;

import static java.util.Objects.requireNonNull;

import io.fluxdb.protocol.ProtocolException;
import io.fluxdb.protocol.wire.BinaryValues;
import io.fluxdb.protocol.wire.NullBitmap;
import io.fluxdb.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A binary-protocol result-set row (COM_STMT_EXECUTE and COM_STMT_FETCH), held as its undecoded
 * payload so a proxy can forward it byte-for-byte. {@link #values(List)} decodes it given the
 * column definitions. The holder owns one reference to its content: release it.
 *
 * @see <a href="https://mariadb.com/kb/en/resultset-row/#binary-resultset-row">Binary resultset row</a>
 */
public final class BinaryRow extends DefaultByteBufHolder implements ServerMessage {
    public static final int HEADER = 0x00;

    public BinaryRow(ByteBuf content) {
        super(requireNonNull(content, "content is null"));
    }

    /** Checks the 0x00 header and takes a retained slice of the whole payload (and consumes it). */
    public static BinaryRow decode(ByteBuf payload, long capabilities) {
        requireNonNull(payload, "payload is null");
        Wire.need(payload, 1, "binary row header");
        int header = payload.getUnsignedByte(payload.readerIndex());
        if (header != HEADER) {
            throw new ProtocolException("binary row header: 0x" + Integer.toHexString(header) + " (expected: 0x00)");
        }
        return new BinaryRow(payload.readRetainedSlice(payload.readableBytes()));
    }

    /** Builds a row from values in the {@link BinaryValues} model; {@code null} is SQL NULL. */
    public static BinaryRow of(List<ColumnDefinition41> columns, List<Object> values) {
        if (columns.size() != values.size()) {
            throw new IllegalArgumentException("values: " + values.size() + " (expected: " + columns.size() + ")");
        }
        byte[] nulls = new byte[NullBitmap.size(columns.size(), NullBitmap.ROW_OFFSET)];
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) == null) {
                NullBitmap.setNull(nulls, i, NullBitmap.ROW_OFFSET);
            }
        }
        ByteBuf buf = Unpooled.buffer();
        try {
            buf.writeByte(HEADER).writeBytes(nulls);
            for (int i = 0; i < values.size(); i++) {
                if (values.get(i) != null) {
                    BinaryValues.write(buf, columns.get(i).type(), values.get(i));
                }
            }
        } catch (RuntimeException e) {
            buf.release();
            throw e;
        }
        return new BinaryRow(buf);
    }

    /** The row's values in the {@link BinaryValues} model, one per column; {@code null} for SQL NULL. */
    public List<Object> values(List<ColumnDefinition41> columns) {
        requireNonNull(columns, "columns is null");
        ByteBuf buf = content().duplicate();
        Wire.readUInt8(buf, "binary row header");
        byte[] nulls = Wire.readFixedBytes(buf, NullBitmap.size(columns.size(), NullBitmap.ROW_OFFSET), "null bitmap");
        List<Object> values = new ArrayList<>(columns.size());
        for (int i = 0; i < columns.size(); i++) {
            ColumnDefinition41 c = columns.get(i);
            values.add(NullBitmap.isNull(nulls, i, NullBitmap.ROW_OFFSET) ? null : BinaryValues.read(buf, c.type(), c.isUnsigned()));
        }
        if (buf.isReadable()) {
            throw new ProtocolException("binary row: " + buf.readableBytes() + " bytes after " + columns.size() + " values (expected: 0)");
        }
        return Collections.unmodifiableList(values);
    }

    @Override
    public void encode(ByteBuf out, long capabilities) {
        out.writeBytes(content(), content().readerIndex(), content().readableBytes());
    }

    @Override
    public BinaryRow replace(ByteBuf content) {
        return new BinaryRow(content);
    }

    @Override
    public BinaryRow copy() {
        return (BinaryRow) super.copy();
    }

    @Override
    public BinaryRow duplicate() {
        return (BinaryRow) super.duplicate();
    }

    @Override
    public BinaryRow retainedDuplicate() {
        return (BinaryRow) super.retainedDuplicate();
    }

    @Override
    public BinaryRow retain() {
        super.retain();
        return this;
    }

    @Override
    public BinaryRow retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public BinaryRow touch() {
        super.touch();
        return this;
    }

    @Override
    public BinaryRow touch(Object hint) {
        super.touch(hint);
        return this;
    }
}
