package io.fluxdb.engine.spi;

import java.time.Duration;
import java.util.Optional;
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

    /**
     * Whether writes go through a replicated log. False for a node that runs alone: its engine is the only copy, so
     * its front end runs writes as they come, without log entries.
     */
    default boolean replicated() {
        return true;
    }

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
     * Reports what became of an entry this node's front end submitted and executed itself: {@code true} once its
     * engine transaction committed with the index recorded in it, {@code false} when it did not or may not have
     * (rolled back, connection lost during COMMIT). Replication then applies the entry from the log, and the
     * engine's exactly-once bookkeeping skips it if the commit did happen. Called exactly once per index a
     * successful {@link #submit} returned; until then, replication holds back the entries after it on this node.
     */
    void settle(long index, boolean committed);

    /**
     * Why this node's data can no longer be trusted to equal the leader's (an entry's outcome differed), or empty.
     * A diverged node serves no reads until it is re-synchronised.
     */
    default Optional<String> divergence() {
        return Optional.empty();
    }

    /**
     * The front end changed this node's engine outside the log: a statement that commits implicitly ran, and its
     * {@link #submit} then failed with {@link ClusterException.Reason#NOT_LEADER}, so its entry never reaches the log.
     * The node is diverged from now on ({@link #divergence}).
     */
    default void changedOutsideTheLog(String reason) {
    }

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

    /**
     * The largest log entry, in encoded bytes, that {@link #submit} accepts; a larger one fails with
     * {@link IllegalArgumentException} and is never appended.
     */
    default int maxEntryBytes() {
        return Integer.MAX_VALUE;
    }
}
