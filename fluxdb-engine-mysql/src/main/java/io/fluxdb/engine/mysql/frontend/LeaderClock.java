package io.fluxdb.engine.mysql.frontend;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The timestamps the leader pins its writes to: the wall clock in microseconds, strictly increasing, so that two
 * writes never share a value and a clock step backwards never makes a later write look older. Thread-safe.
 */
final class LeaderClock {
    private final Clock clock;
    private final AtomicLong last = new AtomicLong();

    LeaderClock(Clock clock) {
        this.clock = clock;
    }

    long nowMicros() {
        Instant now = clock.instant();
        long micros = now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
        return last.accumulateAndGet(micros, (previous, candidate) -> Math.max(previous + 1, candidate));
    }
}
