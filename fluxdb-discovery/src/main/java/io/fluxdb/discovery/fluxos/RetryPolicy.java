package io.fluxdb.discovery.fluxos;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How often one FluxOS request is tried before the lookup fails, and how long to wait between tries: the wait
 * doubles from {@code initialBackoff} up to {@code maxBackoff}.
 *
 * @param attempts tries per request, at least 1
 * @param initialBackoff the wait after the first failed try
 * @param maxBackoff the longest wait between two tries
 */
public record RetryPolicy(int attempts, Duration initialBackoff, Duration maxBackoff) {
    /** Three tries, 1 s then 2 s apart: a lookup gives up within a few seconds plus the request timeouts. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(8));

    public RetryPolicy {
        requireNonNull(initialBackoff, "initialBackoff is null");
        requireNonNull(maxBackoff, "maxBackoff is null");
        if (attempts < 1) throw new IllegalArgumentException("attempts: " + attempts + " (expected: >= 1)");
        if (initialBackoff.isNegative()) throw new IllegalArgumentException("initialBackoff: " + initialBackoff + " (expected: >= 0)");
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff: " + maxBackoff + " (expected: >= initialBackoff " + initialBackoff + ")");
        }
    }

    /** The wait after failed try {@code attempt} (from 1). */
    Duration backoff(int attempt) {
        Duration wait = initialBackoff;
        for (int i = 1; i < attempt && wait.compareTo(maxBackoff) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
    }
}
