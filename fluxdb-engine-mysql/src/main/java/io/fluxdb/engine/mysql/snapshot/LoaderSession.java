package io.fluxdb.engine.mysql.snapshot;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * One of a load's engine connections, set up as every loader connection is (foreign key and unique checks off, NAMES
 * utf8mb4, the dump's sql_mode and time zone), remembering its session so a setting is sent only when it changes.
 */
final class LoaderSession implements AutoCloseable {
    private final Connection c;
    private String sqlMode;
    private String timeZone;
    private String schema = "";

    private LoaderSession(Connection c) {
        this.c = c;
    }

    /** Opens a connection with {@code connector} and sets it up for loading; closes it if that fails. */
    static LoaderSession open(AdminConnector connector) throws SQLException {
        Connection c = connector.open();
        try {
            LoaderSession session = new LoaderSession(c);
            session.use("", DumpFormat.SQL_MODE, DumpFormat.TIME_ZONE);
            try (Statement s = c.createStatement()) {
                s.execute("SET SESSION foreign_key_checks = 0, unique_checks = 0, NAMES utf8mb4");
            }
            return session;
        } catch (SQLException | RuntimeException e) {
            try {
                c.close();
            } catch (SQLException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** Sets the session's sql_mode and time zone, and its default schema unless {@code database} is empty. */
    void use(String database, String mode, String zone) throws SQLException {
        try (Statement s = c.createStatement()) {
            if (!mode.equals(sqlMode)) {
                s.execute("SET SESSION sql_mode = " + DumpFormat.literal(mode));
                sqlMode = mode;
            }
            if (!zone.equals(timeZone)) {
                s.execute("SET SESSION time_zone = " + DumpFormat.literal(zone));
                timeZone = zone;
            }
        }
        if (!database.isEmpty() && !database.equals(schema)) {
            c.setCatalog(database);
            schema = database;
        }
    }

    Connection connection() {
        return c;
    }

    @Override
    public void close() throws SQLException {
        c.close();
    }
}
