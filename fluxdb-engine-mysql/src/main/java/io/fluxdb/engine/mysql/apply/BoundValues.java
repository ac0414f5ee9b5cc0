package io.fluxdb.engine.mysql.apply;

import io.fluxdb.engine.spi.BoundValue;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDate;

/**
 * Binds {@link BoundValue}s to server-side prepared statements (the binary protocol), so that each value reaches the
 * engine with its type: a DOUBLE stays a DOUBLE (as text it would become a DECIMAL literal), a DECIMAL keeps its
 * digits, bytes stay binary. Dates that {@code java.time} cannot hold (zero dates, February 30 under
 * ALLOW_INVALID_DATES) and negative times are bound as their text, which the engine converts exactly as it does such
 * literals into columns; a user variable assigned from one holds a string.
 */
final class BoundValues {
    private BoundValues() {
    }

    static void bind(PreparedStatement p, int position, BoundValue value) throws SQLException {
        switch (value) {
            case BoundValue.Null ignored -> p.setNull(position, Types.NULL);
            case BoundValue.Int v -> p.setLong(position, v.value());
            // Above 2^63 - 1 the driver has no unsigned BIGINT type: the exact value travels as a DECIMAL.
            case BoundValue.UnsignedInt v -> {
                if (v.bits() >= 0) {
                    p.setLong(position, v.bits());
                } else {
                    p.setBigDecimal(position, new BigDecimal(v.toBigInteger()));
                }
            }
            case BoundValue.Real v -> p.setDouble(position, v.value());
            case BoundValue.Decimal v -> p.setBigDecimal(position, v.toBigDecimal());
            case BoundValue.Text v -> p.setString(position, v.value());
            case BoundValue.Bytes v -> p.setBytes(position, v.value());
            case BoundValue.Date v -> {
                LocalDate date = localDate(v.year(), v.month(), v.day());
                if (date != null) {
                    p.setObject(position, date);
                } else {
                    p.setString(position, dateText(v.year(), v.month(), v.day()));
                }
            }
            case BoundValue.DateTime v -> {
                LocalDate date = localDate(v.year(), v.month(), v.day());
                if (date != null) {
                    p.setObject(position, date.atTime(v.hour(), v.minute(), v.second(), v.micros() * 1000));
                } else {
                    p.setString(position, dateText(v.year(), v.month(), v.day())
                            + String.format(" %02d:%02d:%02d.%06d", v.hour(), v.minute(), v.second(), v.micros()));
                }
            }
            // Connector/J sends a negative Duration as 00:00:00, so negative times travel as their text.
            case BoundValue.Time v -> {
                if (v.negative()) {
                    p.setString(position, String.format("-%d:%02d:%02d.%06d", v.hours(), v.minute(), v.second(),
                            v.micros()));
                } else {
                    p.setObject(position, Duration.ofHours(v.hours()).plusMinutes(v.minute()).plusSeconds(v.second())
                            .plusNanos(v.micros() * 1000L));
                }
            }
        }
    }

    private static LocalDate localDate(int year, int month, int day) {
        if (month == 0 || day == 0) {
            return null;
        }
        try {
            return LocalDate.of(year, month, day);
        } catch (DateTimeException e) {
            return null; // e.g. 2024-02-30, which only ALLOW_INVALID_DATES accepts: bound as text instead
        }
    }

    private static String dateText(int year, int month, int day) {
        return String.format("%04d-%02d-%02d", year, month, day);
    }
}
