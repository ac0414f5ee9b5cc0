package io.fluxdb.engine.mysql.frontend;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Bounds how many lines a kind of client misbehaviour may write to the log: at most one per
 * {@code intervalNanos}, with the number of those left out since the last one. Bad input from
 * clients is worth a line, but an attacker who can make the operator write one per connection can
 * fill the disk. Thread-safe.
 */
final class LogThrottle {
    private final long intervalNanos;
    private final AtomicLong nextAllowedNanos = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    LogThrottle(java.time.Duration interval) {
        this.intervalNanos = interval.toNanos();
    }

    /** Logs at INFO, without a stack trace, unless a line of this kind went out less than an interval ago. */
    void info(Logger log, String format, Object... args) {
        long now = System.nanoTime();
        long next = nextAllowedNanos.get();
        if ((next != Long.MIN_VALUE && now - next < 0) || !nextAllowedNanos.compareAndSet(next, now + intervalNanos)) {
            suppressed.incrementAndGet();
            return;
        }
        long skipped = suppressed.getAndSet(0);
        if (!log.isInfoEnabled()) {
            return;
        }
        String line = skipped == 0 ? format : format + " (and " + skipped + " more like it since the last such line)";
        log.info(line, args);
    }
}
