package io.fluxdb.engine.mysql.apply;

import static java.util.Objects.requireNonNull;

/**
 * The row a leader writes inside each client transaction it commits through the log, so that the engine itself
 * remembers which of its XA transactions committed: apply then records the entry without running it again.
 */
public final class LeaderCommits {

    /** The table, created by {@code MySqlEngine.start()}; every user may insert into it on MariaDB 10.11+. */
    public static final String TABLE = "fluxdb.leader_commits";

    private LeaderCommits() {
    }

    /**
     * The statement that records {@code xid} as committed; run it inside the client's XA transaction, on the client's
     * connection, just before {@code XA END}.
     *
     * @throws IllegalArgumentException if {@code xid} is not an id {@link TransactionIds} wrote
     */
    public static String insertStatement(String xid) {
        requireNonNull(xid, "xid is null");
        if (TransactionIds.parse(xid).isEmpty()) {
            throw new IllegalArgumentException("xid: '" + xid + "' (expected: an id from TransactionIds)");
        }
        // Safe to inline: TransactionIds ids hold only letters, digits and . _ : - [ ].
        return "INSERT INTO " + TABLE + " (xid) VALUES ('" + xid + "')";
    }
}
