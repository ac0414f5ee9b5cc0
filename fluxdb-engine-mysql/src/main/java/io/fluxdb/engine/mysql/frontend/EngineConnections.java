package io.fluxdb.engine.mysql.frontend;

import io.fluxdb.engine.mysql.backend.CharsetSwitch;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * What the backend pool learns from the engine at start: how many connections it may hold, and the
 * collations a reused connection can switch to.
 */
final class EngineConnections {
    private EngineConnections() {}

    /**
     * The pool's bound when none is configured: the engine's {@code max_connections} less a reserve for
     * the operator's own connections (accounts, replication) and for an administrator who logs in to the
     * engine directly, at least 10 or a tenth of the limit.
     */
    static int defaultBound(DataSource admin) throws SQLException {
        int max;
        try (Connection c = admin.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT @@GLOBAL.max_connections")) {
            rs.next();
            max = rs.getInt(1);
        }
        return boundFor(max);
    }

    static int boundFor(int engineMaxConnections) {
        int reserve = Math.max(10, engineMaxConnections / 10);
        return Math.max(1, engineMaxConnections - reserve);
    }

    /** The engine's collations, for {@code SET NAMES} on reuse. */
    static CharsetSwitch charsets(DataSource admin) throws SQLException {
        Map<Integer, String[]> collations = new HashMap<>();
        try (Connection c = admin.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT ID, COLLATION_NAME, CHARACTER_SET_NAME FROM information_schema.COLLATIONS")) {
            while (rs.next()) {
                collations.put(rs.getInt(1), new String[] {rs.getString(2), rs.getString(3)});
            }
        }
        return CharsetSwitch.of(collations);
    }
}
