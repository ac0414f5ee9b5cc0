package io.fluxdb.engine.mysql.frontend;

import io.fluxdb.engine.spi.Cluster;
import io.fluxdb.engine.spi.ClusterException;
import io.fluxdb.protocol.message.server.ErrPacket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Holds a read back until this node has applied what its consistency level requires, for at most a bound. */
final class ReadBarrier {
    /** How long a read waits before it fails; a read is never left hanging. */
    static final Duration WAIT = Duration.ofSeconds(10);
    /** How soon the read index is asked for again after this node knew no leader or no majority. */
    static final Duration NO_LEADER_PAUSE = Duration.ofMillis(100);

    private ReadBarrier() {
    }

    /**
     * Completes when a read at {@code level} may run here: at once for EVENTUAL; for SESSION once this node has
     * applied {@code sessionLastCommit} and, unless {@code node} is null, every write this node's sessions forwarded
     * and were told had committed before now (see {@link ForwardedCommits}); for STRONG once it has applied what the
     * leader had committed when asked.
     */
    static CompletableFuture<Void> before(Cluster cluster, ReadConsistency level, long sessionLastCommit,
            ForwardedCommits node) {
        return switch (level) {
            case EVENTUAL -> CompletableFuture.completedFuture(null);
            case SESSION -> node == null ? applied(cluster, sessionLastCommit, WAIT) : session(cluster, sessionLastCommit,
                    node);
            case STRONG -> caughtUpWithTheLeader(cluster, WAIT);
        };
    }

    private static CompletableFuture<Void> session(Cluster cluster, long sessionLastCommit, ForwardedCommits node) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        CompletableFuture<Long> forwarded = node.indexToSee(() -> readIndexBy(cluster, deadline));
        if (forwarded.isDone() && !forwarded.isCompletedExceptionally()) {
            return applied(cluster, Math.max(sessionLastCommit, forwarded.join()), WAIT);
        }
        return forwarded.thenCompose(index -> applied(cluster, Math.max(sessionLastCommit, index),
                Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))));
    }

    private static CompletableFuture<Void> applied(Cluster cluster, long index, Duration wait) {
        return index <= cluster.appliedIndex() ? CompletableFuture.completedFuture(null)
                : cluster.awaitApplied(index, wait);
    }

    /**
     * Completes when this node has applied everything the leader had committed when asked (a strong read's wait with
     * no session of its own), within {@code wait}: what a login waits for before it takes an unknown account or
     * database for absent. Its own bound, shorter than a read's: a login has a deadline of its own.
     */
    static CompletableFuture<Void> caughtUpWithTheLeader(Cluster cluster, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        return readIndexBy(cluster, deadline).thenCompose(index -> cluster.awaitApplied(index,
                Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))));
    }

    /**
     * The read index, asked for again while time is left: after a round that timed out at once (one round may miss
     * its majority, a heartbeat reply lost while the leader's sender to a follower restarts, where the next one does
     * not), after one that found no leader or no majority {@link #NO_LEADER_PAUSE} later (an election runs, or this
     * follower has just stopped hearing its leader: a write waits for the next leader too). A read is refused for lack
     * of a leader or a majority only once the whole wait has passed, as the error says; a node shutting down refuses
     * it at once.
     */
    static CompletableFuture<Long> readIndexBy(Cluster cluster, long deadline) {
        long remaining = Math.max(1, deadline - System.nanoTime());
        return cluster.readIndex().orTimeout(remaining, TimeUnit.NANOSECONDS).handle((index, failure) -> {
            if (failure == null) {
                return CompletableFuture.completedFuture(index);
            }
            Throwable cause = Failures.cause(failure);
            if (cause instanceof TimeoutException) {
                cause = new ClusterException(ClusterException.Reason.TIMEOUT, "no read index confirmed by a majority");
            }
            ClusterException.Reason reason = cause instanceof ClusterException e ? e.reason() : null;
            long left = deadline - System.nanoTime();
            if (reason == ClusterException.Reason.TIMEOUT && left > 0) {
                return readIndexBy(cluster, deadline);
            }
            if (reason == ClusterException.Reason.NO_QUORUM && left > NO_LEADER_PAUSE.toNanos()) {
                return CompletableFuture.supplyAsync(() -> readIndexBy(cluster, deadline),
                        CompletableFuture.delayedExecutor(NO_LEADER_PAUSE.toNanos(), TimeUnit.NANOSECONDS))
                        .thenCompose(next -> next);
            }
            return CompletableFuture.<Long>failedFuture(cause);
        }).thenCompose(next -> next);
    }

    /** The error a read gets when its level cannot be served: retryable, and saying why. */
    static ErrPacket error(ReadConsistency level, Throwable failure) {
        Throwable cause = Failures.cause(failure);
        return new ErrPacket(1205, "HY000", "Lock wait timeout exceeded; try restarting transaction (FluxDB: a "
                + level + " read could not be served within " + WAIT.toSeconds() + " s: " + cause.getMessage()
                + (level == ReadConsistency.STRONG ? "; without a majority only eventual reads are served" : "")
                + ")");
    }
}
