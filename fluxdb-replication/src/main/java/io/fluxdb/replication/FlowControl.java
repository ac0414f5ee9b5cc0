package io.fluxdb.replication;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds new writes back on the leader while a follower is too far behind in applying the log, so that follower lag
 * stays bounded when the leader's writers outrun the followers' engines (a leader runs a write once; every follower
 * runs it again, and on a busy machine more slowly). Galera's flow control pauses writers for the same reason.
 *
 * <p>The leader learns how far each follower has applied from reports ({@link #report}, polled over the internal
 * API). A write asks {@link #admit()} before its entry is submitted; while some follower lags by more than
 * {@link Settings#maxLag()} entries the write waits until the follower catches up, at most {@link Settings#maxWait()}.
 * The wait is bounded so that a follower that stopped answering, or applies one very large entry, never stops the
 * cluster: a follower whose reports are older than {@link #REPORT_TTL} is not waited for (Raft has its own view of
 * unreachable nodes), nor one that applied nothing for {@link Settings#stallAfter()} while behind (its status says
 * why).
 *
 * <p>A follower counts only once it has been within the limit: one that comes back far behind (after a restart, an
 * outage, a stall) catches up without holding every writer of the cluster back for the whole catch-up, as a Galera
 * node in the JOINER state sends no flow control either. Under a load it cannot keep up with, such a follower may
 * never catch up; it then lags as if it were away, and the writers' pace is set by the others.
 */
public final class FlowControl {
    private static final Logger log = LoggerFactory.getLogger(FlowControl.class);

    /** A report older than this says nothing about a follower now. */
    public static final Duration REPORT_TTL = Duration.ofSeconds(2);
    /** Summaries of held writes are logged at most this often. */
    private static final Duration SUMMARY_INTERVAL = Duration.ofSeconds(10);

    /**
     * @param maxLag how many entries a follower may be behind the leader's commit index before new writes wait; 0
     *     turns flow control off
     * @param maxWait the longest one write waits for followers to catch up
     */
    public record Settings(long maxLag, Duration maxWait) {
        public static final Duration MAX_WAIT_LIMIT = Duration.ofMinutes(1); // first: the constants below use it
        /** 250 entries, at most 1 s per write. */
        public static final Settings DEFAULT = new Settings(250, Duration.ofSeconds(1));

        public Settings {
            requireNonNull(maxWait, "maxWait is null");
            if (maxLag < 0) {
                throw new IllegalArgumentException("maxLag: " + maxLag + " (expected: >= 0)");
            }
            if (maxWait.toMillis() < 1 || maxWait.compareTo(MAX_WAIT_LIMIT) > 0) {
                throw new IllegalArgumentException("maxWait: " + maxWait + " (expected: 1 ms to 1 min)");
            }
        }

        public boolean enabled() {
            return maxLag > 0;
        }

        /** A follower that applied nothing this long while behind is not waited for: ten of the longest waits. */
        public Duration stallAfter() {
            return maxWait.multipliedBy(10);
        }
    }

    /**
     * One follower as the leader last heard of it.
     *
     * @param lag how many entries it is behind the leader's commit index (counted from its last report)
     * @param counted whether writes wait for it while it is behind: its report is recent, it has been within the limit
     *     since it was last away or stalled, and it is not stalled now
     */
    public record Follower(String nodeId, long appliedIndex, long lag, boolean counted) {
    }

    /**
     * What flow control is doing now.
     *
     * @param holding whether new writes wait now
     * @param writesHeld how many writes have waited since this node started
     * @param heldMillis how long they waited in total
     */
    public record State(Settings settings, boolean holding, List<Follower> followers, long writesHeld,
            long heldMillis) {
    }

    private static final class Progress {
        long applied;
        long reportedAt;
        long advancedAt;
        /** Whether it has been within the limit since it was last seen, last went back, or last stalled. */
        boolean synced;
        boolean stallReported;
    }

    private static final class Held {
        final CompletableFuture<Void> admitted = new CompletableFuture<>();
        final long since;
        ScheduledFuture<?> timeout;

        Held(long since) {
            this.since = since;
        }
    }

    private final Settings settings;
    private final LongSupplier committedIndex;
    private final ScheduledExecutorService timer;
    private final LongSupplier nanoClock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Progress> followers = new HashMap<>();
    private final List<Held> held = new ArrayList<>();
    private boolean holding;
    private boolean closed;
    private long writesHeld;
    private long heldNanos;
    private long summaryAt;
    private long summaryWrites;
    private long summaryNanos;

    /**
     * @param committedIndex the leader's commit index now
     * @param timer ends waits at {@link Settings#maxWait()}
     * @param nanoClock {@link System#nanoTime()}, or a test's clock
     */
    public FlowControl(Settings settings, LongSupplier committedIndex, ScheduledExecutorService timer,
            LongSupplier nanoClock) {
        this.settings = requireNonNull(settings, "settings is null");
        this.committedIndex = requireNonNull(committedIndex, "committedIndex is null");
        this.timer = requireNonNull(timer, "timer is null");
        this.nanoClock = requireNonNull(nanoClock, "nanoClock is null");
        this.summaryAt = nanoClock.getAsLong();
    }

    public Settings settings() {
        return settings;
    }

    /**
     * Completes when a new write may go ahead: at once unless some follower is too far behind, else when it has
     * caught up or after {@link Settings#maxWait()}. Never fails.
     */
    public CompletableFuture<Void> admit() {
        if (!settings.enabled()) {
            return CompletableFuture.completedFuture(null);
        }
        lock.lock();
        try {
            if (!holding || closed) {
                return CompletableFuture.completedFuture(null);
            }
            Held wait = new Held(nanoClock.getAsLong());
            wait.timeout = timer.schedule(() -> release(wait), settings.maxWait().toNanos(), TimeUnit.NANOSECONDS);
            held.add(wait);
            return wait.admitted;
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(null); // the timer stopped: the node is closing
        } finally {
            lock.unlock();
        }
    }

    /** How far follower {@code nodeId} has applied the log, as it reported just now. */
    public void report(String nodeId, long appliedIndex) {
        requireNonNull(nodeId, "nodeId is null");
        lock.lock();
        try {
            long now = nanoClock.getAsLong();
            Progress progress = followers.get(nodeId);
            if (progress == null) {
                progress = new Progress();
                progress.applied = appliedIndex;
                progress.advancedAt = now;
                followers.put(nodeId, progress);
            } else if (appliedIndex != progress.applied) {
                if (appliedIndex < progress.applied) {
                    progress.synced = false; // it restarted on older data, or loads a snapshot: it catches up first
                }
                progress.applied = appliedIndex;
                progress.advancedAt = now;
            }
            progress.reportedAt = now;
        } finally {
            lock.unlock();
        }
        evaluate();
    }

    /** Forgets the followers not in {@code nodeIds} (they left the group). */
    public void retain(Collection<String> nodeIds) {
        lock.lock();
        try {
            followers.keySet().retainAll(nodeIds);
        } finally {
            lock.unlock();
        }
        evaluate();
    }

    /** This node no longer leads: it forgets every report and lets every waiting write go (its submit then fails). */
    public void reset() {
        List<Held> released;
        lock.lock();
        try {
            if (followers.isEmpty() && held.isEmpty()) {
                return; // called on every change of a follower's state: cheap when there is nothing to do
            }
            followers.clear();
            holding = false;
            released = takeHeld();
        } finally {
            lock.unlock();
        }
        released.forEach(this::complete);
    }

    /** The node closes: every waiting write goes on (to fail as the node shuts down), and no write waits again. */
    public void close() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
        reset();
    }

    /** Decides again whether writes wait: call it after reports, and now and then without (reports may stop). */
    public void evaluate() {
        if (!settings.enabled()) {
            return;
        }
        List<Held> released = List.of();
        lock.lock();
        try {
            long now = nanoClock.getAsLong();
            long committed = committedIndex.getAsLong();
            boolean wasHolding = holding;
            holding = false;
            if (closed) {
                return;
            }
            String slowest = null;
            long slowestLag = 0;
            for (Map.Entry<String, Progress> e : followers.entrySet()) {
                Progress p = e.getValue();
                long lag = committed - p.applied;
                if (!counts(e.getKey(), p, lag, now)) {
                    continue;
                }
                if (lag > settings.maxLag()) {
                    holding = true;
                    if (lag > slowestLag) {
                        slowest = e.getKey();
                        slowestLag = lag;
                    }
                }
            }
            if (holding && !wasHolding) {
                log.debug("flow control - {} is {} entries behind (limit {}): new writes wait", slowest, slowestLag,
                        settings.maxLag());
            }
            if (!holding) {
                released = takeHeld();
            }
            logSummary(now, slowest, slowestLag);
        } finally {
            lock.unlock();
        }
        released.forEach(this::complete);
    }

    /**
     * Whether writes wait for this follower now; updates whether it is synced, and logs when it stalls and when it
     * caught up after a stall.
     */
    private boolean counts(String nodeId, Progress p, long lag, long now) {
        if (!fresh(p, now)) {
            p.synced = false; // when it answers again, it catches up first
            return false;
        }
        if (lag <= settings.maxLag()) {
            p.synced = true;
            if (p.stallReported) {
                p.stallReported = false;
                log.info("flow control - {} applies again and caught up ({} entries behind): writes wait for it "
                        + "again when it falls behind", nodeId, lag);
            }
            return true;
        }
        if (p.synced && stalled(p, lag, now)) {
            p.synced = false;
            p.stallReported = true;
            log.warn("flow control - {} has applied nothing for {} s while {} entries behind: writes no longer "
                    + "wait for it until it has caught up (see its status)", nodeId,
                    settings.stallAfter().toSeconds(), lag);
        }
        return p.synced;
    }

    private static boolean fresh(Progress p, long now) {
        return now - p.reportedAt <= REPORT_TTL.toNanos();
    }

    private boolean stalled(Progress p, long lag, long now) {
        return lag > settings.maxLag() && now - p.advancedAt > settings.stallAfter().toNanos();
    }

    private void logSummary(long now, String slowest, long slowestLag) {
        if (now - summaryAt < SUMMARY_INTERVAL.toNanos()) {
            return;
        }
        if (summaryWrites > 0) {
            log.info("flow control - {} writes waited for followers in the last {} s, {} ms in total{}",
                    summaryWrites, TimeUnit.NANOSECONDS.toSeconds(now - summaryAt),
                    TimeUnit.NANOSECONDS.toMillis(summaryNanos),
                    slowest == null ? "" : "; " + slowest + " is " + slowestLag + " entries behind now");
        }
        summaryAt = now;
        summaryWrites = 0;
        summaryNanos = 0;
    }

    private void release(Held wait) {
        lock.lock();
        try {
            if (!held.remove(wait)) {
                return;
            }
        } finally {
            lock.unlock();
        }
        complete(wait);
    }

    /** Takes every waiting write; the caller completes them outside the lock. */
    private List<Held> takeHeld() {
        if (held.isEmpty()) {
            return List.of();
        }
        List<Held> taken = new ArrayList<>(held);
        held.clear();
        return taken;
    }

    private void complete(Held wait) {
        if (wait.timeout != null) {
            wait.timeout.cancel(false);
        }
        long waited = nanoClock.getAsLong() - wait.since;
        lock.lock();
        try {
            writesHeld++;
            heldNanos += waited;
            summaryWrites++;
            summaryNanos += waited;
        } finally {
            lock.unlock();
        }
        wait.admitted.complete(null);
    }

    /**
     * Whether followers' progress should be watched closely now: writes wait, or a follower is more than half the
     * limit behind. Otherwise a report every second or so is enough (each costs an HTTPS request on both nodes).
     */
    public boolean watchClosely() {
        lock.lock();
        try {
            if (holding) {
                return true;
            }
            long committed = committedIndex.getAsLong();
            return followers.values().stream().anyMatch(p -> (committed - p.applied) * 2 > settings.maxLag());
        } finally {
            lock.unlock();
        }
    }

    public State state() {
        lock.lock();
        try {
            long now = nanoClock.getAsLong();
            long committed = committedIndex.getAsLong();
            List<Follower> list = new ArrayList<>();
            followers.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
                Progress p = e.getValue();
                long lag = committed - p.applied;
                list.add(new Follower(e.getKey(), p.applied, lag,
                        fresh(p, now) && (lag <= settings.maxLag() || p.synced && !stalled(p, lag, now))));
            });
            return new State(settings, holding, List.copyOf(list), writesHeld,
                    TimeUnit.NANOSECONDS.toMillis(heldNanos));
        } finally {
            lock.unlock();
        }
    }
}
