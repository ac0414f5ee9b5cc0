package io.fluxdb.replication.statemachine;

import io.fluxdb.engine.spi.ApplyResult;
import io.fluxdb.engine.spi.ApplyTransaction;
import io.fluxdb.engine.spi.EntryKind;
import io.fluxdb.replication.log.EntryEnvelope;

/** One committed log index on its way through the {@link ApplyScheduler}; guarded by the scheduler's lock. */
final class ApplyItem {

    enum State {
        /** Waiting until it may start. */
        QUEUED,
        /** A worker runs {@link ApplyTransaction#execute()} (or a whole serial apply). */
        RUNNING,
        /** Executed in parallel; its transaction is open until the entries before it have committed. */
        EXECUTED,
        /** A worker commits it, or rolls it back to run it again. */
        FINISHING
    }

    final long index;
    final long term;
    /** The entry, or null for an index without one (a configuration or metadata entry of the log). */
    final EntryEnvelope envelope;

    State state = State.QUEUED;
    /** Submitted by this node in this run: held back until its front end has settled it. */
    boolean awaitingSettle;
    /** Its front end settled it as committed in the engine: apply has only to record it. */
    boolean committedHere;
    /** The settle timeout of an item awaiting its settle; cancelled by the settle. */
    java.util.concurrent.Future<?> settleTimeout;
    /** Ran into a lock of a concurrent entry: runs again alone once every entry before it has committed. */
    boolean serial;
    /** Executing while an entry before it ran into a conflict: roll back after execute and queue again. */
    boolean abortRequested;
    ApplyTransaction transaction;
    ApplyResult result;

    ApplyItem(long index, long term, EntryEnvelope envelope) {
        this.index = index;
        this.term = term;
        this.envelope = envelope;
    }

    boolean isMarker() {
        return envelope == null;
    }

    /** Whether it must run with nothing else in flight: statements that commit implicitly, checksums, conflict retries. */
    boolean runsAlone() {
        return serial || envelope.content().kind() != EntryKind.TRANSACTION;
    }

    /** The index up to which every entry must have committed before this one may execute. */
    long dependsOn() {
        // the leader's watermark is always below the entry's own index; clamp so a bad value cannot deadlock
        return Math.min(envelope.lastCommitted(), index - 1);
    }

    @Override
    public String toString() {
        return "entry " + index + " (term " + term + ", " + (isMarker() ? "marker" : state) + ")";
    }
}
