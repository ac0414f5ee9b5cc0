package io.fluxdb.engine.mysql.snapshot;

import static java.util.Objects.requireNonNull;

/**
 * One statement of a dump, with the session it must run in.
 *
 * @param kind {@link DumpFormat#PLAIN} or {@link DumpFormat#VIEW}
 * @param schema the default database to run it in, empty for none
 * @param sqlMode the {@code sql_mode} it must run with (routines and triggers keep the one they were created with)
 * @param timeZone the {@code time_zone} it must run with (events keep theirs)
 * @param sql the statement
 */
record DumpStatement(int kind, String schema, String sqlMode, String timeZone, String sql) {
    DumpStatement {
        requireNonNull(schema, "schema is null");
        requireNonNull(sqlMode, "sqlMode is null");
        requireNonNull(timeZone, "timeZone is null");
        requireNonNull(sql, "sql is null");
    }

    /** A statement to run in the dump's own session. */
    static DumpStatement plain(String schema, String sql) {
        return new DumpStatement(DumpFormat.PLAIN, schema, DumpFormat.SQL_MODE, DumpFormat.TIME_ZONE, sql);
    }
}
