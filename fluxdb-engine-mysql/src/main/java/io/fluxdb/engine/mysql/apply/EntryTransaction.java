package io.fluxdb.engine.mysql.apply;

import io.fluxdb.engine.mysql.apply.AppliedLog.Claim;
import io.fluxdb.engine.mysql.apply.StatementReplay.StatementFailure;
import io.fluxdb.engine.spi.ApplyConflictException;
import io.fluxdb.engine.spi.ApplyResult;
import io.fluxdb.engine.spi.ApplyTransaction;
import io.fluxdb.engine.spi.LogEntryContent;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code TRANSACTION} entry applied as one engine transaction that also records its index.
 *
 * <p>An entry this node's leader ran itself (its {@code originTransaction} is prepared here or recorded in {@code
 * fluxdb.leader_commits}) is not run again: a prepared transaction is committed with {@code XA COMMIT}, then the index
 * is recorded together with the removal of the {@code leader_commits} row. The prepared list is read before the
 * {@code leader_commits} row: a transaction that commits between the two reads is then found by the second, never
 * missed by both.
 */
final class EntryTransaction implements ApplyTransaction {
    private static final Logger log = LoggerFactory.getLogger(EntryTransaction.class);

    /**
     * NEW: not executed; OPEN: executed, the transaction waits for commit; DONE: nothing left to commit; ABORTED:
     * execute threw, only close remains; CLOSED: the connection is released.
     */
    private enum State { NEW, OPEN, DONE, ABORTED, CLOSED }

    private final Applier applier;
    private final long index;
    private final LogEntryContent entry;
    private final long lockWaitSeconds;
    private final boolean conflictIsOutcome;
    private final boolean committedHere;
    private final Set<String> userVariables = new LinkedHashSet<>();
    private ApplyPool.Lease lease;
    /** The previous entry's session reset while it has not run on the connection (see ApplyPool). */
    private String unrunReset = "";
    /** Only recorded (see {@link #recordCommittedHere}): the session was not set up, so there is nothing to undo. */
    private boolean sessionUntouched;
    private State state = State.NEW;
    private ApplyResult result;

    /**
     * @param lockWaitSeconds how long a statement waits for a row lock
     * @param conflictIsOutcome record a lock wait timeout or deadlock as the entry's failure instead of throwing {@link
     *     ApplyConflictException}
     * @param committedHere this node's front end committed the entry's transaction in the engine: it is only recorded,
     *     unless the engine shows otherwise
     */
    EntryTransaction(Applier applier, long index, LogEntryContent entry, long lockWaitSeconds,
            boolean conflictIsOutcome, boolean committedHere) {
        this.applier = applier;
        this.index = index;
        this.entry = entry;
        this.lockWaitSeconds = lockWaitSeconds;
        this.conflictIsOutcome = conflictIsOutcome;
        this.committedHere = committedHere;
    }

    @Override
    public ApplyResult execute() {
        if (state != State.NEW) {
            throw new IllegalStateException("entry " + index + " was executed already");
        }
        state = State.ABORTED; // until an outcome is reached
        try {
            lease = applier.pool().leaseDeferringReset(entry.session());
            unrunReset = lease.pendingReset();
            Connection c = lease.connection();
            Optional<String> xid = entry.originTransaction();
            if (committedHere && xid.isPresent()) {
                ApplyResult recorded = recordCommittedHere(c, xid.get());
                if (recorded != null) {
                    return recorded;
                }
            }
            if (xid.isPresent() && TransactionIds.parse(xid.get()).isPresent() && applier.mayHoldPrepared()) {
                // Commits it if this engine holds it prepared; the leader_commits row it wrote is then visible below.
                PreparedTransactions.finish(c, xid.get(), true, applier.options().preparedWait());
            }
            // Outside the transaction: some session variables cannot change inside one. A failure counts only if
            // the statements have to run, which the claim below decides.
            SQLException restoreFailure = null;
            try {
                // The first statement's clock too: one statement fewer than pinning it in replay.
                SessionSetup.restore(c, entry.session(), lockWaitSeconds, unrunReset,
                        StatementReplay.firstClock(entry));
                unrunReset = "";
            } catch (SQLException e) {
                restoreFailure = e;
            }
            c.setAutoCommit(false);
            Claim claim = AppliedLog.claim(c, index, Optional.empty(), xid);
            if (claim == Claim.APPLIED_BEFORE) {
                c.rollback();
                state = State.DONE;
                return result = new ApplyResult.AlreadyApplied(index);
            }
            if (claim == Claim.LEADER_COMMITTED) {
                state = State.OPEN;
                return result = new ApplyResult.AlreadyApplied(index);
            }
            if (restoreFailure != null) {
                return fail(c, 0, restoreFailure);
            }
            try {
                result = new ApplyResult.Applied(index, StatementReplay.run(c, entry, userVariables,
                        StatementReplay.firstClock(entry)));
                state = State.OPEN;
                return result;
            } catch (StatementFailure f) {
                return fail(c, f.statement(), f.sqlException());
            }
        } catch (SQLException e) {
            throw applier.unusable("applying entry " + index, e);
        }
    }

