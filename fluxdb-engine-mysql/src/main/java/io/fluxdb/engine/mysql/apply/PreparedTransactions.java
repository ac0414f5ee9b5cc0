package io.fluxdb.engine.mysql.apply;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The XA transactions the engine holds prepared ({@code XA RECOVER}), and committing or rolling one back from another
 * connection. An XA transaction stays attached to the connection that prepared it until that connection ends; until
 * then other connections get XAER_NOTA for it, so both operations wait, up to a bound, for the owner to let go.
 */
final class PreparedTransactions {
    /** The format id MySQL gives an XA id written as a plain string. */
    private static final int PLAIN_FORMAT = 1;

    private PreparedTransactions() {
    }

    /** The global ids of the prepared transactions that have the plain format and no branch qualifier. */
    static List<String> list(Connection c) throws SQLException {
        List<String> xids = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("XA RECOVER")) {
            while (rs.next()) {
                int format = rs.getInt("formatID");
                int gtridLength = rs.getInt("gtrid_length");
                int bqualLength = rs.getInt("bqual_length");
                byte[] data = rs.getBytes("data");
                if (format == PLAIN_FORMAT && bqualLength == 0 && data != null && data.length >= gtridLength) {
                    xids.add(new String(Arrays.copyOf(data, gtridLength), StandardCharsets.UTF_8));
                }
            }
        }
        return xids;
    }

    /** What {@link #finish} did. */
    enum Outcome {
        /** The transaction was prepared here and is now committed or rolled back. */
        FINISHED,
        /** The engine holds no such prepared transaction. */
        NOT_PREPARED
    }

    /**
     * Commits or rolls back {@code xid} if the engine holds it prepared. Runs outside any transaction of {@code c}.
     *
     * @param wait how long to wait for another connection to let go of the transaction
     * @throws SQLException if the engine refuses, or the transaction is still held by another connection after
     *     {@code wait}
     */
    static Outcome finish(Connection c, String xid, boolean commit, Duration wait) throws SQLException {
        long deadline = System.nanoTime() + wait.toNanos();
        long pauseMillis = 1;
        while (true) {
            if (!list(c).contains(xid)) {
                return Outcome.NOT_PREPARED;
            }
            try (Statement s = c.createStatement()) {
                s.execute((commit ? "XA COMMIT " : "XA ROLLBACK ") + Sql.hexLiteral(xid));
                return Outcome.FINISHED;
            } catch (SQLException e) {
                if (e.getErrorCode() != SqlErrors.XAER_NOTA) {
                    throw e;
                }
                // Still attached to the connection that prepared it, or finished by it a moment ago: look again.
                if (System.nanoTime() > deadline) {
                    throw new SQLException("XA transaction '" + xid + "' is prepared but still held by another"
                            + " connection after " + wait.toMillis() + " ms", "HY000", e.getErrorCode(), e);
                }
            }
            sleep(pauseMillis);
            pauseMillis = Math.min(pauseMillis * 2, 100);
        }
    }

    private static void sleep(long millis) throws SQLException {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for a prepared XA transaction", "HY000", e);
        }
    }
}
