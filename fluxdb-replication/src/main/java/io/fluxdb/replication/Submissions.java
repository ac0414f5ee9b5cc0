package io.fluxdb.replication;

import io.fluxdb.engine.spi.ClusterException;
import io.fluxdb.engine.spi.CommitResult;
import io.fluxdb.replication.statemachine.LocalSubmissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.ratis.protocol.ClientId;

/**
 * The entries this node's front end is waiting for. Each submission ends exactly once: committed (told by the state
 * machine when its entry is applied to the log), or failed (by Ratis' reply, the timeout or shutdown). Whether it had
 * been appended when it failed decides between a certain failure (NOT_LEADER) and an ambiguous one.
 */
final class Submissions implements LocalSubmissions {
    private static final int OPEN = 0;
    private static final int APPENDED = 1;
    private static final int DONE = 2;

    /** One submitted entry. */
    static final class Submission {
        final long callId;
        final CompletableFuture<CommitResult> future = new CompletableFuture<>();
        private final AtomicInteger state = new AtomicInteger(OPEN);
        private volatile Future<?> timeout;

        Submission(long callId) {
            this.callId = callId;
        }

        void timeout(Future<?> value) {
            timeout = value;
        }
    }

    private final ClientId clientId = ClientId.randomId();
    private final AtomicLong callIds = new AtomicLong();
    private final Map<Long, Submission> open = new ConcurrentHashMap<>();
    private final Executor callbacks;

    Submissions(Executor callbacks) {
        this.callbacks = callbacks;
    }

    @Override
    public ClientId clientId() {
        return clientId;
    }

    Submission open() {
        Submission submission = new Submission(callIds.incrementAndGet());
        open.put(submission.callId, submission);
        return submission;
    }

    @Override
    public boolean beforeAppend(long callId) {
        Submission submission = open.get(callId);
        return submission != null && submission.state.compareAndSet(OPEN, APPENDED);
    }

    @Override
    public Runnable committed(long callId, long term, long index) {
        Submission submission = open.get(callId);
        if (submission == null || !finish(submission)) {
            return null;
        }
        CommitResult result = new CommitResult(term, index);
        return () -> callbacks.execute(() -> submission.future.complete(result));
    }

    /**
     * Fails a submission unless it has ended already.
     *
     * @param failure builds the exception from whether the entry had been appended to the log
     */
    void fail(Submission submission, Function<Boolean, ClusterException> failure) {
        int before = submission.state.get();
        while (before != DONE && !submission.state.compareAndSet(before, DONE)) {
            before = submission.state.get();
        }
        if (before == DONE) {
            return;
        }
        end(submission);
        ClusterException exception = failure.apply(before == APPENDED);
        callbacks.execute(() -> submission.future.completeExceptionally(exception));
    }

    /** Fails every open submission; used at shutdown. */
    void failAll(Function<Boolean, ClusterException> failure) {
        List.copyOf(open.values()).forEach(s -> fail(s, failure));
    }

    private boolean finish(Submission submission) {
        int before = submission.state.get();
        while (before != DONE && !submission.state.compareAndSet(before, DONE)) {
            before = submission.state.get();
        }
        if (before == DONE) {
            return false;
        }
        end(submission);
        return true;
    }

    private void end(Submission submission) {
        open.remove(submission.callId);
        Future<?> timeout = submission.timeout;
        if (timeout != null) {
            timeout.cancel(false);
        }
    }
}
