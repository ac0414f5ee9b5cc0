package io.fluxdb.protocol.wire;

import java.time.Duration;

/**
 * A TIME value as the binary protocol carries it: a signed interval of days, hours, minutes,
 * seconds and microseconds. MySQL's TIME ranges over -838:59:59.999999..838:59:59.999999, so it
 * can be negative and exceed 24 hours, which {@link java.time.LocalTime} cannot represent.
 *
 * @see <a href="https://mariadb.com/kb/en/resultset-row/#time-binary-encoding">Time binary encoding</a>
 */
public record MySqlTime(boolean negative, long days, int hours, int minutes, int seconds, int micros) {
    public static final MySqlTime ZERO = new MySqlTime(false, 0, 0, 0, 0, 0);

    public MySqlTime {
        if (days < 0 || days > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("days: " + days + " (expected: 0..4294967295)");
        }
        MySqlDateTime.check("hours", hours, 0, 23);
        MySqlDateTime.check("minutes", minutes, 0, 59);
        MySqlDateTime.check("seconds", seconds, 0, 59);
        MySqlDateTime.check("micros", micros, 0, 999_999);
    }

    /** Splits a duration into days, hours, minutes, seconds and microseconds (sub-microsecond nanos are dropped). */
    public static MySqlTime of(Duration d) {
        boolean negative = d.isNegative();
        Duration abs = d.abs();
        return new MySqlTime(negative, abs.toDays(), abs.toHoursPart(), abs.toMinutesPart(), abs.toSecondsPart(),
                abs.toNanosPart() / 1000);
    }

    public Duration toDuration() {
        Duration d = Duration.ofDays(days).plusHours(hours).plusMinutes(minutes).plusSeconds(seconds)
                .plusNanos(micros * 1000L);
        return negative ? d.negated() : d;
    }

    public boolean isZero() {
        return days == 0 && hours == 0 && minutes == 0 && seconds == 0 && micros == 0;
    }
}