    /**
     * Records an entry whose transaction the front end committed here, without the session set-up and the look at
     * the prepared transactions that running it would need; null (nothing left open) when the engine does not hold
     * it committed after all, so that it goes the whole way.
     */
    private ApplyResult recordCommittedHere(Connection c, String xid) throws SQLException {
        c.setAutoCommit(false);
        Claim claim;
        String notCommitted = "the engine holds no record of it";
        try {
            claim = AppliedLog.claimCommittedHere(c, index, xid);
        } catch (SQLException e) {
            if (e.getErrorCode() != SqlErrors.LOCK_WAIT_TIMEOUT) {
                throw e;
            }
            // the row is locked: its transaction is prepared here, not committed; the path below commits it
            claim = Claim.NEW;
            notCommitted = "the engine holds it prepared only";
        }
        sessionUntouched = claim != Claim.NEW;
        switch (claim) {
            case LEADER_COMMITTED -> {
                state = State.OPEN;
                return result = new ApplyResult.AlreadyApplied(index);
            }
            case APPLIED_BEFORE -> {
                c.rollback();
                state = State.DONE;
                return result = new ApplyResult.AlreadyApplied(index);
            }
            default -> {
                log.warn("entry={} - its front end committed transaction {} here, but {}; applying the entry from the"
                        + " log", index, xid, notCommitted);
                c.rollback();
                c.setAutoCommit(true);
                return null;
            }
        }
    }

    /** Rolls back the entry's changes and, unless the failure is a lock conflict, records the index as failed. */
    private ApplyResult fail(Connection c, int statement, SQLException e) throws SQLException {
        if (SqlErrors.isConnectionLost(e) || Applier.isResourceError(e)) {
            throw e;
        }
        if (!c.getAutoCommit()) {
            c.rollback();
        }
        if (SqlErrors.isConflict(e) && !conflictIsOutcome) {
            throw new ApplyConflictException("entry " + index + " waited for a lock held by another transaction ("
                    + e.getErrorCode() + " " + e.getMessage() + ")", e);
        }
        c.setAutoCommit(false);
        Claim claim = AppliedLog.claim(c, index, Optional.of(e.getErrorCode()), Optional.empty());
        if (claim != Claim.NEW) {
            c.rollback();
            state = State.DONE;
            return result = new ApplyResult.AlreadyApplied(index);
        }
        log.debug("entry={} - statement {} failed: {} ({})", index, statement, e.getErrorCode(), e.getMessage());
        state = State.OPEN;
        return result = new ApplyResult.Failed(index, statement, e.getErrorCode(), SqlErrors.sqlState(e),
                String.valueOf(e.getMessage()));
    }

    @Override
    public void commit() {
        if (state != State.OPEN && state != State.DONE) {
            throw new IllegalStateException("entry " + index + " cannot commit: " + state);
        }
        if (state == State.OPEN) {
            try {
                lease.connection().commit();
            } catch (SQLException e) {
                throw applier.unusable("committing entry " + index, e);
            }
            applier.committed(index);
        }
        // the caller closes: releasing the connection (autocommit back on, the session reset left for its next
        // user) need not delay the next entry's commit
        state = State.DONE;
    }

    @Override
    public void close() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        if (lease != null && sessionUntouched) {
            // the previous entry's reset still waits for the next user
            applier.pool().releaseDeferred(lease, unrunReset);
            lease = null;
        } else if (lease != null) {
            String reset = SessionSetup.resetAssignments(entry.session(), userVariables);
            if (unrunReset.isEmpty()) {
                applier.pool().releaseDeferred(lease, reset); // the next entry runs it with its own session's restore
            } else {
                applier.pool().release(lease, unrunReset + ", " + reset);
            }
            lease = null;
        }
    }

    @Override
    public String toString() {
        return "apply of entry " + index + " (" + state + (result == null ? "" : ", " + result) + ")";
    }
}
