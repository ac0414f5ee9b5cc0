package io.fluxdb.protocol.message.client;

import static java.util.Objects.requireNonNull;

import java.util.BitSet;
import java.util.List;

/**
 * What decoding a COM_STMT_EXECUTE needs to know about its statement: the parameter count (from
 * the PREPARE_OK), the types bound by the previous execute (types are sent only when they change)
 * and which parameters were sent with COM_STMT_SEND_LONG_DATA (their values are not inline).
 */
public record StatementContext(int paramCount, List<ParamType> previousTypes, BitSet longDataParams) {
    public StatementContext {
        if (paramCount < 0 || paramCount > 0xFFFF) {
            throw new IllegalArgumentException("paramCount: " + paramCount + " (expected: 0..65535)");
        }
        previousTypes = List.copyOf(requireNonNull(previousTypes, "previousTypes is null"));
        longDataParams = (BitSet) requireNonNull(longDataParams, "longDataParams is null").clone();
    }

    /** A statement with {@code paramCount} parameters, never executed and with no long data. */
    public static StatementContext of(int paramCount) {
        return new StatementContext(paramCount, List.of(), new BitSet());
    }

    @Override
    public BitSet longDataParams() {
        return (BitSet) longDataParams.clone();
    }
}
