package io.fluxdb.replication.statemachine;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How the apply scheduler runs.
 *
 * @param maxParallel how many entries may hold an engine transaction at once
 * @param settleTimeout how long an entry this node submitted waits for its front end's settle before it is applied
 *     from the log regardless
 */
public record ApplySettings(int maxParallel, Duration settleTimeout) {

    public ApplySettings {
        requireNonNull(settleTimeout, "settleTimeout is null");
        if (maxParallel < 1) {
            throw new IllegalArgumentException("maxParallel: " + maxParallel + " (expected: >= 1)");
        }
        if (settleTimeout.isNegative() || settleTimeout.isZero()) {
            throw new IllegalArgumentException("settleTimeout: " + settleTimeout + " (expected: > 0)");
        }
    }
}
