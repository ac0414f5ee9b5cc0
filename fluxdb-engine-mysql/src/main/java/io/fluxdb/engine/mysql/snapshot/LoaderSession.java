package io.fluxdb.engine.mysql.snapshot;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.OptionalInt;

/**
 * One of a load's engine connections, set up as every loader connection is (foreign key and unique checks off, NAMES
 * utf8mb4, READ COMMITTED, the dump's sql_mode and time zone), remembering its session so a setting is sent only when it changes.
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
                // no gap locks: batches inserting into one table at once then block each other less
                s.execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
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

    /**
     * The engine host's processor count as the engine saw it at start: MariaDB's {@code thread_pool_size} defaults to
     * it (an engine configured otherwise gives its setting); empty where the variable does not exist.
     */
    OptionalInt engineProcessors() {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT @@GLOBAL.thread_pool_size")) {
            return rs.next() ? OptionalInt.of(rs.getInt(1)) : OptionalInt.empty();
        } catch (SQLException e) {
            return OptionalInt.empty(); // MySQL, or a build without the thread pool
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
