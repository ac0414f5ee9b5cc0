package io.fluxdb.protocol.message.client;

import static java.util.Objects.requireNonNull;

import io.fluxdb.protocol.ProtocolException;
import io.fluxdb.protocol.constant.CommandType;
import io.fluxdb.protocol.wire.BinaryValues;
import io.fluxdb.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * MariaDB's array binding: one prepared statement executed for many rows of parameters. Each value
 * is preceded by an indicator byte; rows follow each other to the end of the payload. Values follow
 * the {@link BinaryValues} model, with {@code null} for NULL and {@link ParamMarker#DEFAULT} /
 * {@link ParamMarker#IGNORE} for those indicators.
 *
 * @param flags {@link #SEND_TYPES_TO_SERVER} and {@link #SEND_UNIT_RESULTS}
 * @see <a href="https://mariadb.com/kb/en/com_stmt_bulk_execute/">COM_STMT_BULK_EXECUTE</a>
 */
public record ComStmtBulkExecute(int statementId, int flags, List<ParamType> types, List<List<Object>> rows)
        implements ClientMessage {
    public static final int SEND_UNIT_RESULTS = 0x40;
    public static final int SEND_TYPES_TO_SERVER = 0x80;
    private static final int INDICATOR_NONE = 0;
    private static final int INDICATOR_NULL = 1;
    private static final int INDICATOR_DEFAULT = 2;
    private static final int INDICATOR_IGNORE = 3;

    public ComStmtBulkExecute {
        types = List.copyOf(requireNonNull(types, "types is null"));
        List<List<Object>> copy = new ArrayList<>();
        for (List<Object> row : requireNonNull(rows, "rows is null")) {
            if (row.size() != types.size()) {
                throw new IllegalArgumentException("row: " + row.size() + " values (expected: " + types.size() + ")");
            }
            copy.add(Collections.unmodifiableList(new ArrayList<>(row)));
        }
        rows = Collections.unmodifiableList(copy);
    }

    /**
     * @param paramCount the statement's parameter count
     * @param previousTypes the types bound before, used when the client does not send types
     */
    public static ComStmtBulkExecute decode(ByteBuf payload, int paramCount, List<ParamType> previousTypes) {
        requireNonNull(previousTypes, "previousTypes is null");
        Commands.expectCommand(payload, CommandType.COM_STMT_BULK_EXECUTE);
        int statementId = Wire.readInt32(payload, "statement id");
        int flags = Wire.readUInt16(payload, "bulk flags");
        List<ParamType> types;
        if ((flags & SEND_TYPES_TO_SERVER) != 0) {
            Wire.need(payload, 2 * paramCount, "parameter types");
            types = new ArrayList<>(paramCount);
            for (int i = 0; i < paramCount; i++) {
                types.add(ParamType.read(payload));
            }
        } else if (previousTypes.size() == paramCount) {
            types = previousTypes;
        } else {
            throw new ProtocolException("COM_STMT_BULK_EXECUTE without types: " + previousTypes.size()
                    + " previously bound types (expected: " + paramCount + ")");
        }
        List<List<Object>> rows = new ArrayList<>();
        while (payload.isReadable() && paramCount > 0) {
            List<Object> row = new ArrayList<>(paramCount);
            for (int i = 0; i < paramCount; i++) {
                int indicator = Wire.readUInt8(payload, "indicator");
                row.add(switch (indicator) {
                    case INDICATOR_NONE -> BinaryValues.read(payload, types.get(i).type(), types.get(i).unsigned());
                    case INDICATOR_NULL -> null;
                    case INDICATOR_DEFAULT -> ParamMarker.DEFAULT;
                    case INDICATOR_IGNORE -> ParamMarker.IGNORE;
                    default -> throw new ProtocolException("indicator: " + indicator + " (expected: 0..3)");
                });
            }
            rows.add(row);
        }
        Commands.expectEnd(payload, "COM_STMT_BULK_EXECUTE");
        return new ComStmtBulkExecute(statementId, flags, types, rows);
    }

    @Override
    public void encode(ByteBuf out, long capabilities) {
        out.writeByte(CommandType.COM_STMT_BULK_EXECUTE).writeIntLE(statementId).writeShortLE(flags);
        if ((flags & SEND_TYPES_TO_SERVER) != 0) {
            types.forEach(t -> t.write(out));
        }
        for (List<Object> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                Object v = row.get(i);
                if (v == null) {
                    out.writeByte(INDICATOR_NULL);
                } else if (v == ParamMarker.DEFAULT) {
                    out.writeByte(INDICATOR_DEFAULT);
                } else if (v == ParamMarker.IGNORE) {
                    out.writeByte(INDICATOR_IGNORE);
                } else {
                    out.writeByte(INDICATOR_NONE);
                    BinaryValues.write(out, types.get(i).type(), v);
                }
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ComStmtBulkExecute other && statementId == other.statementId && flags == other.flags
                && types.equals(other.types) && Arrays.deepEquals(deep(rows), deep(other.rows));
    }

    @Override
    public int hashCode() {
        return Objects.hash(statementId, flags, types, Arrays.deepHashCode(deep(rows)));
    }

    @Override
    public String toString() {
        return "ComStmtBulkExecute[statementId=" + Integer.toUnsignedString(statementId) + ", flags=" + flags
                + ", types=" + types + ", rows=" + Arrays.deepToString(deep(rows)) + "]";
    }

    private static Object[][] deep(List<List<Object>> rows) {
        return rows.stream().map(List::toArray).toArray(Object[][]::new);
    }
}
