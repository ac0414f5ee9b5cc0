package io.fluxdb.replication.log;

import io.fluxdb.engine.spi.BoundValue;

/** One {@link BoundValue} as a tag byte and its fields; see docs/design/log-format.md. */
final class BoundValueCodec {
    static final int NULL = 0;
    static final int INT = 1;
    static final int UNSIGNED_INT = 2;
    static final int REAL = 3;
    static final int DECIMAL = 4;
    static final int TEXT = 5;
    static final int BYTES = 6;
    static final int DATE = 7;
    static final int DATE_TIME = 8;
    static final int TIME = 9;

    private BoundValueCodec() {
    }

    static void write(EntryWriter out, BoundValue value) {
        switch (value) {
            case BoundValue.Null n -> out.u8(NULL);
            case BoundValue.Int v -> {
                out.u8(INT);
                out.i64(v.value());
            }
            case BoundValue.UnsignedInt v -> {
                out.u8(UNSIGNED_INT);
                out.i64(v.bits());
            }
            case BoundValue.Real v -> {
                out.u8(REAL);
                // raw bits: NaN payloads and -0.0 survive the round trip
                out.i64(Double.doubleToRawLongBits(v.value()));
            }
            case BoundValue.Decimal v -> {
                out.u8(DECIMAL);
                out.string(v.text());
            }
            case BoundValue.Text v -> {
                out.u8(TEXT);
                out.string(v.value());
            }
            case BoundValue.Bytes v -> {
                out.u8(BYTES);
                out.bytes(v.value());
            }
            case BoundValue.Date v -> {
                out.u8(DATE);
                writeDate(out, v.year(), v.month(), v.day());
            }
            case BoundValue.DateTime v -> {
                out.u8(DATE_TIME);
                writeDate(out, v.year(), v.month(), v.day());
                writeClock(out, v.hour(), v.minute(), v.second(), v.micros());
            }
            case BoundValue.Time v -> {
                out.u8(TIME);
                out.bool(v.negative());
                writeClock(out, v.hours(), v.minute(), v.second(), v.micros());
            }
        }
    }

    static BoundValue read(EntryReader in, String field) {
        int tag = in.u8(field + " tag");
        return switch (tag) {
            case NULL -> BoundValue.Null.INSTANCE;
            case INT -> new BoundValue.Int(in.i64(field));
            case UNSIGNED_INT -> new BoundValue.UnsignedInt(in.i64(field));
            case REAL -> new BoundValue.Real(Double.longBitsToDouble(in.i64(field)));
            case DECIMAL -> new BoundValue.Decimal(in.string(field));
            case TEXT -> new BoundValue.Text(in.string(field));
            case BYTES -> new BoundValue.Bytes(in.bytes(field));
            case DATE -> new BoundValue.Date(in.u16(field + " year"), in.u8(field + " month"), in.u8(field + " day"));
            case DATE_TIME -> new BoundValue.DateTime(in.u16(field + " year"), in.u8(field + " month"),
                    in.u8(field + " day"), (int) in.u32(field + " hour"), in.u8(field + " minute"),
                    in.u8(field + " second"), (int) in.u32(field + " micros"));
            case TIME -> new BoundValue.Time(in.bool(field + " negative"), hours(in, field), in.u8(field + " minute"),
                    in.u8(field + " second"), (int) in.u32(field + " micros"));
            default -> throw in.corrupt(field + " tag: " + tag + " (expected: 0-9)");
        };
    }

    private static int hours(EntryReader in, String field) {
        long hours = in.u32(field + " hours");
        if (hours > Integer.MAX_VALUE) {
            throw in.corrupt(field + " hours: " + hours + " (expected: <= " + Integer.MAX_VALUE + ")");
        }
        return (int) hours;
    }

    private static void writeDate(EntryWriter out, int year, int month, int day) {
        out.u16(year);
        out.u8(month);
        out.u8(day);
    }

    private static void writeClock(EntryWriter out, int hours, int minute, int second, int micros) {
        out.u32(hours);
        out.u8(minute);
        out.u8(second);
        out.u32(micros);
    }
}
