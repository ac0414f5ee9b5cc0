package io.fluxdb.engine.mysql.apply;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * Which cluster's log this engine applies ({@code fluxdb.cluster_identity}), so that an engine moved under another
 * cluster's node is recognised, and the reset of the apply state when it is.
 */
final class ClusterIdentity {
    static final String TABLE = "fluxdb.cluster_identity";

    private ClusterIdentity() {
    }

    static Optional<String> read(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT cluster_id FROM " + TABLE + " WHERE id = 1")) {
            return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
        }
    }

    static void write(Connection c, String clusterId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("REPLACE INTO " + TABLE + " (id, cluster_id) VALUES (1, ?)")) {
            p.setString(1, clusterId);
            p.executeUpdate();
        }
    }

    /** Forgets every applied index, as in a new engine: the floor goes back to 0. */
    static void forgetApplied(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String table : BookkeepingSchema.APPLY_STATE) {
                s.execute(table.equals(BookkeepingSchema.APPLIED_FLOOR)
                        ? "UPDATE " + table + " SET idx = 0 WHERE id = 1" : "DELETE FROM " + table);
            }
        }
    }
}
