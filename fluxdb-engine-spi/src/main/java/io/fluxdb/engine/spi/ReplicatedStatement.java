package io.fluxdb.engine.spi;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.OptionalLong;

/**
 * One statement of a replicated transaction.
 *
 * @param sql the statement text as the client sent it (with {@code ?} placeholders when it was prepared)
 * @param parameters the values bound to the placeholders, in order; empty for plain text statements
 * @param hints the values the leader observed that replay must reuse
 * @param affectedRows the rows the statement changed on the leader (counted as changed, not as matched); empty when
 *     unknown. A node whose replay changes another number has diverged.
 */
public record ReplicatedStatement(String sql, List<BoundValue> parameters, ReplayHints hints,
        OptionalLong affectedRows) {

    public ReplicatedStatement {
        requireNonNull(sql, "sql is null");
        requireNonNull(parameters, "parameters is null");
        requireNonNull(hints, "hints is null");
        requireNonNull(affectedRows, "affectedRows is null");
        parameters = List.copyOf(parameters);
        if (affectedRows.isPresent() && affectedRows.getAsLong() < 0) {
            throw new IllegalArgumentException("affectedRows: " + affectedRows.getAsLong() + " (expected: >= 0)");
        }
    }

    /** A text statement without parameters, hints or a known outcome. */
    public static ReplicatedStatement of(String sql) {
        return new ReplicatedStatement(sql, List.of(), ReplayHints.NONE, OptionalLong.empty());
    }
}
