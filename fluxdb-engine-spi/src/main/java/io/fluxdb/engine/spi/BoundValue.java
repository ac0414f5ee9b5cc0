package io.fluxdb.engine.spi;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A value bound to a statement placeholder, carried in the log exactly as the client sent it. Date and time
 * values are kept as fields rather than {@code java.time} types because SQL engines accept values {@code java.time}
 * cannot hold (zero dates such as {@code 0000-00-00}, times beyond 24 hours).
 */
public sealed interface BoundValue {

    /** SQL NULL. */
    record Null() implements BoundValue {
        public static final Null INSTANCE = new Null();
    }

    /** A signed integer of up to 64 bits. */
    record Int(long value) implements BoundValue {
    }

    /** An unsigned integer of up to 64 bits, stored in the bits of a {@code long}. */
    record UnsignedInt(long bits) implements BoundValue {
        public BigInteger toBigInteger() {
            return new BigInteger(Long.toUnsignedString(bits));
        }
    }

    /** A binary floating-point value (FLOAT values are widened, which is exact). */
    record Real(double value) implements BoundValue {
    }

    /** An exact decimal, as its decimal text (e.g. {@code "-12.50"}), so no precision is lost. */
    record Decimal(String text) implements BoundValue {
        private static final Pattern SYNTAX = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

        public Decimal {
            requireNonNull(text, "text is null");
            if (!SYNTAX.matcher(text).matches()) {
                throw new IllegalArgumentException("text: '" + text + "' (expected: a decimal number)");
            }
        }

        public BigDecimal toBigDecimal() {
            return new BigDecimal(text);
        }
    }

    /** A character string. */
    record Text(String value) implements BoundValue {
        public Text {
            requireNonNull(value, "value is null");
        }
    }

    /** A byte string (BLOB, BINARY). The array is copied in and out, so the record is immutable. */
    record Bytes(byte[] value) implements BoundValue {
        public Bytes {
            requireNonNull(value, "value is null");
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bytes other && Arrays.equals(value, other.value);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "Bytes[" + (value.length <= 32 ? HexFormat.of().formatHex(value) : value.length + " bytes") + "]";
        }
    }

    /** A DATE; zero fields are allowed because engines accept zero dates. */
    record Date(int year, int month, int day) implements BoundValue {
        public Date {
            checkDate(year, month, day);
        }
    }

    /** A DATETIME or TIMESTAMP, with microseconds, in the session time zone. */
    record DateTime(int year, int month, int day, int hour, int minute, int second, int micros)
            implements BoundValue {
        public DateTime {
            checkDate(year, month, day);
            checkClock(hour, 23, minute, second, micros);
        }
    }

    /** A TIME, which is a signed duration and may exceed 24 hours. */
    record Time(boolean negative, int hours, int minute, int second, int micros) implements BoundValue {
        public Time {
            checkClock(hours, Integer.MAX_VALUE, minute, second, micros);
        }
    }

    private static void checkDate(int year, int month, int day) {
        if (year < 0 || year > 9999 || month < 0 || month > 12 || day < 0 || day > 31) {
            throw new IllegalArgumentException("date: " + year + "-" + month + "-" + day
                    + " (expected: year 0-9999, month 0-12, day 0-31)");
        }
    }

    private static void checkClock(int hour, int maxHour, int minute, int second, int micros) {
        if (hour < 0 || hour > maxHour || minute < 0 || minute > 59 || second < 0 || second > 59
                || micros < 0 || micros > 999_999) {
            throw new IllegalArgumentException("time: " + hour + ":" + minute + ":" + second + "." + micros
                    + " (expected: hour 0-" + maxHour + ", minute and second 0-59, micros 0-999999)");
        }
    }
}
