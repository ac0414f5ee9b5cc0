package io.fluxdb.engine.spi;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The cluster as a front end sees it: who leads, "run this write transaction through the log", and "wait until
 * this node has applied index N". Implemented by replication and handed to the front end by the server; a
 * front end never talks to replication any other way.
 *
 * <p>All methods are non-blocking and thread-safe. Futures fail with {@link ClusterException}.
 */
public interface Cluster {

    /** This node's id, as used in {@link LogEntryContent#originNodeId()}. */
    String localNodeId();

    /** This node's current role and the leader's address, as far as this node knows. */
    ClusterRole role();

    /**
     * Appends one write transaction to the log and completes once a majority holds it durably. Only the leader
     * accepts entries; elsewhere the future fails with {@link ClusterException.Reason#NOT_LEADER}.
     *
     * <p>For a {@link EntryKind#TRANSACTION} entry the caller has already executed the statements on the leader's
     * engine and commits them (recording the returned index in the same transaction) only after this completes.
     * An {@link EntryKind#IMPLICIT_COMMIT} entry is submitted before it is executed.
     */
    CompletableFuture<CommitResult> submit(LogEntryContent entry);

    /**
     * Completes when this node has applied {@code index} (immediately if it already has), or fails with
     * {@link ClusterException.Reason#TIMEOUT} after {@code timeout}.
     */
    CompletableFuture<Void> awaitApplied(long index, Duration timeout);

    /**
     * The leader's commit index, confirmed by a majority (Raft ReadIndex). A read that waits until this index is
     * applied locally sees every write acknowledged before the read started.
     */
    CompletableFuture<Long> readIndex();

    /** The highest index this node has applied. */
    long appliedIndex();
}
