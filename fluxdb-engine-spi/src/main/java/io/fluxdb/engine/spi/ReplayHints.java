package io.fluxdb.engine.spi;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Values the leader observed while running a statement, which followers set before replaying it so that
 * non-deterministic parts produce the leader's result.
 *
 * @param insertId the first auto-increment value the statement generated (for MySQL, {@code SET INSERT_ID});
 *     an unsigned 64-bit value
 * @param lastInsertId the session's {@code LAST_INSERT_ID()} before the statement ran; an unsigned 64-bit value
 * @param randSeed the random seeds in effect before the statement, when it calls RAND()
 * @param timestampMicros the leader's clock when the statement ran, in microseconds since the epoch; when empty the
 *     entry's {@link LogEntryContent#timestampMicros()} applies. Engines pin the session clock to it (for MySQL,
 *     {@code SET timestamp}), so NOW(), CURRENT_TIMESTAMP and column defaults agree per statement
 * @param userVariables user variables the statement reads, with the values they held on the leader, by name
 *     without the {@code @}; replay assigns these values, never the expressions that produced them
 * @param localInfile the file the client sent for the statement ({@code LOAD DATA LOCAL INFILE}): replay loads
 *     these bytes, never a file of the follower's host
 */
public record ReplayHints(OptionalLong insertId, OptionalLong lastInsertId, Optional<RandSeed> randSeed,
        OptionalLong timestampMicros, Map<String, BoundValue> userVariables, Optional<BoundValue.Bytes> localInfile) {

    /** No hints: a statement that is deterministic by itself. */
    public static final ReplayHints NONE = new ReplayHints(OptionalLong.empty(), OptionalLong.empty(), Optional.empty(),
            OptionalLong.empty(), Map.of());

    /** Hints of a statement that reads no file from the client. */
    public ReplayHints(OptionalLong insertId, OptionalLong lastInsertId, Optional<RandSeed> randSeed,
            OptionalLong timestampMicros, Map<String, BoundValue> userVariables) {
        this(insertId, lastInsertId, randSeed, timestampMicros, userVariables, Optional.empty());
    }

    /** These hints with the file the client sent for the statement. */
    public ReplayHints withLocalInfile(byte[] contents) {
        return new ReplayHints(insertId, lastInsertId, randSeed, timestampMicros, userVariables,
                Optional.of(new BoundValue.Bytes(contents)));
    }

    /**
     * The two seeds of MySQL's RAND() generator ({@code @@rand_seed1}, {@code @@rand_seed2}).
     */
    public record RandSeed(long seed1, long seed2) {
    }

    public ReplayHints {
        requireNonNull(insertId, "insertId is null");
        requireNonNull(lastInsertId, "lastInsertId is null");
        requireNonNull(randSeed, "randSeed is null");
        requireNonNull(timestampMicros, "timestampMicros is null");
        requireNonNull(userVariables, "userVariables is null");
        requireNonNull(localInfile, "localInfile is null");
        if (timestampMicros.isPresent() && timestampMicros.getAsLong() < 0) {
            throw new IllegalArgumentException("timestampMicros: " + timestampMicros.getAsLong() + " (expected: >= 0)");
        }
        TreeMap<String, BoundValue> sorted = new TreeMap<>();
        userVariables.forEach((name, value) -> {
            requireNonNull(name, "user variable name is null");
            requireNonNull(value, "user variable '" + name + "' is null (expected: BoundValue.Null for SQL NULL)");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("user variable name: '' (expected: non-empty)");
            }
            sorted.put(name, value);
        });
        userVariables = Collections.unmodifiableMap(sorted);
    }
}
