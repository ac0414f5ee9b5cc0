package io.fluxdb.engine.spi;

import static java.util.Objects.requireNonNull;

/**
 * A {@link Cluster} operation could not complete. Futures returned by {@code Cluster} complete exceptionally with
 * this; front ends turn it into a retryable client error (for MySQL, 1290 {@code ER_OPTION_PREVENTS_STATEMENT}).
 */
public class ClusterException extends RuntimeException {

    /** Why the operation failed. */
    public enum Reason {
        /** This node is not the leader; retry against the leader. */
        NOT_LEADER,
        /** No majority answered in time; the write may or may not be in the log. */
        NO_QUORUM,
        /** A wait (applied index, read index) ran past its timeout. */
        TIMEOUT,
        /** The node is shutting down. */
        SHUTDOWN
    }

    private final Reason reason;

    public ClusterException(Reason reason, String message) {
        super(message);
        this.reason = requireNonNull(reason, "reason is null");
    }

    public ClusterException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = requireNonNull(reason, "reason is null");
    }

    public Reason reason() {
        return reason;
    }
}
