package io.fluxdb.engine.mysql.apply;

import io.fluxdb.engine.spi.SessionContext;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Gives an apply connection the session a replicated transaction ran with on the leader, and takes it away again
 * before the connection goes back to the pool.
 *
 * <p>The statement text reaches the engine as Unicode: MariaDB Connector/J sends UTF-8 and closes the connection when
 * {@code character_set_client} or {@code character_set_results} becomes anything else. So {@code
 * character_set_client} is the session's only when it is a UTF-8 one (else {@code utf8mb4}), and {@code
 * character_set_results}, which shapes only what the client receives, is not restored. Literals still take the
 * session's {@code character_set_connection} and {@code collation_connection}, which are restored, so stored values
 * are the leader's.
 */
final class SessionSetup {

    /**
     * Session variables that apply sets itself (from the session's dedicated fields, from replay hints, or for its own
     * locking), so values for them among the session's other variables are not applied.
     */
    private static final Set<String> OWNED = Set.of("sql_mode", "time_zone", "character_set_client",
            "character_set_connection", "character_set_results", "collation_connection", "names",
            "foreign_key_checks", "unique_checks", "auto_increment_increment", "auto_increment_offset",
            "innodb_lock_wait_timeout", "autocommit", "timestamp", "insert_id", "last_insert_id", "rand_seed1",
            "rand_seed2");
    private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private static final String RESTORE = "sql_mode = ?, time_zone = ?, character_set_client = ?,"
            + " character_set_connection = ?, collation_connection = ?, foreign_key_checks = ?, unique_checks = ?,"
            + " auto_increment_increment = ?, auto_increment_offset = ?, innodb_lock_wait_timeout = ?";

    private SessionSetup() {
    }

    /**
     * Restores {@code session} on {@code c}, outside any transaction (some variables cannot change inside one).
     *
     * @param lockWaitSeconds the row-lock wait this apply allows, whatever the session had
     * @throws IllegalStateException if a variable name is not an identifier: the entry is corrupt
     */
    static void restore(Connection c, SessionContext session, long lockWaitSeconds) throws SQLException {
        restore(c, session, lockWaitSeconds, "", -1);
    }

    /**
     * Restores {@code session} on {@code c} as {@link #restore(Connection, SessionContext, long)} does, running
     * {@code pendingReset} (SET assignments, see {@link #resetAssignments}) first in the same statement, and pinning
     * the clock to {@code clockMicros} (microseconds since the epoch) unless it is -1.
     */
    static void restore(Connection c, SessionContext session, long lockWaitSeconds, String pendingReset,
            long clockMicros) throws SQLException {
        // The driver tracks the session's database from the engine's session-state notices, so asking costs no round
        // trip; consecutive entries of one schema then skip the USE.
        if (session.database().isPresent() && !session.database().get().equals(c.getCatalog())) {
            try (Statement s = c.createStatement()) {
                s.execute("USE " + Sql.identifier(session.database().get()));
            }
        }
        // One statement for all of it: the other variables are literals already, so the text changes only when their
        // values do and the prepared statement stays in the driver's cache.
        String others = otherVariables(session);
        // Assignments run left to right, so the session's own values win over the reset of the same variables.
        // The clock is a parameter: a literal would make every entry's text new to the driver's statement cache.
        String sql = "SET SESSION " + (pendingReset.isEmpty() ? "" : pendingReset + ", ") + RESTORE
                + (clockMicros < 0 ? "" : ", timestamp = ?") + (others.isEmpty() ? "" : ", " + others);
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, session.sqlMode());
            p.setString(2, session.timeZone());
            p.setString(3, session.characterSetClient().toLowerCase(Locale.ROOT).startsWith("utf8")
                    ? session.characterSetClient() : "utf8mb4");
            p.setString(4, session.characterSetConnection());
            p.setString(5, session.collationConnection());
            p.setInt(6, session.foreignKeyChecks() ? 1 : 0);
            p.setInt(7, session.uniqueChecks() ? 1 : 0);
            p.setInt(8, session.autoIncrementIncrement());
            p.setInt(9, session.autoIncrementOffset());
            p.setLong(10, lockWaitSeconds);
            if (clockMicros >= 0) {
                p.setBigDecimal(11, BigDecimal.valueOf(clockMicros, 6));
            }
            p.execute();
        }
    }

    /** The assignments of the session's other variables, comma separated; empty when there are none. */
    static String otherVariables(SessionContext session) {
        StringBuilder sql = new StringBuilder();
        for (Map.Entry<String, String> v : session.otherVariables().entrySet()) {
            String name = checkedName(v.getKey());
            if (OWNED.contains(name.toLowerCase(Locale.ROOT))) {
                continue;
            }
            sql.append(sql.isEmpty() ? "" : ", ").append(name).append(" = ").append(v.getValue());
        }
        return sql.toString();
    }

    /**
     * The SET assignments that undo what an entry left on the connection and a later entry does not overwrite: the
     * pinned clock, pending auto-increment values, the session's other variables and the user variables replay
     * assigned.
     */
    static String resetAssignments(SessionContext session, Collection<String> userVariables) {
        StringBuilder sql = new StringBuilder("timestamp = DEFAULT, insert_id = 0, last_insert_id = 0");
        for (String name : session.otherVariables().keySet()) {
            if (!OWNED.contains(name.toLowerCase(Locale.ROOT))) {
                sql.append(", ").append(checkedName(name)).append(" = DEFAULT");
            }
        }
        for (String name : userVariables) {
            sql.append(", @").append(Sql.identifier(name)).append(" = NULL");
        }
        return sql.toString();
    }

    private static String checkedName(String name) {
        if (!VARIABLE_NAME.matcher(name).matches()) {
            throw new IllegalStateException("corrupt log entry: session variable name '" + name
                    + "' is not an identifier");
        }
        return name;
    }
}
