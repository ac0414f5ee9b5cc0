package io.fluxdb.replication.statemachine;

import static java.util.Objects.requireNonNull;

import io.fluxdb.engine.spi.ApplyConflictException;
import io.fluxdb.engine.spi.ApplyResult;
import io.fluxdb.engine.spi.ApplyTransaction;
import io.fluxdb.engine.spi.ClusterException;
import io.fluxdb.engine.spi.Engine;
import io.fluxdb.engine.spi.EngineHealth;
import io.fluxdb.replication.log.EntryEnvelope;
import io.fluxdb.replication.statemachine.ApplyItem.State;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies committed log entries to the engine, off the log's own thread, in parallel where the leader ran them in
 * parallel, and commits them in log order.
 *
 * <p>Rules (docs/design/replication.md, "Apply scheduling"):
 * <ul>
 *   <li>an entry executes once every index up to its {@link EntryEnvelope#lastCommitted()} has committed here;
 *   <li>commits happen in log order, so the applied watermark is contiguous;
 *   <li>an {@code IMPLICIT_COMMIT} or {@code CHECKSUM} entry, and an entry that ran into a lock of a concurrent one,
 *       runs alone: after every entry before it has committed and with nothing after it in flight;
 *   <li>an entry this node submitted in this run waits until its front end has settled it;
 *   <li>before the first entry of a newer term, {@link Engine#resolveOrphans} settles what older terms left open;
 *   <li>an exception from the engine, or a failed health check, pauses applying until the engine answers again;
 *       then every entry not yet applied runs again (the engine's applied log says what is done): no entry is ever
 *       skipped or applied twice.
 * </ul>
 *
 * <p>Entries are fed in log order by one thread ({@link #enqueueEntry}, {@link #enqueueMarker}); that thread never
 * blocks on the engine. Engine calls run on virtual threads.
 */
public final class ApplyScheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApplyScheduler.class);
    private static final Duration MAX_CONFLICT_BACKOFF = Duration.ofSeconds(1);

    /**
     * How far this node has applied: every index up to {@code index} is applied.
     *
     * @param term the term of the entry at {@code index}, 0 if none
     * @param index the highest contiguously applied log index, -1 if none
     */
    public record Watermark(long term, long index) {
    }

    private final Engine engine;
    private final String localNodeId;
    private final int maxParallel;
    private final Duration settleTimeout;
    private final ScheduledExecutorService timer;
    private final Runnable onChange;
    private final ExecutorService workers;
    private final AppliedWaiters waiters;
    private final long skipThrough;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when the queue shrinks or the scheduler closes. */
    private final java.util.concurrent.locks.Condition room = lock.newCondition();
    private final AtomicBoolean changed = new AtomicBoolean();
    private final ArrayDeque<ApplyItem> queue = new ArrayDeque<>();
    private final Map<Long, ApplyItem> awaitingSettle = new HashMap<>();
    private final List<String> divergences = new ArrayList<>();
    private final Thread health;

    private volatile Watermark watermark;
    private volatile Throwable failure;
    private long lastEnqueued;
    private long resolvedTerm;
    private boolean termCheckRunning;
    private int active;
    /**
     * Counts engine recoveries: a worker started before the last one reports to nobody, since every entry it held was
     * queued again (what it may have committed meanwhile is found applied when the entry runs again).
     */
    private long epoch;
    private volatile boolean closed;
    /** How many {@link #hold} calls are in effect; while any is, no entry above {@link #holdLimit} starts. */
    private int holds;
    private long holdLimit;

    /**
     * @param engine the started engine
     * @param localNodeId this node's id, as in {@code LogEntryContent.originNodeId}
     * @param start where the log resumes: the first index fed is {@code start.index() + 1}
     * @param settings parallelism and settle timeout
     * @param timer runs settle timeouts
     * @param callbacks completes {@link #awaitApplied} futures, so callers' continuations never run here
     * @param onChange told (outside any lock) when the watermark, divergence or failure changed
     */
    public ApplyScheduler(Engine engine, String localNodeId, Watermark start, ApplySettings settings,
            ScheduledExecutorService timer, Executor callbacks, Runnable onChange) {
        this.engine = requireNonNull(engine, "engine is null");
        this.localNodeId = requireNonNull(localNodeId, "localNodeId is null");
        this.watermark = requireNonNull(start, "start is null");
        this.settleTimeout = settings.settleTimeout();
        this.timer = requireNonNull(timer, "timer is null");
        this.onChange = requireNonNull(onChange, "onChange is null");
        this.maxParallel = settings.maxParallel();
        this.lastEnqueued = start.index();
        // the engine records every applied index with its data, so what it holds needs no second look
        this.skipThrough = Math.max(start.index(), engine.lastAppliedIndex());
        this.waiters = new AppliedWaiters(start.index(), requireNonNull(callbacks, "callbacks is null"));
        this.workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("fluxdb-apply-", 0).factory());
        this.health = Thread.ofVirtual().name("fluxdb-engine-health").start(this::watchHealth);
    }

    /**
     * Queues a committed entry. Called in log order, for consecutive indexes.
     *
     * @param local whether this node's front end submitted it in this run; it is then held back until
     *     {@link #settle}
     */
    public void enqueueEntry(long term, long index, EntryEnvelope envelope, boolean local) {
        requireNonNull(envelope, "envelope is null");
        if (index < 1) {
            throw new IllegalStateException("entry " + index + ": a log entry with content at index < 1");
        }
        enqueue(new ApplyItem(index, term, envelope), local);
    }

    /** How many entries may wait here; beyond it {@link #awaitRoom} holds the log's apply thread back. */
    static final int MAX_BACKLOG = 4096;

    /**
     * Blocks while {@link #MAX_BACKLOG} entries wait to be applied, so a node that applies slower than the log commits
     * (or whose engine is down) holds a bounded number of entries in memory; the others wait in the log on disk. Call
     * it before {@link #enqueueEntry}, from the thread that feeds the entries.
     */
    public void awaitRoom() throws InterruptedException {
        lock.lock();
        try {
            while (!closed && queue.size() >= MAX_BACKLOG) {
                room.await(1, TimeUnit.SECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Queues an index without content (a configuration or metadata entry of the log). */
    public void enqueueMarker(long term, long index) {
        enqueue(new ApplyItem(index, term, null), false);
    }

    private void enqueue(ApplyItem item, boolean local) {
        locked(() -> {
            if (closed) {
                return;
            }
            if (item.index != lastEnqueued + 1) {
                throw new IllegalStateException("entry " + item.index + " fed after " + lastEnqueued
                        + " (expected: " + (lastEnqueued + 1) + ")");
            }
            lastEnqueued = item.index;
            if (item.index <= skipThrough && queue.isEmpty()) {
                advanceWatermark(item);
                return;
            }
            queue.addLast(item);
            if (local) {
                item.awaitingSettle = true;
                awaitingSettle.put(item.index, item);
                // the task holds the index only, and the settle cancels it: a write does not stay reachable from the
                // timer's queue for the whole timeout
                long index = item.index;
                item.settleTimeout = timer.schedule(() -> settleTimedOut(index), settleTimeout.toMillis(),
                        TimeUnit.MILLISECONDS);
            }
            pump();
        });
    }

    /** The front end's word on an entry it submitted: it may now be applied. See {@code Cluster.settle}. */
    public void settle(long index, boolean committed) {
        locked(() -> {
            ApplyItem item = awaitingSettle.remove(index);
            if (item == null) {
                log.warn("entry {} - settle({}) for an entry this node is not holding back: ignored", index, committed);
                return;
            }
            item.awaitingSettle = false;
            item.committedHere = committed;
            if (item.settleTimeout != null) {
                item.settleTimeout.cancel(false);
                item.settleTimeout = null;
            }
            log.debug("entry {} - settled by its front end (committed: {})", index, committed);
            pump();
        });
    }

    private void settleTimedOut(long index) {
        locked(() -> {
            ApplyItem item = awaitingSettle.remove(index);
            if (item != null) {
                log.warn("entry {} - its front end did not settle it within {}; applying it from the log", index,
                        settleTimeout);
                item.awaitingSettle = false;
                pump();
            }
        });
    }

    /**
     * Holds applying back at a point: entries already started (and those before them) finish, no later one starts,
     * until the hold is closed. Returns once nothing runs, so the engine then holds exactly the entries up to the
     * returned watermark (and, on a leader, transactions its own clients committed, which the engine records as such).
     * For a consistent dump; keep the hold short, since the log's entries wait meanwhile.
     *
     * @throws TimeoutException if the engine does not get there within {@code timeout} (the hold is then released)
     */
    public Hold hold(Duration timeout) throws InterruptedException, TimeoutException {
        requireNonNull(timeout, "timeout is null");
        long deadline = System.nanoTime() + timeout.toNanos();
        locked(() -> {
            if (holds++ == 0) {
                long limit = watermark.index();
                for (ApplyItem item : queue) {
                    if (item.state != State.QUEUED || item.serial) {
                        limit = Math.max(limit, item.index);
                    }
                }
                holdLimit = limit;
            }
        });
        boolean held = false;
        try {
            while (true) {
                Watermark quiet = locked(() -> closed || failure != null || active > 0 || termCheckRunning
                        || queue.stream().anyMatch(item -> item.index <= holdLimit && !item.isMarker())
                        ? null : watermark);
                if (closed || failure != null) {
                    throw new IllegalStateException("applying stopped: " + (closed ? "closed" : failure));
                }
                if (quiet != null) {
                    held = true;
                    return new Hold(quiet);
                }
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("entries still applying after " + timeout);
                }
                // a short poll: the hold is rare (a dump) and brief, so it needs no signal from every state change
                Thread.sleep(5);
            }
        } finally {
            if (!held) {
                release();
            }
        }
    }

    /** A {@link #hold} in effect; closing it lets applying go on. */
    public final class Hold implements AutoCloseable {
        private final Watermark watermark;
        private boolean released;

        private Hold(Watermark watermark) {
            this.watermark = watermark;
        }

        /** Everything up to here is applied, and nothing after it. */
        public Watermark watermark() {
            return watermark;
        }

        @Override
        public void close() {
            if (!released) {
                released = true;
                release();
            }
        }
    }

    private void release() {
        locked(() -> {
            holds--;
            pump();
        });
    }

    /** How far this node has applied. */
    public Watermark watermark() {
        return watermark;
    }

    /** Completes once {@code index} is applied here; never fails except with SHUTDOWN when closed. */
    public CompletableFuture<Void> awaitApplied(long index) {
        return waiters.await(index);
    }

    /** Drops a future from {@link #awaitApplied} that its caller gave up on. */
    public void forget(long index, CompletableFuture<Void> future) {
        waiters.remove(index, future);
    }

    /**
     * This node's front end changed the engine outside the log: a statement that commits implicitly ran, and its
     * entry certainly never reached the log (the node had just lost its leadership). The node is diverged from now
     * on, as {@code resolveOrphans} would find at the next term, which may be long in coming.
     */
    public void divergedOutsideTheLog(String reason) {
        requireNonNull(reason, "reason is null");
        locked(() -> diverge(reason));
    }

    /** The first way this node's data was found to differ from the leader's, and how many more followed. */
    public Optional<String> divergence() {
        lock.lock();
        try {
            if (divergences.isEmpty()) {
                return Optional.empty();
            }
            int more = divergences.size() - 1;
            return Optional.of(divergences.get(0) + (more == 0 ? "" : " (and " + more + " more)"));
        } finally {
            lock.unlock();
        }
    }

    /**
     * The engine's data was replaced with a peer's dump at {@code index} (see {@code SnapshotInstaller.resync}): what
     * made this node differ is gone. Called while a {@link #hold} is in effect.
     */
    public void divergenceRepaired(long index) {
        locked(() -> {
            if (!divergences.isEmpty()) {
                log.info("entry {} - this node's data was replaced with a peer's at that index; the {} difference(s)"
                        + " found before no longer apply", index, divergences.size());
                divergences.clear();
                changed.set(true);
            }
        });
    }

    /**
     * Whether this node diverged, so that a re-sync from a peer is due: an entry's outcome here differed from the
     * leader's, or this node's own term as leader left a change the log never got (a DDL statement whose entry never
     * committed, a prepared transaction it could not roll back). Loading a peer's dump repairs both; the engine rolls
     * back its prepared transactions first, so none of them can commit into the new data.
     */
    public boolean resyncable() {
        lock.lock();
        try {
            return !divergences.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** The engine failure that paused applying, if it is still in effect. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /** Entries committed by the log and not yet applied here. */
    public int backlog() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** Entries holding an engine transaction right now. */
    public int inFlight() {
        lock.lock();
        try {
            return active;
        } finally {
            lock.unlock();
        }
    }

    // ---- scheduling; every method below that is not run by a worker is called with the lock held

    private void pump() {
        if (closed || failure != null) {
            return;
        }
        ApplyItem head;
        while ((head = queue.peekFirst()) != null && head.isMarker() && head.term <= resolvedTerm) {
            queue.removeFirst();
            room.signalAll();
            advanceWatermark(head);
            // a configuration entry has nothing for the engine: its watermark must still pass the index
            engine.appliedThrough(head.index);
        }
        if (head == null) {
            return;
        }
        if (head.term > resolvedTerm) {
            // every entry of older terms is applied: settle what they left open before anything newer runs
            if (!termCheckRunning && active == 0 && !heldBack(head)) {
                startTermCheck(head.term);
            }
            return;
        }
        if (head.state == State.EXECUTED) {
            startCommit(head);
        }
        startEligible(head);
    }

    private void startEligible(ApplyItem head) {
        // entries far behind the first cannot commit before it anyway: looking further only costs time per pump
        int lookAhead = 4 * maxParallel + 64;
        for (ApplyItem item : queue) {
            if (item.term > resolvedTerm || lookAhead-- == 0 || heldBack(item)) {
                return;
            }
            if (item.isMarker()) {
                continue;
            }
            boolean alone = item.runsAlone();
            if (item.state != State.QUEUED || item.awaitingSettle) {
                if (alone) {
                    return;
                }
                continue;
            }
            if (alone) {
                if (item == head && active == 0) {
                    startAlone(item);
                }
                return;
            }
            if (item.dependsOn() > watermark.index()) {
                continue;
            }
            // the first entry may always run: the ones after it hold their slots until it has committed
            if (active >= maxParallel && item != head) {
                return;
            }
            item.state = State.RUNNING;
            active++;
            long started = epoch;
            workers.execute(() -> execute(item, started));
        }
    }

    /** Whether a {@link #hold} keeps {@code item} from starting. */
    private boolean heldBack(ApplyItem item) {
        return holds > 0 && item.index > holdLimit;
    }

    private void startCommit(ApplyItem item) {
        item.state = State.FINISHING;
        ApplyTransaction transaction = item.transaction;
        item.transaction = null;
        long started = epoch;
        workers.execute(() -> commit(item, transaction, started));
    }

    private void startAlone(ApplyItem item) {
        item.state = State.RUNNING;
        active++;
        long started = epoch;
        workers.execute(() -> applyAlone(item, started));
    }

    private void startTermCheck(long term) {
        termCheckRunning = true;
        active++;
        long started = epoch;
        workers.execute(() -> resolveOrphans(term, started));
    }

    // ---- workers

    private void execute(ApplyItem item, long started) {
        ApplyTransaction transaction = null;
        ApplyResult result;
        try {
            transaction = engine.beginApply(item.index, item.envelope.content(), item.committedHere);
            result = transaction.execute();
        } catch (ApplyConflictException e) {
            Throwable closeFailure = closeQuietly(transaction);
            lockedIn(started, () -> {
                requeue(item, closeFailure);
                if (closeFailure == null) {
                    conflict(item, e);
                }
                pump();
            });
            return;
        } catch (Throwable t) {
            closeQuietly(transaction);
            lockedIn(started, () -> fail(item, t));
            return;
        }
        ApplyTransaction executed = transaction;
        boolean keep = locked(() -> {
            if (closed || item.abortRequested || failure != null || started != epoch) {
                item.state = State.FINISHING;
                return false;
            }
            item.transaction = executed;
            item.result = result;
            item.state = State.EXECUTED;
            pump();
            return true;
        });
        if (!keep) {
            rollBackForRetry(item, executed, started);
        }
    }

    private void commit(ApplyItem item, ApplyTransaction transaction, long started) {
        try {
            transaction.commit();
        } catch (Throwable t) {
            closeQuietly(transaction);
            lockedIn(started, () -> fail(item, t));
            return;
        }
        // Commits run one at a time, in log order: the next one may start now, while this connection is released.
        lockedIn(started, () -> {
            active--;
            finish(item, item.result);
            pump();
        });
        Throwable closeFailure = closeQuietly(transaction);
        if (closeFailure != null) {
            log.warn("entry {} - committed, but releasing its engine connection failed: {}", item.index,
                    closeFailure.toString());
        }
    }

    private void applyAlone(ApplyItem item, long started) {
        ApplyResult result = null;
        for (int attempt = 1; result == null; attempt++) {
            try {
                result = engine.apply(item.index, item.envelope.content());
            } catch (ApplyConflictException e) {
                // nothing else of the log runs now: the lock belongs to a client (a transaction on the leader, a
                // locking read), which will finish; wait and run the entry again, never skip it
                if (closed) {
                    return;
                }
                if (attempt == 1 || attempt % 10 == 0) {
                    log.warn("entry {} - lock conflict while applying alone (attempt {}): {}", item.index, attempt,
                            e.getMessage());
                }
                pause(Math.min(MAX_CONFLICT_BACKOFF.toMillis(), 10L << Math.min(attempt, 10)));
            } catch (Throwable t) {
                lockedIn(started, () -> fail(item, t));
                return;
            }
        }
        ApplyResult applied = result;
        lockedIn(started, () -> {
            active--;
            item.serial = false;
            finish(item, applied);
            pump();
        });
    }

    private void resolveOrphans(long term, long started) {
        List<String> differences;
        try {
            differences = engine.resolveOrphans(localNodeId, term);
        } catch (Throwable t) {
            lockedIn(started, () -> fail(null, t));
            return;
        }
        lockedIn(started, () -> {
            termCheckRunning = false;
            active--;
            resolvedTerm = Math.max(resolvedTerm, term);
            log.debug("term {} - entries of older terms applied; {} left-over differences", term, differences.size());
            differences.forEach(this::diverge);
            pump();
        });
    }

    private void rollBackForRetry(ApplyItem item, ApplyTransaction transaction, long started) {
        Throwable closeFailure = closeQuietly(transaction);
        lockedIn(started, () -> {
            requeue(item, closeFailure);
            pump();
        });
    }

    // ---- outcomes (lock held)

    /** Back to the queue once its transaction is rolled back; a failed rollback means the engine is unusable. */
    private void requeue(ApplyItem item, Throwable closeFailure) {
        active--;
        item.state = State.QUEUED;
        item.abortRequested = false;
        // the front end's word counts for the first attempt only: the engine decides the others
        item.committedHere = false;
        if (closeFailure != null) {
            fail(item, closeFailure);
        }
    }

    private void conflict(ApplyItem item, ApplyConflictException e) {
        item.serial = true;
        log.info("entry {} - lock conflict with an entry applied at the same time ({}); it runs again alone",
                item.index, e.getMessage());
        // entries after it may hold the lock it needs: roll them back, they run again after it
        boolean after = false;
        for (ApplyItem other : queue) {
            if (other == item) {
                after = true;
            } else if (after && other.state == State.RUNNING) {
                other.abortRequested = true;
            } else if (after && other.state == State.EXECUTED) {
                other.state = State.FINISHING;
                ApplyTransaction transaction = other.transaction;
                other.transaction = null;
                other.result = null;
                long started = epoch;
                workers.execute(() -> rollBackForRetry(other, transaction, started));
            }
        }
    }

    private void finish(ApplyItem item, ApplyResult result) {
        ApplyItem removed = queue.pollFirst();
        room.signalAll();
        if (removed != item) {
            throw new IllegalStateException("entry " + item.index + " committed while " + removed + " is first");
        }
        DivergenceCheck.compare(item.index, item.envelope.content(), result).ifPresent(this::diverge);
        // per entry at DEBUG on every node: INFO would print a line per write transaction
        log.debug("entry {} - applied: {}", item.index, result);
        advanceWatermark(item);
    }

    private void advanceWatermark(ApplyItem item) {
        watermark = new Watermark(item.term, item.index);
        waiters.advanceTo(item.index);
        changed.set(true);
    }

    private void diverge(String reason) {
        divergences.add(reason);
        changed.set(true);
        log.error("DIVERGED - {}; this node's data no longer equals the leader's and it must not serve reads "
                + "until it is re-synchronised", reason);
    }

    private void fail(ApplyItem item, Throwable cause) {
        if (failure != null) {
            return;
        }
        failure = cause;
        changed.set(true);
        log.error("entry {} - the engine failed; applying pauses until it answers again (checked every {} ms)",
                item == null ? "-" : item.index, HEALTH_INTERVAL.toMillis(), cause);
        for (ApplyItem other : queue) {
            if (other.state == State.EXECUTED) {
                ApplyTransaction transaction = other.transaction;
                other.transaction = null;
                other.state = State.FINISHING;
                workers.execute(() -> closeQuietly(transaction));
            }
        }
    }

    /** How often the engine is asked whether it answers. */
    static final Duration HEALTH_INTERVAL = Duration.ofSeconds(1);

    /**
     * Watches the engine on its own thread (a check may block for seconds): an engine that stops answering fails
     * applying even when no entry arrives, so a leader learns it cannot write and steps back; once it answers again,
     * applying resumes.
     */
    private void watchHealth() {
        int downChecks = 0;
        while (!closed) {
            try {
                Thread.sleep(HEALTH_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            EngineHealth health;
            try {
                health = engine.health();
            } catch (RuntimeException e) {
                health = EngineHealth.down(String.valueOf(e.getMessage()));
            }
            boolean down = health.status() == EngineHealth.Status.DOWN;
            if (down && failure == null) {
                String detail = health.detail();
                locked(() -> fail(null, new IllegalStateException("the engine does not answer: " + detail)));
            } else if (down && ++downChecks % 30 == 0) {
                log.warn("the engine still does not answer after {} checks: {}", downChecks, health.detail());
            } else if (!down && failure != null) {
                downChecks = 0;
                locked(this::recover);
            }
        }
    }

    /**
     * The engine answers again: every entry not yet applied runs again from the start. The engine's own record of
     * applied indexes decides what is already done, so an entry whose commit reached the engine before the failure
     * is found applied, not applied twice.
     */
    private void recover() {
        if (closed || failure == null) {
            return;
        }
        epoch++;
        for (ApplyItem item : queue) {
            if (item.transaction != null) {
                ApplyTransaction open = item.transaction;
                workers.execute(() -> closeQuietly(open));
            }
            item.transaction = null;
            item.result = null;
            item.abortRequested = false;
            item.committedHere = false;
            item.state = State.QUEUED;
        }
        active = 0;
        termCheckRunning = false;
        failure = null;
        changed.set(true);
        ApplyItem first = queue.peekFirst();
        log.info("the engine answers again; applying resumes{}", first == null ? "" : " at entry " + first.index);
        pump();
    }

    @Override
    public void close() {
        List<ApplyTransaction> open = new ArrayList<>();
        locked(() -> {
            closed = true;
            room.signalAll();
            for (ApplyItem item : queue) {
                if (item.state == State.EXECUTED) {
                    open.add(item.transaction);
                    item.transaction = null;
                    item.state = State.FINISHING;
                }
            }
        });
        health.interrupt();
        open.forEach(ApplyScheduler::closeQuietly);
        waiters.failAll(new ClusterException(ClusterException.Reason.SHUTDOWN, "the node is shutting down"));
        workers.shutdown();
        try {
            if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("apply - engine calls still running 10 s after close; leaving them");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- helpers

    private void locked(Runnable action) {
        locked(() -> {
            action.run();
            return null;
        });
    }

    /** Runs {@code action} under the lock unless the engine recovered since the worker of {@code started} began. */
    private void lockedIn(long started, Runnable action) {
        locked(() -> {
            if (started == epoch) {
                action.run();
            }
        });
    }

    private <T> T locked(Supplier<T> action) {
        T value;
        lock.lock();
        try {
            value = action.get();
        } finally {
            lock.unlock();
        }
        if (changed.getAndSet(false)) {
            onChange.run();
        }
        return value;
    }

    /** Rolls back and releases; returns what went wrong instead of throwing, for paths already handling a failure. */
    private static Throwable closeQuietly(ApplyTransaction transaction) {
        if (transaction == null) {
            return null;
        }
        try {
            transaction.close();
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
