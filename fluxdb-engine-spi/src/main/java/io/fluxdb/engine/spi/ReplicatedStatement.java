package io.fluxdb.engine.spi;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One statement of a replicated transaction.
 *
 * @param sql the statement text as the client sent it (with {@code ?} placeholders when it was prepared)
 * @param parameters the values bound to the placeholders, in order; empty for plain text statements
 * @param hints the values the leader observed that replay must reuse
 */
public record ReplicatedStatement(String sql, List<BoundValue> parameters, ReplayHints hints) {

    public ReplicatedStatement {
        requireNonNull(sql, "sql is null");
        requireNonNull(parameters, "parameters is null");
        requireNonNull(hints, "hints is null");
        parameters = List.copyOf(parameters);
    }

    /** A text statement without parameters or hints. */
    public static ReplicatedStatement of(String sql) {
        return new ReplicatedStatement(sql, List.of(), ReplayHints.NONE);
    }
}
