package io.fluxdb.engine.mysql.apply;

import io.fluxdb.engine.mysql.apply.AppliedLog.Claim;
import io.fluxdb.engine.spi.ApplyResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Applies a CHECKSUM entry: in one transaction, the checksum of every user table (see {@link TableChecksums}) goes to
 * {@code fluxdb.checksums} together with the entry's index in {@code fluxdb.applied_log}. The entry is applied alone,
 * so the checksums describe exactly the entries before it, on every node; comparing the rows of one index across
 * nodes compares their data. The checksums of the last {@link #KEPT} such entries are kept.
 */
final class ChecksumRecord {
    static final String TABLE = "fluxdb.checksums";
    static final int KEPT = 100;

    private ChecksumRecord() {
    }

    static ApplyResult apply(Connection c, long index) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute(TableChecksums.SESSION_SETUP);
            s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
            try {
                if (AppliedLog.claim(c, index, Optional.empty(), Optional.empty()) != Claim.NEW) {
                    s.execute("ROLLBACK");
                    return new ApplyResult.AlreadyApplied(index);
                }
                Map<String, String> tables = TableChecksums.inTransaction(s);
                try (PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO " + TABLE + " (idx, table_name, checksum) VALUES (?, ?, ?)")) {
                    for (Map.Entry<String, String> table : tables.entrySet()) {
                        insert.setLong(1, index);
                        insert.setString(2, table.getKey());
                        insert.setString(3, table.getValue());
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
                s.executeUpdate("DELETE FROM " + TABLE + " WHERE idx < (SELECT COALESCE(MIN(idx), 0) FROM"
                        + " (SELECT DISTINCT idx FROM " + TABLE + " ORDER BY idx DESC LIMIT " + KEPT + ") AS recent)");
                s.execute("COMMIT");
                return new ApplyResult.Applied(index, List.of((long) tables.size()));
            } catch (SQLException | RuntimeException e) {
                s.execute("ROLLBACK");
                throw e;
            }
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }
}
