package io.fluxdb.engine.mysql.apply;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** SQL text pieces whose meaning does not depend on {@code sql_mode} (ANSI_QUOTES, NO_BACKSLASH_ESCAPES). */
public final class Sql {
    private Sql() {
    }

    /** A back-quoted identifier. */
    public static String identifier(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    /** A hex string literal of {@code text}'s UTF-8 bytes, e.g. for XA ids. */
    static String hexLiteral(String text) {
        return "X'" + HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8)) + "'";
    }

    /** Microseconds since the epoch as the decimal seconds {@code SET timestamp} takes, e.g. {@code 1.000001}. */
    static String seconds(long micros) {
        return micros / 1_000_000 + "." + String.format("%06d", micros % 1_000_000);
    }
}
