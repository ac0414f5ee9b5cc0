package io.fluxdb.replication.rpc;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Decides where a leader resumes sending to a follower that answered INCONSISTENCY with a next index at or below the
 * entries it once acknowledged (the leader's match index): its log is shorter than it was.
 *
 * <p>Ratis keeps such a follower's next index above the match index, on the grounds that a reply below it is stale
 * (a late answer to an older request). When the follower really lost its tail (its storage was restored, truncated
 * at a torn segment, or replaced), every heartbeat then carries a previous entry it does not hold, every answer is
 * INCONSISTENCY again, and the follower never catches up. A stale answer does not repeat once the leader has moved
 * on; a real short log does. So the first such answer is treated the Ratis way, and a second one in a row with the
 * same hint makes the leader resend from the follower's own next index. Resending entries a follower already holds is
 * harmless in Raft (it finds them equal and keeps them); the match index is never lowered by this, so what the leader
 * counts as committed is unchanged.
 *
 * <p>A follower that loads a snapshot answers every append with its old next index until it is done; one reset is
 * enough to start that (the leader then asks it to install a snapshot), so the same hint resets again only after
 * {@link #AGAIN_AFTER}.
 */
final class ShortLogRecovery {
    /** How long a reset to one hint stands before that hint may reset again. */
    static final Duration AGAIN_AFTER = Duration.ofSeconds(5);

    private final LongSupplier nanoTime;
    private long lastHint = Long.MIN_VALUE;
    private long resetHint = Long.MIN_VALUE;
    private long resetAt;

    ShortLogRecovery() {
        this(System::nanoTime);
    }

    ShortLogRecovery(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /**
     * @param replyNextIndex the next index the follower answered with
     * @param matchIndex the leader's match index for that follower
     * @return true if the leader should resume at {@code replyNextIndex}, below its match index
     */
    boolean resumeBelowMatch(long replyNextIndex, long matchIndex) {
        if (replyNextIndex > matchIndex) {
            lastHint = Long.MIN_VALUE;
            return false;
        }
        boolean repeated = replyNextIndex == lastHint;
        lastHint = replyNextIndex;
        if (!repeated) {
            return false;
        }
        long now = nanoTime.getAsLong();
        if (replyNextIndex == resetHint && now - resetAt < AGAIN_AFTER.toNanos()) {
            return false;
        }
        resetHint = replyNextIndex;
        resetAt = now;
        return true;
    }
}
