package io.fluxdb.engine.mysql.apply;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;

/**
 * Settings of the apply of replicated entries, from the engine options of the same names.
 *
 * @param connections {@code apply-connections}: engine connections for applying entries, which bounds how many
 *     entries execute at once (default 17: replication runs up to 16 at once, and the first entry not yet committed
 *     may always start one more)
 * @param parallelLockWait {@code apply-lock-wait-timeout}: how long an entry applied in parallel waits for a row lock
 *     before it gives up and is run again after its predecessors (ISO-8601, whole seconds, default PT0S: it gives up
 *     at once. On a follower only other entries hold locks, so a wait means the schedule must change, not that a
 *     client will finish; entries the leader ran at the same time can still meet in another order here, through gap
 *     locks, and every second waited stalls every entry behind them)
 * @param pruneInterval {@code apply-prune-interval}: applied entries between two prunes of {@code fluxdb.applied_log}
 *     (default 10000)
 * @param preparedWait {@code apply-xa-wait}: how long apply waits for a connection to let go of a prepared transaction
 *     this node's leader ran, before it reports the engine unusable (ISO-8601, default PT30S)
 */
public record ApplyOptions(int connections, Duration parallelLockWait, long pruneInterval, Duration preparedWait) {

    /** The option names this record reads. */
    public static final Set<String> NAMES = Set.of("apply-connections", "apply-lock-wait-timeout",
            "apply-prune-interval", "apply-xa-wait");

    public ApplyOptions {
        requireNonNull(parallelLockWait, "parallelLockWait is null");
        requireNonNull(preparedWait, "preparedWait is null");
        if (connections < 1 || connections > 1000) {
            throw new IllegalArgumentException("apply-connections: " + connections + " (expected: 1-1000)");
        }
        if (parallelLockWait.isNegative() || parallelLockWait.toNanosPart() != 0) {
            throw new IllegalArgumentException("apply-lock-wait-timeout: " + parallelLockWait
                    + " (expected: whole seconds, at least PT0S)");
        }
        if (pruneInterval < 1) {
            throw new IllegalArgumentException("apply-prune-interval: " + pruneInterval + " (expected: >= 1)");
        }
        if (preparedWait.isNegative()) {
            throw new IllegalArgumentException("apply-xa-wait: " + preparedWait + " (expected: >= PT0S)");
        }
    }

    /** The defaults. */
    public static ApplyOptions defaults() {
        return new ApplyOptions(17, Duration.ZERO, 10_000, Duration.ofSeconds(30));
    }

    /** Reads the options of {@link #NAMES} from {@code options}, ignoring other names; defaults for missing ones. */
    public static ApplyOptions from(Map<String, String> options) {
        requireNonNull(options, "options is null");
        ApplyOptions d = defaults();
        return new ApplyOptions(
                (int) number(options, "apply-connections", d.connections()),
                duration(options, "apply-lock-wait-timeout", d.parallelLockWait()),
                number(options, "apply-prune-interval", d.pruneInterval()),
                duration(options, "apply-xa-wait", d.preparedWait()));
    }

    private static long number(Map<String, String> options, String name, long fallback) {
        String value = options.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": '" + value + "' (expected: a whole number)", e);
        }
    }

    private static Duration duration(Map<String, String> options, String name, Duration fallback) {
        String value = options.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Duration.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + ": '" + value + "' (expected: an ISO-8601 duration such as PT5S)",
                    e);
        }
    }
}
