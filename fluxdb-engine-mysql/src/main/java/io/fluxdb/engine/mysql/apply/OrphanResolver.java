package io.fluxdb.engine.mysql.apply;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles what this node's front end left behind in terms before a given one, when the log delivered no entry for it:
 * prepared XA transactions are rolled back (their locks are released), and DDL statements that ran are reported as
 * differences between this node and the log, since they cannot be undone. A DDL intent still {@code started} whose
 * catalog fingerprint is unchanged never ran and is forgotten.
 */
final class OrphanResolver {
    private static final Logger log = LoggerFactory.getLogger(OrphanResolver.class);

    private final Connection c;
    private final String localNodeId;
    private final long term;
    private final Duration wait;
    private final List<String> differences = new ArrayList<>();

    OrphanResolver(Connection c, String localNodeId, long term, Duration wait) {
        this.c = c;
        this.localNodeId = localNodeId;
        this.term = term;
        this.wait = wait;
    }

    List<String> resolve() throws SQLException {
        for (String xid : PreparedTransactions.list(c)) {
            if (isOlderLocal(xid)) {
                rollBack(xid);
            }
        }
        byte[] now = null;
        for (DdlIntents.Intent intent : DdlIntents.all(c)) {
            if (!isOlderLocal(intent.key())) {
                continue;
            }
            if (intent.state() == DdlIntents.State.STARTED) {
                now = now != null ? now : CatalogFingerprint.compute(c);
                if (Arrays.equals(now, intent.fingerprint())) {
                    log.info("apply - DDL {} of an older term never ran; forgetting its intent", intent.key());
                    DdlIntents.delete(c, intent.key());
                    continue;
                }
            }
            differences.add("DDL statement " + intent.key() + " ran on this node (" + intent.state().name()
                    .toLowerCase(Locale.ROOT) + ") but its log entry was never committed: this node's"
                    + " schema or accounts differ from the log's");
            DdlIntents.setState(c, intent.key(), DdlIntents.State.ORPHAN);
        }
        return differences;
    }

    private boolean isOlderLocal(String xid) {
        return TransactionIds.parse(xid).filter(id -> id.nodeId().equals(localNodeId) && id.term() < term)
                .isPresent();
    }

    private void rollBack(String xid) throws SQLException {
        try {
            if (PreparedTransactions.finish(c, xid, false, wait) == PreparedTransactions.Outcome.FINISHED) {
                log.info("apply - rolled back prepared transaction {}: its entry was never committed", xid);
            }
        } catch (SQLException e) {
            if (SqlErrors.isConnectionLost(e)) {
                throw e;
            }
            differences.add("prepared transaction " + xid + " could not be rolled back: " + e.getMessage());
        }
    }
}
