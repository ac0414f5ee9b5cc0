package io.fluxdb.engine.mysql.frontend;

import io.fluxdb.protocol.codec.ResponseTracker;
import io.fluxdb.protocol.constant.ServerStatus;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The writes that this node's sessions forwarded to the leader and were told had committed: what a {@code session}
 * read on this node must see, whichever of the node's connections wrote them. A client that commits on one connection
 * and reads on another (every connection pool does) then reads its write on a follower, as it would on one MariaDB.
 *
 * <p>The leader does not say at which log index a forwarded write committed, so a read that follows such
 * acknowledgements asks the leader for its commit index (ReadIndex, as a {@code strong} read does) and waits until this
 * node has applied that far. Acknowledgements are counted before the client sees them, and the count is read before
 * the index is asked for: an index answered for a count covers every write acknowledged up to that count. Reads share
 * one question while it covers them, and once answered, no read asks again until another write is acknowledged.
 * Writes a session ran on this node's engine as leader need no such wait: they are in this engine when the client is
 * told.
 */
final class ForwardedCommits {
    /** Acknowledgements whose log index was not reported. */
    private long acknowledged;
    /** The highest log index the leader reported in an acknowledgement. */
    private long reportedIndex;
    /** The count the last answered question covered, and its answer. */
    private long coveredCount;
    private long coveredIndex;
    /** The question under way, and the count it covers; null when none is. */
    private CompletableFuture<Long> asking;
    private long askingCovers;

    /**
     * The last packet of the leader's answer to a forwarded statement, about to go to the client, with the log index
     * the leader reported in it (its commit token, when the session tracks it), or 0. Without an index it is counted,
     * unless the statement left a transaction open (its writes commit later, at a COMMIT that is counted then). An
     * error counts too: statements before it in the same text may have committed.
     */
    synchronized void answered(ResponseTracker tracker, long reported) {
        if (reported > 0) {
            reportedIndex = Math.max(reportedIndex, reported);
        } else if (tracker.endedInError() || !tracker.hasStatus()
                || !ServerStatus.has(tracker.statusFlags(), ServerStatus.SERVER_STATUS_IN_TRANS)) {
            acknowledged++;
        }
    }

    /**
     * The log index a read that starts now must find applied on this node to see every forwarded write acknowledged
     * so far: the highest index reported with one, and the answer of {@code readIndex} for those acknowledged without,
     * asked only when no earlier question covers them.
     */
    synchronized CompletableFuture<Long> indexToSee(Supplier<CompletableFuture<Long>> readIndex) {
        long reported = reportedIndex;
        if (acknowledged <= coveredCount) {
            return CompletableFuture.completedFuture(Math.max(reported, coveredIndex));
        }
        CompletableFuture<Long> question = asking;
        if (question == null || askingCovers < acknowledged) {
            long covers = acknowledged;
            CompletableFuture<Long> asked = readIndex.get();
            question = asked;
            asking = asked;
            askingCovers = covers;
            asked.whenComplete((index, failure) -> answeredQuestion(asked, covers, index, failure));
        }
        return question.thenApply(index -> Math.max(reported, index));
    }

    private synchronized void answeredQuestion(CompletableFuture<Long> question, long covers, Long index,
            Throwable failure) {
        if (failure == null && covers > coveredCount) {
            coveredCount = covers;
            coveredIndex = Math.max(coveredIndex, index);
        }
        if (asking == question) {
            asking = null;
        }
    }
}
