package io.fluxdb.engine.mysql.apply;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

/** Sorts engine errors met during apply into outcomes, schedule artefacts and an unusable engine. */
final class SqlErrors {
    static final int LOCK_WAIT_TIMEOUT = 1205;
    static final int DEADLOCK = 1213;
    static final int XAER_NOTA = 1397;

    private SqlErrors() {
    }

    /** A lock wait or deadlock: the entry ran into another transaction's locks, not into its own mistake. */
    static boolean isConflict(SQLException e) {
        return e.getErrorCode() == LOCK_WAIT_TIMEOUT || e.getErrorCode() == DEADLOCK;
    }

    /**
     * The connection is gone or the pool has none (SQLSTATE class 08, or the driver's connection exceptions): nothing
     * can be said about the outcome, and the caller must stop.
     */
    static boolean isConnectionLost(SQLException e) {
        String state = e.getSQLState();
        return e instanceof SQLNonTransientConnectionException || e instanceof SQLTransientConnectionException
                || (state != null && state.startsWith("08"));
    }

    /** The SQLSTATE to report, {@code HY000} when the driver gave none or a malformed one. */
    static String sqlState(SQLException e) {
        String state = e.getSQLState();
        return state != null && state.length() == 5 ? state : "HY000";
    }
}
