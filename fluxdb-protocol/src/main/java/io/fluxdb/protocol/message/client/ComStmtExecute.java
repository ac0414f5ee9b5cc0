package io.fluxdb.protocol.message.client;

import static java.util.Objects.requireNonNull;

import io.fluxdb.protocol.ProtocolException;
import io.fluxdb.protocol.constant.CommandType;
import io.fluxdb.protocol.wire.BinaryValues;
import io.fluxdb.protocol.wire.NullBitmap;
import io.fluxdb.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Executes a prepared statement with bound parameters.
 *
 * <p>Parameter types travel only when {@code newParamsBound} is set (usually the first execute);
 * otherwise the previous execute's types apply, so decoding needs the statement's
 * {@link StatementContext}. {@code types} always holds the types in effect. {@code values} holds one
 * entry per parameter, following the {@link BinaryValues} model: {@code null} for SQL NULL and
 * {@link ParamMarker#LONG_DATA} for parameters sent with COM_STMT_SEND_LONG_DATA.
 * MySQL 8's query-attribute extension of this command (PARAMETER_COUNT_AVAILABLE, parameter names)
 * is not supported: MariaDB never uses it.
 *
 * @param statementId the statement id (unsigned 32-bit); MariaDB's {@link #LAST_PREPARED} means the
 *     statement prepared last on this connection
 * @param flags the cursor type ({@link #CURSOR_TYPE_READ_ONLY} etc.)
 * @see <a href="https://mariadb.com/kb/en/com_stmt_execute/">COM_STMT_EXECUTE</a>
 */
public record ComStmtExecute(int statementId, int flags, int iterationCount, boolean newParamsBound,
                             List<ParamType> types, List<Object> values) implements ClientMessage {
    public static final int CURSOR_TYPE_NO_CURSOR = 0x00;
    public static final int CURSOR_TYPE_READ_ONLY = 0x01;
    public static final int CURSOR_TYPE_FOR_UPDATE = 0x02;
    public static final int CURSOR_TYPE_SCROLLABLE = 0x04;
    /** MariaDB: statement id meaning "the statement prepared last on this connection". */
    public static final int LAST_PREPARED = 0xFFFF_FFFF;

    public ComStmtExecute {
        types = List.copyOf(requireNonNull(types, "types is null"));
        values = Collections.unmodifiableList(new ArrayList<>(requireNonNull(values, "values is null")));
        if (flags < 0 || flags > 0xFF) {
            throw new IllegalArgumentException("flags: " + flags + " (expected: 0..255)");
        }
        if (types.size() != values.size()) {
            throw new IllegalArgumentException("values: " + values.size() + " (expected: " + types.size() + ", one per type)");
        }
    }

    /** True if the client asked for a cursor (the response then holds no rows; rows come by COM_STMT_FETCH). */
    public boolean cursorRequested() {
        return (flags & (CURSOR_TYPE_READ_ONLY | CURSOR_TYPE_FOR_UPDATE | CURSOR_TYPE_SCROLLABLE)) != 0;
    }

    /** Decodes an execute of a statement never executed before and with no long data. */
    public static ComStmtExecute decode(ByteBuf payload, int paramCount, List<ParamType> previousTypes) {
        return decode(payload, new StatementContext(paramCount, previousTypes, new BitSet()));
    }

    public static ComStmtExecute decode(ByteBuf payload, StatementContext statement) {
        requireNonNull(statement, "statement is null");
        Commands.expectCommand(payload, CommandType.COM_STMT_EXECUTE);
        int statementId = Wire.readInt32(payload, "statement id");
        int flags = Wire.readUInt8(payload, "flags");
        int iterations = Wire.readInt32(payload, "iteration count");
        int n = statement.paramCount();
        if (n == 0) {
            Commands.expectEnd(payload, "COM_STMT_EXECUTE");
            return new ComStmtExecute(statementId, flags, iterations, false, List.of(), List.of());
        }
        byte[] nulls = Wire.readFixedBytes(payload, NullBitmap.size(n, NullBitmap.PARAMETER_OFFSET), "null bitmap");
        int bound = Wire.readUInt8(payload, "new_params_bind_flag");
        if (bound > 1) {
            throw new ProtocolException("new_params_bind_flag: " + bound + " (expected: 0 or 1)");
        }
        List<ParamType> types;
        if (bound == 1) {
            Wire.need(payload, 2 * n, "parameter types");
            types = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                types.add(ParamType.read(payload));
            }
        } else if (statement.previousTypes().size() == n) {
            types = statement.previousTypes();
        } else {
            throw new ProtocolException("COM_STMT_EXECUTE without types: " + statement.previousTypes().size()
                    + " previously bound types (expected: " + n + ")");
        }
        BitSet longData = statement.longDataParams();
        List<Object> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (NullBitmap.isNull(nulls, i, NullBitmap.PARAMETER_OFFSET)) {
                values.add(null);
            } else if (longData.get(i)) {
                values.add(ParamMarker.LONG_DATA);
            } else {
                values.add(BinaryValues.read(payload, types.get(i).type(), types.get(i).unsigned()));
            }
        }
        Commands.expectEnd(payload, "COM_STMT_EXECUTE");
        return new ComStmtExecute(statementId, flags, iterations, bound == 1, types, values);
    }

    @Override
    public void encode(ByteBuf out, long capabilities) {
        out.writeByte(CommandType.COM_STMT_EXECUTE).writeIntLE(statementId).writeByte(flags).writeIntLE(iterationCount);
        if (types.isEmpty()) {
            return;
        }
        byte[] nulls = new byte[NullBitmap.size(types.size(), NullBitmap.PARAMETER_OFFSET)];
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) == null) {
                NullBitmap.setNull(nulls, i, NullBitmap.PARAMETER_OFFSET);
            }
        }
        out.writeBytes(nulls).writeByte(newParamsBound ? 1 : 0);
        if (newParamsBound) {
            types.forEach(t -> t.write(out));
        }
        for (int i = 0; i < values.size(); i++) {
            Object v = values.get(i);
            if (v != null && v != ParamMarker.LONG_DATA) {
                BinaryValues.write(out, types.get(i).type(), v);
            }
        }
    }

    /** Compares array values by content. */
    @Override
    public boolean equals(Object o) {
        return o instanceof ComStmtExecute other && statementId == other.statementId && flags == other.flags
                && iterationCount == other.iterationCount && newParamsBound == other.newParamsBound
                && types.equals(other.types) && Arrays.deepEquals(values.toArray(), other.values.toArray());
    }

    @Override
    public int hashCode() {
        return Objects.hash(statementId, flags, iterationCount, newParamsBound, types, Arrays.deepHashCode(values.toArray()));
    }

    @Override
    public String toString() {
        return "ComStmtExecute[statementId=" + Integer.toUnsignedString(statementId) + ", flags=" + flags
                + ", iterationCount=" + iterationCount + ", newParamsBound=" + newParamsBound + ", types=" + types
                + ", values=" + Arrays.deepToString(values.toArray()) + "]";
    }
}
