package io.fluxdb.engine.spi;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * One database engine behind one operator: the engine holds the durable state of the node.
 *
 * <p>Life cycle: {@link EngineFactory#create} builds it, {@link #start()} connects to (or launches) the database
 * and prepares the bookkeeping the operator needs (for SQL engines, the {@code fluxdb.applied_log} table),
 * {@link #close()} releases everything. Replication calls {@link #apply}, {@link #lastAppliedIndex()},
 * {@link #dump} and {@link #restore}; the server starts the engine's {@link #frontEnd()}, which serves client
 * connections in the engine's own wire protocol.
 *
 * <p>Methods other than {@code start} and {@code close} may be called from several threads at once, and may block
 * (callers run them on their own executors, never on a network event loop).
 */
public interface Engine extends AutoCloseable {

    /**
     * Connects to the database, checks that it can run replicated (for MySQL: {@code innodb_autoinc_lock_mode <= 1})
     * and creates the operator's bookkeeping. Fails with an unchecked exception whose message tells the user what to
     * fix.
     */
    void start();

    /** Product and version of the running database; valid after {@link #start()}. */
    EngineInfo info();

    /** Whether the database currently answers. Must return within a few seconds, never throw. */
    EngineHealth health();

    /** This engine's statement classifier. Stateless and thread-safe. */
    StatementClassifier classifier();

    /**
     * Applies one committed log entry as one database transaction that also records {@code index} as applied, so
     * that a crash can neither apply it twice nor skip it. If {@code index} is already recorded, nothing is
     * executed and {@link ApplyResult.AlreadyApplied} is returned.
     *
     * <p>SQL errors are outcomes, not failures: they are returned as {@link ApplyResult.Failed} after rolling the
     * transaction back (and recording the index, so the entry is not retried). An exception means the engine
     * itself is unusable (connection lost, disk full), and the caller stops applying.
     *
     * @param index the entry's position in the replicated log, greater than zero
     */
    ApplyResult apply(long index, LogEntryContent entry);

    /**
     * Starts applying one {@link EntryKind#TRANSACTION} entry in two steps (execute now, commit later), so that
     * replication can run entries the leader ran concurrently at the same time and commit them in log order. The
     * outcome is the same as {@link #apply}'s. The default runs everything in {@link ApplyTransaction#commit()}, which
     * gives serial apply for engines that cannot hold a transaction open.
     */
    default ApplyTransaction beginApply(long index, LogEntryContent entry) {
        return new ApplyTransaction() {
            private ApplyResult result;

            @Override
            public ApplyResult execute() {
                return new ApplyResult.Applied(index, java.util.List.of());
            }

            @Override
            public void commit() {
                result = apply(index, entry);
            }

            @Override
            public void close() {
            }

            @Override
            public String toString() {
                return "deferred apply of " + index + (result == null ? "" : " -> " + result);
            }
        };
    }

    /**
     * {@link #beginApply(long, LogEntryContent)} for an entry this node's own front end ran, which may say that the
     * front end committed the entry's transaction in this engine already ({@code committedHere}): the engine then has
     * only to record the index, and may skip what it does to find out whether the entry ran here. The outcome must
     * be the same either way. The default ignores the hint.
     */
    default ApplyTransaction beginApply(long index, LogEntryContent entry, boolean committedHere) {
        return beginApply(index, entry);
    }

    /**
     * Checksums of all user tables and the applied index they belong to, taken in one consistent snapshot.
     *
     * @throws UnsupportedOperationException if the engine cannot checksum its data
     */
    default EngineChecksum checksum() {
        throw new UnsupportedOperationException("this engine cannot checksum its data");
    }

    /**
     * Settles what this node's front end left unfinished in terms before {@code term}: a transaction it prepared, or a
     * statement it executed, for an entry the log never delivered (leadership was lost before the entry was
     * committed). Replication calls it when it applies the first entry of {@code term}, by which time every entry of
     * the older terms that the log holds has been applied. Prepared transactions are rolled back; a statement that
     * took effect and cannot be undone (DDL) means this node's data now differs from the log's.
     *
     * @return a description of each such difference, empty when there is none
     */
    default java.util.List<String> resolveOrphans(String localNodeId, long term) {
        return java.util.List.of();
    }

    /**
     * Called once before the node joins a replicated cluster: the engine turns off whatever would change data outside
     * the log on its own (for MySQL, the event scheduler, which would run events on every node).
     */
    default void joinCluster() {
    }

    /**
     * Called once before the node joins a multi-node cluster, after {@link #start()}: makes sure the engine's data
     * belongs to the cluster {@code clusterId}. User data the cluster's log did not write (the engine had no FluxDB
     * bookkeeping before this start, or the bookkeeping of another cluster) is never merged: it is written to a file
     * in {@code backupDirectory}, removed from the engine together with the bookkeeping, and the node then re-syncs
     * from the cluster (from a snapshot when the log no longer holds everything). Records {@code clusterId} for the
     * next start.
     *
     * @return what was found and saved; empty when the data belongs to this cluster or there is none
     * @throws IllegalStateException if the engine fails; nothing was removed unless the backup was complete
     */
    default java.util.Optional<ForeignData> adoptCluster(String clusterId, java.nio.file.Path backupDirectory) {
        return java.util.Optional.empty();
    }

    /**
     * The applied watermark: every log index up to it is applied (or had nothing for this engine), or 0 when none is.
     */
    long lastAppliedIndex();

    /**
     * The highest log index recorded as applied, which may be above {@link #lastAppliedIndex()} while entries commit
     * out of order. Below what the log's snapshot says was applied only when the engine lost data (recreated, or
     * restored from an older backup). The default is {@link #lastAppliedIndex()}.
     */
    default long highestAppliedIndex() {
        return lastAppliedIndex();
    }

    /**
     * Every log index up to {@code index} is applied: the entries this engine recorded, and the indexes that had
     * nothing for it (the log's configuration entries, which never reach {@link #apply}). Lets the watermark pass
     * those. Called by replication in log order, never above an entry the engine has not committed; must not block.
     */
    default void appliedThrough(long index) {
    }

    /**
     * As {@link #appliedThrough}, and makes it durable before returning, so that after a restart
     * {@link #highestAppliedIndex()} is at least {@code index}. Called before the log records a snapshot at
     * {@code index}. Blocks.
     *
     * @throws IllegalStateException if the engine fails
     */
    default void recordAppliedThrough(long index) {
        appliedThrough(index);
    }

    /**
     * Removes every user schema and forgets every applied index, keeping the cluster this engine belongs to: for an
     * engine a snapshot load left half done, which the cluster then fills again (from its log, or a peer's dump).
     * Blocks.
     *
     * @throws UnsupportedOperationException if the engine cannot do it (the operator then asks for it to be done by
     *     hand)
     * @throws IllegalStateException if the engine fails
     */
    default void discardData() {
        throw new UnsupportedOperationException("this engine cannot discard its data by itself");
    }

    /**
     * Takes a consistent point in all user data and the applied-index bookkeeping, inside one engine transaction, to
     * be written out by {@link EngineDump#writeTo}. Returns quickly: what is slow (reading rows) happens in
     * {@code writeTo}. The caller makes sure nothing is being applied while this runs, so the dump holds every entry
     * applied before the call and none applied after it (entries the engine's own clients committed are recorded in
     * the bookkeeping, which the dump carries).
     *
     * @throws UnsupportedOperationException if the engine cannot dump its data
     * @throws IllegalStateException if the engine fails
     */
    default EngineDump beginDump() {
        throw new UnsupportedOperationException("this engine cannot dump its data");
    }

    /** Writes a consistent logical dump ({@link #beginDump()} then {@link EngineDump#writeTo}); does not close {@code out}. */
    default void dump(OutputStream out) throws IOException {
        try (EngineDump dump = beginDump()) {
            dump.writeTo(out);
        }
    }

    /**
     * Replaces all user data and the applied-index bookkeeping with a dump written by {@link EngineDump#writeTo}.
     * After it returns, {@link #lastAppliedIndex()} is the dumped node's. A dump that ends early (a broken
     * connection) fails with an {@link IOException} and leaves the engine incomplete: restore again before use. Does
     * not close {@code in}.
     *
     * @throws UnsupportedOperationException if the engine cannot restore a dump
     */
    default void restore(InputStream in) throws IOException {
        throw new UnsupportedOperationException("this engine cannot restore a dump");
    }

    /**
     * The front end that serves this engine's clients (for MySQL, the MySQL wire protocol), or empty when the
     * engine is used only as a replication target.
     */
    default Optional<FrontEnd> frontEnd() {
        return Optional.empty();
    }

    /** Stops the front end's backend work and releases connections and processes. Idempotent. */
    @Override
    void close();
}
