package io.fluxdb.engine.mysql.apply;

import static io.fluxdb.engine.mysql.apply.BookkeepingSchema.DDL_INTENT;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Rows of {@code fluxdb.ddl_intent}: a DDL statement this engine is about to run, or ran, keyed by the leader's
 * transaction id (or {@code log-<index>} for entries without one), with the catalog fingerprint taken before it. A row
 * lives from just before the statement until its log index is recorded, so after a crash its presence says that the
 * statement may have run.
 */
final class DdlIntents {

    /** Where a DDL statement stands. */
    enum State {
        /** The statement is about to run, or ran and the process died before it said so. */
        STARTED,
        /** The leader ran the statement; its entry is not applied yet. */
        EXECUTED,
        /** The leader ran the statement in an older term and its entry never came: this node differs from the log. */
        ORPHAN
    }

    /** One row. */
    record Intent(String key, Optional<Long> index, State state, byte[] fingerprint) {
    }

    private static final int DUPLICATE_KEY = 1062;

    private DdlIntents() {
    }

    static Optional<Intent> find(Connection c, String key) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "SELECT xid, idx, state, fingerprint FROM " + DDL_INTENT + " WHERE xid = ?")) {
            p.setString(1, key);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? Optional.of(intent(rs)) : Optional.empty();
            }
        }
    }

    static List<Intent> all(Connection c) throws SQLException {
        List<Intent> intents = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT xid, idx, state, fingerprint FROM " + DDL_INTENT);
                ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
                intents.add(intent(rs));
            }
        }
        return intents;
    }

    /**
     * Records, and commits, that the statement keyed {@code key} is about to run.
     *
     * @throws IllegalStateException if an intent with this key exists
     */
    static void start(Connection c, String key, Optional<Long> index, byte[] fingerprint) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "INSERT INTO " + DDL_INTENT + " (xid, idx, state, fingerprint) VALUES (?, ?, 'started', ?)")) {
            p.setString(1, key);
            if (index.isPresent()) {
                p.setLong(2, index.get());
            } else {
                p.setNull(2, Types.BIGINT);
            }
            p.setBytes(3, fingerprint);
            p.executeUpdate();
        } catch (SQLException e) {
            if (e.getErrorCode() == DUPLICATE_KEY) {
                throw new IllegalStateException("a DDL intent for '" + key + "' exists already", e);
            }
            throw e;
        }
    }

    /** Sets the state of the intent keyed {@code key}; returns whether there was one. */
    static boolean setState(Connection c, String key, State state) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE " + DDL_INTENT + " SET state = ? WHERE xid = ?")) {
            p.setString(1, state.name().toLowerCase(Locale.ROOT));
            p.setString(2, key);
            return p.executeUpdate() > 0;
        }
    }

    /** Deletes the intent keyed {@code key}, in the connection's transaction. */
    static void delete(Connection c, String key) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("DELETE FROM " + DDL_INTENT + " WHERE xid = ?")) {
            p.setString(1, key);
            p.executeUpdate();
        }
    }

    private static Intent intent(ResultSet rs) throws SQLException {
        long idx = rs.getLong(2);
        Optional<Long> index = rs.wasNull() ? Optional.empty() : Optional.of(idx);
        return new Intent(rs.getString(1), index, State.valueOf(rs.getString(3).toUpperCase(Locale.ROOT)),
                rs.getBytes(4));
    }
}
