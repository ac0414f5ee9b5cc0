package io.fluxdb.engine.mysql.frontend;

import io.fluxdb.engine.spi.Cluster;
import io.fluxdb.protocol.message.server.ErrPacket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Holds a read back until this node has applied what its consistency level requires, for at most a bound. */
final class ReadBarrier {
    /** How long a read waits before it fails; a read is never left hanging. */
    static final Duration WAIT = Duration.ofSeconds(10);

    private ReadBarrier() {
    }

    /**
     * Completes when a read at {@code level} may run here: at once for EVENTUAL, and for SESSION when this node has
     * applied {@code sessionLastCommit} already.
     */
    static CompletableFuture<Void> before(Cluster cluster, ReadConsistency level, long sessionLastCommit) {
        return switch (level) {
            case EVENTUAL -> CompletableFuture.completedFuture(null);
            case SESSION -> sessionLastCommit <= cluster.appliedIndex() ? CompletableFuture.completedFuture(null)
                    : cluster.awaitApplied(sessionLastCommit, WAIT);
            case STRONG -> cluster.readIndex().thenCompose(index -> cluster.awaitApplied(index, WAIT));
        };
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
