package io.fluxdb.engine.mysql.apply;

import static io.fluxdb.engine.mysql.apply.BookkeepingSchema.APPLIED_FLOOR;
import static io.fluxdb.engine.mysql.apply.BookkeepingSchema.APPLIED_LOG;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which log indexes this engine applied: {@code fluxdb.applied_floor} says every index up to its value is applied,
 * and {@code fluxdb.applied_log} holds the indexes above it, one row each. A new index is inserted first in the
 * transaction that applies its entry, so the primary key makes apply exactly-once. Pruning moves the floor up to the
 * contiguous watermark and deletes the rows below it, so the table holds only recent entries however long the log.
 */
final class AppliedLog {

    /** What {@link #claim} found. */
    enum Claim {
        /** The index is new and now inserted in the open transaction: run the entry. */
        NEW,
        /** The index was applied before: roll back and run nothing. */
        APPLIED_BEFORE,
        /** This engine committed the entry's transaction as leader: the index is inserted, nothing else to run. */
        LEADER_COMMITTED
    }

    private static final int DUPLICATE_KEY = 1062;
    private static final int PRUNE_BATCH = 10_000;

    private AppliedLog() {
    }

    /**
     * Inserts {@code idx} in the connection's open transaction, unless it is applied already. With {@code xid}, also
     * looks for it in {@code fluxdb.leader_commits} and consumes the row when found.
     *
     * <p>Order matters: the insert comes first, and the reads after it take the transaction's snapshot. A concurrent
     * prune either has not deleted the row yet (the insert collides) or has committed its higher floor before the
     * snapshot (the floor check sees it), so an index is never applied twice.
     *
     * @param errorCode the engine error of a failed entry, recorded for diagnosis; empty when it applied
     */
    static Claim claim(Connection c, long idx, Optional<Integer> errorCode, Optional<String> xid) throws SQLException {
        if (!insertIndex(c, idx, errorCode)) {
            return Claim.APPLIED_BEFORE;
        }
        String sql = "SELECT (SELECT idx FROM " + APPLIED_FLOOR + " WHERE id = 1)"
                + (xid.isPresent() ? ", (SELECT COUNT(*) FROM " + LeaderCommits.TABLE + " WHERE xid = ?)" : "");
        boolean leaderCommitted;
        try (PreparedStatement check = c.prepareStatement(sql)) {
            if (xid.isPresent()) {
                check.setString(1, xid.get());
            }
            try (ResultSet rs = check.executeQuery()) {
                rs.next();
                if (rs.getLong(1) >= idx) {
                    return Claim.APPLIED_BEFORE;
                }
                leaderCommitted = xid.isPresent() && rs.getLong(2) > 0;
            }
        }
        if (!leaderCommitted) {
            return Claim.NEW;
        }
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM " + LeaderCommits.TABLE + " WHERE xid = ?")) {
            delete.setString(1, xid.get());
            delete.executeUpdate();
        }
        return Claim.LEADER_COMMITTED;
    }

    /**
     * {@link #claim} for an entry whose transaction this node's front end says it committed here ({@code xid}'s
     * {@code leader_commits} row committed with it): the row is deleted first, and only when there is none does the
     * floor decide between applied before and new. One statement fewer than {@link #claim} when the front end is
     * right, which is always but for a crash between its commit and this apply. Same ordering argument as there: the
     * insert comes first, the delete reads the latest committed rows, and the floor is read after both.
     *
     * <p>The delete waits at most a second for the row's lock: were the transaction only prepared after all (an
     * engine that lost the commit in a crash), its lock would hold the delete for the whole lock wait, apply after
     * apply. It then throws with error 1205, and the caller takes the path that commits prepared transactions.
     */
    static Claim claimCommittedHere(Connection c, long idx, String xid) throws SQLException {
        if (!insertIndex(c, idx, Optional.empty())) {
            return Claim.APPLIED_BEFORE;
        }
        try (PreparedStatement delete = c.prepareStatement("SET STATEMENT innodb_lock_wait_timeout = 1 FOR DELETE FROM "
                + LeaderCommits.TABLE + " WHERE xid = ?")) {
            delete.setString(1, xid);
            if (delete.executeUpdate() > 0) {
                return Claim.LEADER_COMMITTED;
            }
        }
        try (PreparedStatement floor = c.prepareStatement("SELECT idx FROM " + APPLIED_FLOOR + " WHERE id = 1");
                ResultSet rs = floor.executeQuery()) {
            return rs.next() && rs.getLong(1) >= idx ? Claim.APPLIED_BEFORE : Claim.NEW;
        }
    }

    /** Inserts {@code idx} in the open transaction; false when it is recorded already (a duplicate key). */
    private static boolean insertIndex(Connection c, long idx, Optional<Integer> errorCode) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO " + APPLIED_LOG + " (idx, error_code) VALUES (?, ?)")) {
            insert.setLong(1, idx);
            if (errorCode.isPresent()) {
                insert.setInt(2, Math.min(errorCode.get(), 65535));
            } else {
                insert.setNull(2, Types.SMALLINT);
            }
            insert.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (e.getErrorCode() == DUPLICATE_KEY) {
                return false;
            }
            throw e;
        }
    }

    /** Whether {@code idx} is recorded as applied (a plain read, for the serial DDL path). */
    static boolean isApplied(Connection c, long idx) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT (SELECT idx FROM " + APPLIED_FLOOR + " WHERE id = 1) >= ?"
                + " OR EXISTS (SELECT 1 FROM " + APPLIED_LOG + " WHERE idx = ?)")) {
            s.setLong(1, idx);
            s.setLong(2, idx);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** Reads the floor and the recorded indexes above it into {@code watermark}. */
    static void load(Connection c, Watermark watermark) throws SQLException {
        long floor;
        try (PreparedStatement s = c.prepareStatement("SELECT idx FROM " + APPLIED_FLOOR + " WHERE id = 1");
                ResultSet rs = s.executeQuery()) {
            floor = rs.next() ? rs.getLong(1) : 0;
        }
        List<Long> recorded = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT idx FROM " + APPLIED_LOG + " WHERE idx > ? ORDER BY idx")) {
            s.setLong(1, floor);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    recorded.add(rs.getLong(1));
                }
            }
        }
        watermark.reset(floor, recorded);
    }

    /** Raises the floor to {@code upTo} (every index up to it applied) and commits; rows stay for the next prune. */
    static void raiseFloor(Connection c, long upTo) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(true);
        try {
            updateFloor(c, upTo);
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    private static void updateFloor(Connection c, long upTo) throws SQLException {
        try (PreparedStatement raise = c.prepareStatement(
                "UPDATE " + APPLIED_FLOOR + " SET idx = GREATEST(idx, ?) WHERE id = 1")) {
            raise.setLong(1, upTo);
            raise.executeUpdate();
        }
    }

    /**
     * Raises the floor to {@code upTo} and deletes the rows at or below it. {@code upTo} must be a contiguous
     * watermark: every index up to it committed. The floor is committed first, so an index whose row is gone is
     * always below the floor. Runs in READ COMMITTED so that the deletes take no gap locks, which would block the
     * inserts of entries being applied.
     *
     * @return the rows deleted
     */
    static long prune(Connection c, long upTo) throws SQLException {
        c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        c.setAutoCommit(false);
        try {
            updateFloor(c, upTo);
            c.commit();
            long deleted = 0;
            try (PreparedStatement delete = c.prepareStatement(
                    "DELETE FROM " + APPLIED_LOG + " WHERE idx <= ? ORDER BY idx LIMIT " + PRUNE_BATCH)) {
                delete.setLong(1, upTo);
                int n;
                do {
                    n = delete.executeUpdate();
                    c.commit();
                    deleted += n;
                } while (n == PRUNE_BATCH);
            }
            return deleted;
        } catch (SQLException e) {
            c.rollback();
            throw e;
        }
    }
}
