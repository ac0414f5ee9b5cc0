package io.fluxdb.engine.mysql.snapshot;

/**
 * The MySQL engine's dump format: a header, then records, each a type byte and its fields. Integers are big-endian;
 * a string is a 4-byte length and UTF-8 bytes; a column value is a 4-byte length ({@code -1} for NULL) and the bytes
 * the engine sent for {@code CAST(column AS BINARY)}, so text keeps its column's own character set and binary values
 * pass unchanged. See docs/design/snapshots.md.
 *
 * <pre>
 * header     "FXDBDUMP" u8 version, string engine version, u32 bookkeeping schema version
 * STATEMENT  u8 kind, string schema ("" = none), string sql_mode, string time_zone, string sql
 * TABLE      string schema, string table, u16 n, n × string column   (rows of one table follow)
 * ROW        n × value
 * TABLE_END  u64 rows written for the table
 * END        u64 rows written in all                                 (a dump without it was cut short)
 * </pre>
 */
final class DumpFormat {
    static final byte[] MAGIC = {'F', 'X', 'D', 'B', 'D', 'U', 'M', 'P'};
    static final int VERSION = 1;

    static final int STATEMENT = 1;
    static final int TABLE = 2;
    static final int ROW = 3;
    static final int TABLE_END = 4;
    static final int END = 0x7F;

    /** A statement to run as it is. */
    static final int PLAIN = 0;
    /**
     * A view definition: views may name views that come later in the dump, so the loader runs one again once the
     * others exist when it fails for a missing table.
     */
    static final int VIEW = 1;

    /** The session every dump and load runs in: no ANSI_QUOTES (back-quoted identifiers), zero is a value. */
    static final String SQL_MODE = "NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION";
    /** TIMESTAMP columns are read and written as UTC, so they keep their instant whatever the engines' zones. */
    static final String TIME_ZONE = "+00:00";

    /** Schemas the engine or the operator own; never dumped as user data and never dropped by a load. */
    static final java.util.Set<String> SYSTEM_SCHEMAS =
            java.util.Set.of("mysql", "sys", "information_schema", "performance_schema", "fluxdb");

    private DumpFormat() {
    }

    /** The SQL list of {@link #SYSTEM_SCHEMAS}, for {@code NOT IN}. */
    static String systemSchemaList() {
        return "('mysql', 'sys', 'information_schema', 'performance_schema', 'fluxdb')";
    }

    /** A back-quoted identifier. */
    static String identifier(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    /** A single-quoted string literal that reads the same with and without NO_BACKSLASH_ESCAPES. */
    static String literal(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'";
    }
}
