package io.fluxdb.engine.spi;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * Values the leader observed while running a statement, which followers set before replaying it so that
 * non-deterministic parts produce the leader's result.
 *
 * @param insertId the first auto-increment value the statement generated (for MySQL, {@code SET INSERT_ID});
 *     an unsigned 64-bit value
 * @param lastInsertId the session's {@code LAST_INSERT_ID()} before the statement ran; an unsigned 64-bit value
 * @param randSeed the random seeds in effect before the statement, when it calls RAND()
 */
public record ReplayHints(OptionalLong insertId, OptionalLong lastInsertId, Optional<RandSeed> randSeed) {

    /** No hints: a statement that is deterministic by itself. */
    public static final ReplayHints NONE = new ReplayHints(OptionalLong.empty(), OptionalLong.empty(), Optional.empty());

    /**
     * The two seeds of MySQL's RAND() generator ({@code @@rand_seed1}, {@code @@rand_seed2}).
     */
    public record RandSeed(long seed1, long seed2) {
    }

    public ReplayHints {
        requireNonNull(insertId, "insertId is null");
        requireNonNull(lastInsertId, "lastInsertId is null");
        requireNonNull(randSeed, "randSeed is null");
    }
}
