package io.fluxdb.engine.mysql.frontend;

import static java.util.Objects.requireNonNull;

import io.fluxdb.engine.spi.Cluster;
import io.fluxdb.engine.spi.ClusterRole;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * How long one statement that needs the leader may wait for a leader to send it to. While an election runs, or
 * right after the leader died and before this node heard of the next one, there is nowhere to run a write; without
 * a wait every client would get an error for each statement in that window (a second or more) and most clients do
 * not retry. The statement waits instead, polling this node's view of the cluster, and runs as soon as a leader is
 * known; only once {@link #LIMIT} has passed is it refused, with the error it would have had at once.
 *
 * <p>Only statements that have not run anywhere wait: the caller decides before anything was sent.
 */
final class LeaderWait {
    /**
     * The longest wait. Followers notice a dead leader after 1 to 4 election timeouts (1 s by default), then vote;
     * the new leader commits one entry before it takes writes. Also the bound on a write's wait without a quorum.
     */
    static final Duration LIMIT = Duration.ofSeconds(5);
    /** How often the role is looked at again; cheap, and short next to an election. */
    private static final long POLL_MILLIS = 20;
    /**
     * How soon a leader that could not be reached is tried again while this node still names it: it may be back (a
     * restarted process) or this node may have missed nothing more than one connection.
     */
    private static final long SAME_LEADER_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    /** A wait that is over before it starts: the statement is refused as it would be without waiting. */
    static final LeaderWait OVER = new LeaderWait(0, true);

    private final long deadlineNanos;
    private final boolean over;

    private LeaderWait(long deadlineNanos, boolean over) {
        this.deadlineNanos = deadlineNanos;
        this.over = over;
    }

    /** A wait of at most {@link #LIMIT} from now. */
    static LeaderWait start() {
        return new LeaderWait(System.nanoTime() + LIMIT.toNanos(), false);
    }

    /** Whether the statement may still wait. */
    boolean open() {
        return !over && System.nanoTime() - deadlineNanos < 0;
    }

    /**
     * Runs {@code again} once there is a leader to try: this node leads, or it follows a leader other than
     * {@code unreachable} (the one that could not be reached just now; that one again after a short pause). Runs
     * {@code giveUp} when the wait is over or the client left. Both run on {@code executor}.
     */
    void whenLeaderKnown(Cluster cluster, ScheduledExecutorService executor, BooleanSupplier clientConnected,
            Optional<String> unreachable, Runnable again, Runnable giveUp) {
        requireNonNull(cluster, "cluster is null");
        poll(cluster, executor, clientConnected, unreachable, System.nanoTime() + SAME_LEADER_RETRY_NANOS,
                requireNonNull(again, "again is null"), requireNonNull(giveUp, "giveUp is null"));
    }

    private void poll(Cluster cluster, ScheduledExecutorService executor, BooleanSupplier clientConnected,
            Optional<String> unreachable, long retrySameAt, Runnable again, Runnable giveUp) {
        ClusterRole role = cluster.role();
        boolean sameAgain = System.nanoTime() - retrySameAt >= 0;
        if (role.isLeader() || (role.leaderId().isPresent() && (!role.leaderId().equals(unreachable) || sameAgain))) {
            again.run();
        } else if (!open() || !clientConnected.getAsBoolean()) {
            giveUp.run();
        } else {
            executor.schedule(() -> poll(cluster, executor, clientConnected, unreachable, retrySameAt, again, giveUp),
                    POLL_MILLIS, TimeUnit.MILLISECONDS);
        }
    }
}
