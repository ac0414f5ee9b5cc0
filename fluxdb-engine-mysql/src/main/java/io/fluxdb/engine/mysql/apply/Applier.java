package io.fluxdb.engine.mysql.apply;

import static java.util.Objects.requireNonNull;

import io.fluxdb.engine.spi.ApplyConflictException;
import io.fluxdb.engine.spi.ApplyResult;
import io.fluxdb.engine.spi.ApplyTransaction;
import io.fluxdb.engine.spi.EngineChecksum;
import io.fluxdb.engine.spi.EngineConfig;
import io.fluxdb.engine.spi.EntryKind;
import io.fluxdb.engine.spi.LogEntryContent;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine side of replication for MySQL and MariaDB: exactly-once apply of log entries, the applied watermark, the
 * DDL intents of a leader, orphans of a deposed leader, and table checksums. {@code MySqlEngine} creates it at start
 * and delegates to it; see docs/design/replication.md ("Apply and exactly-once", "DDL crash window").
 *
 * <p>Thread-safe: entries may be applied from several threads at once.
 */
public final class Applier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Applier.class);

    /** Serial apply re-runs an entry that met a lock conflict this often before it records the conflict as failure. */
    private static final int SERIAL_ATTEMPTS = 3;
    /** Engine errors that say the node is out of a resource: the entry is not at fault, the caller must stop. */
    private static final Set<Integer> RESOURCE_ERRORS = Set.of(
            1021, // ER_DISK_FULL
            1037, // ER_OUTOFMEMORY
            1038, // ER_OUT_OF_SORTMEMORY
            1041, // ER_OUT_OF_RESOURCES
            1114, // ER_RECORD_FILE_FULL
            1135); // ER_CANT_CREATE_THREAD

    private final EngineConfig config;
    private final ApplyOptions options;
    private final Watermark watermark = new Watermark();
    private final DdlApply ddl = new DdlApply(this);
    private final AtomicBoolean pruning = new AtomicBoolean();
    private final ExecutorService pruner = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fluxdb-apply-prune");
        t.setDaemon(true);
        return t;
    });
    private ApplyPool pool;
    private long serialLockWaitSeconds;
    private volatile long prunedUpTo;
    private boolean hadBookkeeping;
    /** The engine held prepared XA transactions when apply started. */
    private volatile boolean preparedAtStart = true;
    private volatile java.util.function.BooleanSupplier frontEndPrepares = () -> true;

    public Applier(EngineConfig config, ApplyOptions options) {
        this.config = requireNonNull(config, "config is null");
        this.options = requireNonNull(options, "options is null");
    }

    /**
     * Opens the apply pool, checks that the engine can run replicated, creates or upgrades the {@code fluxdb} schema,
     * grants every account INSERT on {@code fluxdb.leader_commits} (MariaDB 10.11+; a warning elsewhere) and reads
     * the applied watermark.
     *
     * @throws IllegalStateException with what to fix, if the engine cannot be used
     */
    public void start() {
        try {
            pool = new ApplyPool(config, options.connections());
            ApplyPool.Lease lease = pool.lease();
            try {
                Connection c = lease.connection();
                BookkeepingSchema.checkAutoIncrementLockMode(c);
                hadBookkeeping = BookkeepingSchema.exists(c);
                BookkeepingSchema.ensure(c);
                BookkeepingSchema.grantLeaderCommitsToPublic(c);
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT @@global.innodb_lock_wait_timeout")) {
                    rs.next();
                    serialLockWaitSeconds = rs.getLong(1);
                }
                AppliedLog.load(c, watermark);
                prunedUpTo = watermark.value();
                preparedAtStart = !PreparedTransactions.list(c).isEmpty();
            } finally {
                pool.release(lease, "");
            }
            log.info("apply - ready at applied index {} ({} connections)", watermark.value(), options.connections());
        } catch (SQLException | RuntimeException e) {
            close();
            throw e instanceof IllegalStateException ise ? ise
                    : new IllegalStateException("cannot prepare the engine for replication: " + e.getMessage(), e);
        }
    }

    /**
     * Tells apply whether this node's front end has begun XA transactions in the engine (as leader, in this process):
     * until it has, and if the engine held none prepared when apply started, no entry can be prepared here, and apply
     * skips looking for each entry's transaction among the prepared ones ({@code XA RECOVER}, one statement per
     * entry). Until this is called, apply always looks.
     */
    public void frontEndPrepares(java.util.function.BooleanSupplier prepares) {
        this.frontEndPrepares = requireNonNull(prepares, "prepares is null");
    }

    /** Whether the engine may hold an entry's transaction prepared (see {@link #frontEndPrepares}). */
    boolean mayHoldPrepared() {
        return preparedAtStart || frontEndPrepares.getAsBoolean();
    }

    /** See {@link io.fluxdb.engine.spi.Engine#apply}. */
    public ApplyResult apply(long index, LogEntryContent entry) {
        checkIndex(index);
        requireNonNull(entry, "entry is null");
        if (entry.kind() == EntryKind.IMPLICIT_COMMIT) {
            return ddl.apply(index, entry);
        }
        if (entry.kind() == EntryKind.CHECKSUM) {
            return withConnection("recording checksums at index " + index, c -> ChecksumRecord.apply(c, index));
        }
        for (int attempt = 1; ; attempt++) {
            boolean last = attempt == SERIAL_ATTEMPTS;
            try (EntryTransaction t = new EntryTransaction(this, index, entry, serialLockWaitSeconds, last, false)) {
                ApplyResult result = t.execute();
                t.commit();
                log.debug("entry={} - {}", index, result);
                return result;
            } catch (ApplyConflictException e) {
                log.warn("entry={} - lock conflict with a transaction on this node, attempt {} of {}: {}", index,
                        attempt, SERIAL_ATTEMPTS, e.getMessage());
            }
        }
    }

    /**
     * See {@link io.fluxdb.engine.spi.Engine#beginApply}: statements wait at most {@code apply-lock-wait-timeout} for
     * a row lock before {@link ApplyTransaction#execute()} throws {@link io.fluxdb.engine.spi.ApplyConflictException}.
     *
     * @param committedHere the front end committed the entry's transaction in this engine (see {@link
     *     io.fluxdb.engine.spi.Engine#beginApply(long, LogEntryContent, boolean)})
     * @throws IllegalArgumentException for an {@link EntryKind#IMPLICIT_COMMIT} or {@link EntryKind#CHECKSUM} entry,
     *     which goes through {@link #apply}
     */
    public ApplyTransaction beginApply(long index, LogEntryContent entry, boolean committedHere) {
        checkIndex(index);
        requireNonNull(entry, "entry is null");
        if (entry.kind() != EntryKind.TRANSACTION) {
            throw new IllegalArgumentException("entry " + index + " is " + entry.kind()
                    + ": it cannot be held open, apply it with apply()");
        }
        return new EntryTransaction(this, index, entry, options.parallelLockWait().toSeconds(), false, committedHere);
    }

    /** Every index up to this one is applied; 0 when none is. */
    public long lastAppliedIndex() {
        return watermark.value();
    }

    /**
     * A query that returns a row while this node's front end runs a DDL statement as the leader (its intent is
     * {@code started} and has no log index yet). A dump must not catch that moment: the intent would travel with it,
     * and the node that loads it cannot tell from it whether the statement's effect came too (the fingerprint in the
     * intent is this engine's). An intent {@code executed} may travel: the statement ended before the intent said so.
     */
    public static String leaderDdlRunningQuery() {
        return "SELECT 1 FROM " + BookkeepingSchema.DDL_INTENT + " WHERE state = 'started' AND idx IS NULL LIMIT 1";
    }

    /** The bookkeeping tables a dump carries, as {@code schema.table}. */
    public static List<String> applyStateTables() {
        return BookkeepingSchema.APPLY_STATE;
    }

    /** The version of the bookkeeping schema this FluxDB writes; a dump carries it. */
    public static int bookkeepingVersion() {
        return BookkeepingSchema.VERSION;
    }

    /**
     * Reads the applied watermark again, after a dump replaced the bookkeeping. Nothing may be applied while the dump
     * loads and until this returns.
     */
    public void reload() {
        withConnection("reading the applied log", c -> {
            AppliedLog.load(c, watermark);
            return null;
        });
        prunedUpTo = watermark.value();
        log.info("apply - reloaded at applied index {}", watermark.value());
    }

    /** Whether the engine had a {@code fluxdb} schema before this start (it was used by FluxDB before). */
    public boolean hadBookkeeping() {
        return hadBookkeeping;
    }

    /** The cluster whose log this engine applies, once one was recorded. */
    public Optional<String> clusterId() {
        return withConnection("reading the cluster identity", ClusterIdentity::read);
    }

    /** Records the cluster whose log this engine applies. */
    public void recordClusterId(String clusterId) {
        requireNonNull(clusterId, "clusterId is null");
        withConnection("recording the cluster identity", c -> {
            ClusterIdentity.write(c, clusterId);
            return null;
        });
    }

    /** Forgets every applied index (the engine's data was removed); nothing may be applied meanwhile. */
    public void forgetApplied() {
        withConnection("forgetting the applied log", c -> {
            ClusterIdentity.forgetApplied(c);
            return null;
        });
        reload();
    }

    /**
     * Rolls back every transaction this node's front end left prepared, before the engine's data is replaced (a dump
     * loaded, a half-loaded one discarded). The log holds every one of them that committed, and once the data is
     * replaced the entry is applied from its statements; a prepared transaction that outlived the load would instead
     * be committed into data that is gone, and its {@code leader_commits} row would make apply skip the entry's
     * statements, losing the write. Nothing may be applied meanwhile.
     *
     * @return the transactions rolled back
     * @throws IllegalStateException if a client session still holds one after {@code apply-xa-wait} (nothing was
     *     replaced yet; try again later)
     */
    public List<String> rollBackPrepared() {
        return withConnection("rolling back prepared transactions", c -> {
            List<String> rolledBack = new ArrayList<>();
            for (String xid : PreparedTransactions.list(c)) {
                if (TransactionIds.parse(xid).isPresent() && PreparedTransactions.finish(c, xid, false,
                        options.preparedWait()) == PreparedTransactions.Outcome.FINISHED) {
                    rolledBack.add(xid);
                }
            }
            return rolledBack;
        });
    }

    /** See {@link io.fluxdb.engine.spi.Engine#checksum}. */
    public EngineChecksum checksum() {
        return withConnection("taking checksums", TableChecksums::compute);
    }

    /** See {@link io.fluxdb.engine.spi.Engine#resolveOrphans}. */
    public List<String> resolveOrphans(String localNodeId, long term) {
        requireNonNull(localNodeId, "localNodeId is null");
        return withConnection("resolving orphans of terms before " + term,
                c -> new OrphanResolver(c, localNodeId, term, options.preparedWait()).resolve());
    }

    /**
     * Records, before this node's leader runs a DDL statement (as the client's user), that the statement of {@code
     * xid} is about to run, with the catalog fingerprint as it is now. Call it under the write barrier, before the
     * statement; then {@link #ddlExecuted} or {@link #ddlFailed}.
     *
     * @throws IllegalArgumentException if {@code xid} is not an id {@link TransactionIds} wrote
     * @throws IllegalStateException if an intent for {@code xid} exists, or the engine is unusable
     */
    public void ddlStarting(String xid) {
        checkXid(xid);
        withConnection("recording DDL intent " + xid, c -> {
            DdlIntents.start(c, xid, Optional.empty(), CatalogFingerprint.compute(c));
            return null;
        });
    }

    /**
     * Records that the DDL statement of {@code xid} ran. Applying its entry then records the index without running
     * the statement again; if the entry never comes, {@link #resolveOrphans} reports the difference.
     *
     * @throws IllegalStateException if {@link #ddlStarting} was not called for {@code xid}
     */
    public void ddlExecuted(String xid) {
        checkXid(xid);
        boolean found = withConnection("recording DDL " + xid + " as executed",
                c -> DdlIntents.setState(c, xid, DdlIntents.State.EXECUTED));
        if (!found) {
            throw new IllegalStateException("no DDL intent for " + xid + " (call ddlStarting first)");
        }
    }

    /**
     * Forgets the intent of {@code xid} after the engine refused the statement with an error (such statements change
     * nothing); the statement gets no log entry. Not for a lost connection, after which the outcome is unknown.
     */
    public void ddlFailed(String xid) {
        checkXid(xid);
        withConnection("forgetting DDL intent " + xid, c -> {
            DdlIntents.delete(c, xid);
            return null;
        });
    }

    // --- for the classes of this package

    ApplyPool pool() {
        return pool;
    }

    ApplyOptions options() {
        return options;
    }

    long serialLockWaitSeconds() {
        return serialLockWaitSeconds;
    }

    /** The highest index recorded as applied (see {@link io.fluxdb.engine.spi.Engine#highestAppliedIndex}). */
    public long highestAppliedIndex() {
        return watermark.highest();
    }

    /** See {@link io.fluxdb.engine.spi.Engine#appliedThrough}: in memory; pruning makes it durable later. */
    public void appliedThrough(long index) {
        watermark.raiseTo(index);
        schedulePrune();
    }

    /** See {@link io.fluxdb.engine.spi.Engine#recordAppliedThrough}: raises the floor of the applied log now. */
    public void recordAppliedThrough(long index) {
        withConnection("recording the applied watermark", c -> {
            AppliedLog.raiseFloor(c, index);
            return null;
        });
        appliedThrough(index);
    }

    /** Called after the transaction that recorded {@code index} committed. */
    void committed(long index) {
        watermark.add(index);
        schedulePrune();
    }

    private void schedulePrune() {
        long upTo = watermark.value();
        if (upTo - prunedUpTo >= options.pruneInterval() && pruning.compareAndSet(false, true)) {
            try {
                pruner.execute(() -> prune(upTo));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                pruning.set(false); // closing
            }
        }
    }

    static boolean isResourceError(SQLException e) {
        return RESOURCE_ERRORS.contains(e.getErrorCode());
    }

    /** The exception for an engine that cannot go on applying; the caller stops. */
    IllegalStateException unusable(String what, SQLException e) {
        return new IllegalStateException("engine at " + config.host() + ":" + config.port() + " failed while " + what
                + ": " + e.getErrorCode() + " (" + SqlErrors.sqlState(e) + ") " + e.getMessage(), e);
    }

    private void prune(long upTo) {
        try {
            long deleted = withConnection("pruning the applied log", c -> AppliedLog.prune(c, upTo));
            prunedUpTo = upTo;
            log.debug("apply - pruned {} rows of the applied log up to index {}", deleted, upTo);
        } catch (RuntimeException e) {
            log.warn("apply - pruning the applied log up to index {} failed, will try again: {}", upTo, e.getMessage());
            return;
        } finally {
            pruning.set(false);
        }
        schedulePrune(); // entries committed while this prune ran
    }

    private interface ConnectionWork<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T withConnection(String what, ConnectionWork<T> work) {
        if (pool == null) {
            throw new IllegalStateException("the engine is not started");
        }
        ApplyPool.Lease lease;
        try {
            lease = pool.lease();
        } catch (SQLException e) {
            throw unusable(what, e);
        }
        try {
            return work.run(lease.connection());
        } catch (SQLException e) {
            pool.discard(lease);
            lease = null;
            throw unusable(what, e);
        } finally {
            if (lease != null) {
                pool.release(lease, "");
            }
        }
    }

    private static void checkIndex(long index) {
        if (index < 1) {
            throw new IllegalArgumentException("index: " + index + " (expected: > 0)");
        }
    }

    private static void checkXid(String xid) {
        requireNonNull(xid, "xid is null");
        if (TransactionIds.parse(xid).isEmpty()) {
            throw new IllegalArgumentException("xid: '" + xid + "' (expected: an id from TransactionIds)");
        }
    }

    @Override
    public void close() {
        pruner.shutdownNow();
        if (pool != null) {
            pool.close();
        }
    }
}
