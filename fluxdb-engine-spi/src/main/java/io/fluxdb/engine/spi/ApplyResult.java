package io.fluxdb.engine.spi;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** The outcome of {@link Engine#apply}: a value even when the SQL failed, so nodes can compare outcomes. */
public sealed interface ApplyResult {

    /** The log index this result belongs to. */
    long index();

    /**
     * Every statement ran and the transaction committed.
     *
     * @param affectedRows the affected-row count of each statement, in entry order
     */
    record Applied(long index, List<Long> affectedRows) implements ApplyResult {
        public Applied {
            requireNonNull(affectedRows, "affectedRows is null");
            affectedRows = List.copyOf(affectedRows);
        }
    }

    /**
     * A statement failed; the entry's data changes were rolled back and the index recorded as applied.
     *
     * @param statement the position of the failing statement in the entry, from 0
     * @param errorCode the engine's error number (for MySQL, e.g. 1062)
     * @param sqlState the five-character SQLSTATE
     * @param message the engine's message, unchanged
     */
    record Failed(long index, int statement, int errorCode, String sqlState, String message) implements ApplyResult {
        public Failed {
            requireNonNull(sqlState, "sqlState is null");
            requireNonNull(message, "message is null");
            if (sqlState.length() != 5) {
                throw new IllegalArgumentException("sqlState: " + sqlState + " (expected: 5 chars)");
            }
            if (statement < 0) {
                throw new IllegalArgumentException("statement: " + statement + " (expected: >= 0)");
            }
        }
    }

    /** The index was already recorded as applied; nothing was executed. */
    record AlreadyApplied(long index) implements ApplyResult {
    }
}
