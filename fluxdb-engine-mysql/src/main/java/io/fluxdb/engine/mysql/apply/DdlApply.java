package io.fluxdb.engine.mysql.apply;

import io.fluxdb.engine.mysql.apply.AppliedLog.Claim;
import io.fluxdb.engine.mysql.apply.DdlIntents.Intent;
import io.fluxdb.engine.mysql.apply.StatementReplay.StatementFailure;
import io.fluxdb.engine.spi.ApplyResult;
import io.fluxdb.engine.spi.LogEntryContent;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies an {@code IMPLICIT_COMMIT} entry. The statement commits by itself, so its index cannot be recorded in its
 * transaction; instead:
 * <ol>
 *   <li>an intent row with the catalog fingerprint is committed ({@code fluxdb.ddl_intent});</li>
 *   <li>the statement runs;</li>
 *   <li>the index is recorded and the intent deleted, in one transaction.</li>
 * </ol>
 * Applying the entry again finds the intent when the process died between 1 and 3: a fingerprint that differs from the
 * one taken before means the statement took effect, so only the index is recorded; an unchanged one means it did not,
 * so it runs. An intent the leader marked {@code executed} (its own statement) is recorded without running. Entries
 * are applied alone (replication runs nothing else meanwhile), so nothing but the statement changes the catalog.
 */
final class DdlApply {
    private static final Logger log = LoggerFactory.getLogger(DdlApply.class);

    private final Applier applier;

    DdlApply(Applier applier) {
        this.applier = applier;
    }

    ApplyResult apply(long index, LogEntryContent entry) {
        Set<String> userVariables = new LinkedHashSet<>();
        ApplyPool.Lease lease;
        try {
            lease = applier.pool().lease(entry.session());
        } catch (SQLException e) {
            throw applier.unusable("applying entry " + index, e);
        }
        try {
            return apply(lease.connection(), index, entry, userVariables);
        } catch (SQLException e) {
            applier.pool().discard(lease);
            lease = null;
            throw applier.unusable("applying entry " + index, e);
        } finally {
            if (lease != null) {
                applier.pool().release(lease, SessionSetup.resetAssignments(entry.session(), userVariables));
            }
        }
    }

    private ApplyResult apply(Connection c, long index, LogEntryContent entry, Set<String> userVariables)
            throws SQLException {
        if (AppliedLog.isApplied(c, index)) {
            return new ApplyResult.AlreadyApplied(index);
        }
        String key = entry.originTransaction().orElse("log-" + index);
        Optional<Intent> intent = DdlIntents.find(c, key);
        if (intent.isPresent() && !tookNoEffect(c, intent.get())) {
            if (intent.get().state() == DdlIntents.State.STARTED) {
                log.info("entry={} - DDL {} took effect before the process stopped; recording it without running it"
                        + " again", index, key);
            }
            return record(c, index, key, Optional.empty()).orElse(new ApplyResult.AlreadyApplied(index));
        }
        if (intent.isEmpty()) {
            DdlIntents.start(c, key, Optional.of(index), CatalogFingerprint.compute(c));
        }
        CrashPoint.reach(CrashPoint.BEFORE_DDL);
        ApplyResult outcome;
        try {
            SessionSetup.restore(c, entry.session(), applier.serialLockWaitSeconds());
            outcome = new ApplyResult.Applied(index, StatementReplay.run(c, entry, userVariables));
        } catch (SQLException | StatementFailure e) {
            SQLException cause = e instanceof StatementFailure f ? f.sqlException() : (SQLException) e;
            if (SqlErrors.isConnectionLost(cause) || Applier.isResourceError(cause)) {
                throw cause;
            }
            int statement = e instanceof StatementFailure f ? f.statement() : 0;
            outcome = new ApplyResult.Failed(index, statement, cause.getErrorCode(), SqlErrors.sqlState(cause),
                    String.valueOf(cause.getMessage()));
        }
        CrashPoint.reach(CrashPoint.AFTER_DDL);
        Optional<Integer> error = outcome instanceof ApplyResult.Failed f ? Optional.of(f.errorCode()) : Optional.empty();
        return record(c, index, key, error).map(already -> (ApplyResult) already).orElse(outcome);
    }

    /** Whether a statement with this intent certainly did not run: started, and the catalog is as before it. */
    private static boolean tookNoEffect(Connection c, Intent intent) throws SQLException {
        return intent.state() == DdlIntents.State.STARTED
                && Arrays.equals(intent.fingerprint(), CatalogFingerprint.compute(c));
    }

    /**
     * Records the index and deletes the intent in one transaction.
     *
     * @return {@link ApplyResult.AlreadyApplied} if the index was recorded meanwhile, else empty
     */
    private Optional<ApplyResult.AlreadyApplied> record(Connection c, long index, String key, Optional<Integer> error)
            throws SQLException {
        c.setAutoCommit(false);
        try {
            if (AppliedLog.claim(c, index, error, Optional.empty()) != Claim.NEW) {
                c.rollback();
                return Optional.of(new ApplyResult.AlreadyApplied(index));
            }
            DdlIntents.delete(c, key);
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
        applier.committed(index);
        return Optional.empty();
    }
}
