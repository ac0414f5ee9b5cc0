package io.fluxdb.engine.spi;

/**
 * One log entry being applied in two steps, so that replication can execute several entries at once and still
 * commit them in log order: {@link #execute()} runs the statements inside an open engine transaction, {@link
 * #commit()} makes the outcome durable together with the entry's index. Used only for
 * {@link EntryKind#TRANSACTION} entries; an {@link EntryKind#IMPLICIT_COMMIT} entry cannot be held open and goes
 * through {@link Engine#apply}.
 *
 * <p>Each instance holds one engine connection until {@link #commit()} or {@link #close()}. Not thread-safe: one
 * thread at a time, any thread.
 */
public interface ApplyTransaction extends AutoCloseable {

    /**
     * Runs the entry's statements and returns the outcome that {@link #commit()} will make durable: {@link
     * ApplyResult.Applied}, {@link ApplyResult.Failed} (the data changes are already rolled back) or {@link
     * ApplyResult.AlreadyApplied} (nothing ran). Blocks.
     *
     * @throws ApplyConflictException if the statements waited for a lock held by another entry being applied at the
     *     same time (a deadlock or lock-wait timeout); the caller closes this transaction and applies the entry again
     *     once the entries before it have committed
     */
    ApplyResult execute();

    /** Commits: the data changes, or for a failed entry nothing but the index, are recorded with the index. Blocks. */
    void commit();

    /** Rolls back whatever is not committed and releases the connection; the index stays unrecorded. Idempotent. */
    @Override
    void close();
}
