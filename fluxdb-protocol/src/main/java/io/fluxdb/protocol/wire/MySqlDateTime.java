package io.fluxdb.protocol.wire;

import java.time.LocalDate;
import java.time.LocalDateTime;

/**
 * A DATE, DATETIME or TIMESTAMP value exactly as MySQL stores it. Unlike {@link LocalDateTime} it
 * can hold the zero date {@code 0000-00-00 00:00:00} and dates with a zero month or day, which MySQL
 * accepts outside strict mode and which must survive a round trip through the proxy.
 *
 * @see <a href="https://mariadb.com/kb/en/resultset-row/#date-binary-encoding">Date binary encoding</a>
 */
public record MySqlDateTime(int year, int month, int day, int hour, int minute, int second, int micros) {
    /** The zero date, {@code 0000-00-00 00:00:00}. */
    public static final MySqlDateTime ZERO = new MySqlDateTime(0, 0, 0, 0, 0, 0, 0);

    public MySqlDateTime {
        check("year", year, 0, 9999);
        check("month", month, 0, 12);
        check("day", day, 0, 31);
        check("hour", hour, 0, 23);
        check("minute", minute, 0, 59);
        check("second", second, 0, 59);
        check("micros", micros, 0, 999_999);
    }

    /** A date with a zero time of day. */
    public static MySqlDateTime ofDate(int year, int month, int day) {
        return new MySqlDateTime(year, month, day, 0, 0, 0, 0);
    }

    public static MySqlDateTime of(LocalDateTime t) {
        return new MySqlDateTime(t.getYear(), t.getMonthValue(), t.getDayOfMonth(),
                t.getHour(), t.getMinute(), t.getSecond(), t.getNano() / 1000);
    }

    public static MySqlDateTime of(LocalDate d) {
        return ofDate(d.getYear(), d.getMonthValue(), d.getDayOfMonth());
    }

    public boolean isZero() {
        return equals(ZERO);
    }

    /** True if the value has no time-of-day part (it can be sent as a 4-byte binary date). */
    public boolean isDateOnly() {
        return hour == 0 && minute == 0 && second == 0 && micros == 0;
    }

    /** This value as a {@link LocalDateTime}; throws for zero dates and other values Java cannot represent. */
    public LocalDateTime toLocalDateTime() {
        return LocalDateTime.of(year, month, day, hour, minute, second, micros * 1000);
    }

    static void check(String what, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(what + ": " + value + " (expected: " + min + ".." + max + ")");
        }
    }
}
