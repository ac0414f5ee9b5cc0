package io.fluxdb.replication.testing;

import static java.util.Objects.requireNonNull;

import io.fluxdb.engine.spi.ApplyConflictException;
import io.fluxdb.engine.spi.ApplyResult;
import io.fluxdb.engine.spi.ApplyTransaction;
import io.fluxdb.engine.spi.Engine;
import io.fluxdb.engine.spi.EngineHealth;
import io.fluxdb.engine.spi.EngineInfo;
import io.fluxdb.engine.spi.LogEntryContent;
import io.fluxdb.engine.spi.ReplicatedStatement;
import io.fluxdb.engine.spi.StatementClassifier;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory engine for replication tests. Its "SQL" is a few commands, one per statement:
 * <ul>
 *   <li>{@code put <key> <value>}: write a key (row lock on the key until commit; 1 row, 0 if unchanged);
 *   <li>{@code sleep <millis>}: take that long (0 rows);
 *   <li>{@code rows <n>}: report {@code n} affected rows;
 *   <li>{@code fail}: fail with error 1062 (an outcome, not an exception);
 *   <li>{@code crash}: throw, as an engine whose connection is gone.
 * </ul>
 * It keeps an applied-index record with the data (exactly-once), the leader-side commits of prepared transactions,
 * and what tests look at: the commit order, how often each index was executed, when, and the conflicts.
 *
 * <p>A row lock waits {@link #lockWait} for its holder, then throws {@link ApplyConflictException}, like a lock wait
 * timeout. The instance survives restarts of the cluster node that uses it, as a database would.
 */
public final class TestEngine implements Engine {
    private final String name;
    private final Object state = new Object();
    private final Map<String, String> data = new TreeMap<>();
    private final TreeMap<Long, ApplyResult> appliedLog = new TreeMap<>();
    private final Map<String, Map<String, String>> prepared = new HashMap<>();
    private final Map<String, Long> leaderCommits = new HashMap<>();
    private final Map<String, Lock> locks = new ConcurrentHashMap<>();

    /** Indexes in the order their engine transaction committed (AlreadyApplied excluded). */
    public final List<Long> commitOrder = new CopyOnWriteArrayList<>();
    /** How many times each index's statements started executing. */
    public final Map<Long, AtomicInteger> executions = new ConcurrentHashMap<>();
    /** Start and end (System.nanoTime) of each index's last execution. */
    public final Map<Long, long[]> executionTimes = new ConcurrentHashMap<>();
    /** The committedHere hint of each beginApply call that carried one, by index (the last one). */
    public final Map<Long, Boolean> committedHereHints = new ConcurrentHashMap<>();
    /** Every engine call for an index (beginApply or apply). */
    public final Map<Long, AtomicInteger> calls = new ConcurrentHashMap<>();
    /** Terms resolveOrphans was called with. */
    public final List<Long> orphanChecks = new CopyOnWriteArrayList<>();
    /** The engine's applied index at each resolveOrphans call. */
    public final List<Long> orphanCheckApplied = new CopyOnWriteArrayList<>();
    public final AtomicInteger conflicts = new AtomicInteger();

    /** How long a row lock is waited for before the statement fails as a conflict. */
    public volatile Duration lockWait = Duration.ofMillis(300);
    /** Added to every statement's execution. */
    public volatile Duration executionDelay = Duration.ZERO;
    /** What resolveOrphans reports as differences. */
    public volatile List<String> orphanDifferences = List.of();

    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger maxRunning = new AtomicInteger();

    public TestEngine(String name) {
        this.name = requireNonNull(name, "name is null");
    }

    // ---- what a front end on the leader does with its own transactions

    /** Executes and prepares a transaction under {@code xid}, as the leader's front end does before submitting. */
    public void prepare(String xid, List<ReplicatedStatement> statements) {
        Map<String, String> writes = new LinkedHashMap<>();
        for (ReplicatedStatement statement : statements) {
            String[] words = statement.sql().split(" ");
            if (words[0].equals("put")) {
                writes.put(words[1], words[2]);
            }
        }
        synchronized (state) {
            prepared.put(xid, writes);
        }
    }

    /** Commits a prepared transaction and records that it committed (the leader's COMMIT after the log commit). */
    public void commitPrepared(String xid, long index) {
        synchronized (state) {
            Map<String, String> writes = prepared.remove(xid);
            if (writes == null) {
                throw new IllegalStateException("no prepared transaction " + xid);
            }
            data.putAll(writes);
            leaderCommits.put(xid, index);
        }
    }

    // ---- what tests look at

    public Map<String, String> data() {
        synchronized (state) {
            return new TreeMap<>(data);
        }
    }

    public Optional<String> value(String key) {
        synchronized (state) {
            return Optional.ofNullable(data.get(key));
        }
    }

    public Map<Long, ApplyResult> appliedLog() {
        synchronized (state) {
            return new TreeMap<>(appliedLog);
        }
    }

    public int executionsOf(long index) {
        AtomicInteger count = executions.get(index);
        return count == null ? 0 : count.get();
    }

    public int callsFor(long index) {
        AtomicInteger count = calls.get(index);
        return count == null ? 0 : count.get();
    }

    /** The most statements lists that executed at the same time. */
    public int maxConcurrentExecutions() {
        return maxRunning.get();
    }

    public boolean isPrepared(String xid) {
        synchronized (state) {
            return prepared.containsKey(xid);
        }
    }

    // ---- Engine

    @Override
    public void start() {
    }

    private volatile boolean connectionLost;

    /** The engine stops answering, as when its server crashed: every apply fails and the health check says DOWN. */
    public void loseConnection() {
        connectionLost = true;
    }

    /** The engine's server is back. */
    public void reconnect() {
        connectionLost = false;
    }

    @Override
    public EngineInfo info() {
        throw new UnsupportedOperationException("not used by replication");
    }

    /** Down once a "crash" statement broke the connection: this engine never comes back. */
    @Override
    public EngineHealth health() {
        return connectionLost ? EngineHealth.down("engine connection lost") : EngineHealth.up();
    }

    @Override
    public StatementClassifier classifier() {
        throw new UnsupportedOperationException("not used by replication");
    }

    @Override
    public ApplyResult apply(long index, LogEntryContent entry) {
        ApplyTransaction transaction = beginApply(index, entry);
        try {
            ApplyResult result = transaction.execute();
            transaction.commit();
            return result;
        } finally {
            transaction.close();
        }
    }

    @Override
    public ApplyTransaction beginApply(long index, LogEntryContent entry, boolean committedHere) {
        committedHereHints.put(index, committedHere);
        return beginApply(index, entry);
    }

    @Override
    public ApplyTransaction beginApply(long index, LogEntryContent entry) {
        calls.computeIfAbsent(index, i -> new AtomicInteger()).incrementAndGet();
        if (connectionLost) {
            throw new IllegalStateException("engine connection lost");
        }
        return new Transaction(index, entry);
    }

    @Override
    public List<String> resolveOrphans(String localNodeId, long term) {
        orphanChecks.add(term);
        orphanCheckApplied.add(lastAppliedIndex());
        synchronized (state) {
            prepared.keySet().removeIf(xid -> xid.startsWith("fx-") && termOf(xid) < term
                    && xid.contains("-" + localNodeId + "-"));
        }
        return orphanDifferences;
    }

    @Override
    public long lastAppliedIndex() {
        synchronized (state) {
            return appliedLog.isEmpty() ? 0 : appliedLog.lastKey();
        }
    }

    @Override
    public void dump(OutputStream out) {
        throw new UnsupportedOperationException("not used by replication");
    }

    @Override
    public void restore(InputStream in) {
        throw new UnsupportedOperationException("not used by replication");
    }

    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "TestEngine[" + name + "]";
    }

    private static long termOf(String xid) {
        return Long.parseLong(xid.split("-")[1]);
    }

    /** One entry being applied: locks and buffered writes until commit or close. */
    private final class Transaction implements ApplyTransaction {
        private final long index;
        private final LogEntryContent entry;
        private final Map<String, String> writes = new LinkedHashMap<>();
        private final List<Lock> held = new ArrayList<>();
        private ApplyResult result;
        private boolean finished;

        Transaction(long index, LogEntryContent entry) {
            this.index = index;
            this.entry = entry;
        }

        @Override
        public ApplyResult execute() {
            synchronized (state) {
                if (appliedLog.containsKey(index)) {
                    return result = new ApplyResult.AlreadyApplied(index);
                }
                Optional<String> xid = entry.originTransaction();
                if (xid.isPresent() && leaderCommits.containsKey(xid.get())) {
                    writes.clear();
                    return result = new ApplyResult.AlreadyApplied(index);
                }
                if (xid.isPresent() && prepared.containsKey(xid.get())) {
                    // the origin node's own prepared transaction: commit it rather than run the statements again
                    writes.putAll(prepared.get(xid.get()));
                    return result = new ApplyResult.Applied(index,
                            entry.statements().stream().map(s -> 1L).toList());
                }
            }
            executions.computeIfAbsent(index, i -> new AtomicInteger()).incrementAndGet();
            long start = System.nanoTime();
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                pause(executionDelay.toMillis());
                List<Long> rows = new ArrayList<>();
                for (int i = 0; i < entry.statements().size(); i++) {
                    String[] words = entry.statements().get(i).sql().split(" ");
                    switch (words[0]) {
                        case "put" -> rows.add(put(words[1], words[2]));
                        case "sleep" -> {
                            pause(Long.parseLong(words[1]));
                            rows.add(0L);
                        }
                        case "rows" -> rows.add(Long.parseLong(words[1]));
                        case "fail" -> {
                            releaseLocks();
                            writes.clear();
                            return result = new ApplyResult.Failed(index, i, 1062, "23000",
                                    "Duplicate entry 'x' for key 'PRIMARY'");
                        }
                        case "crash" -> {
                            connectionLost = true;
                            throw new IllegalStateException("engine connection lost");
                        }
                        default -> throw new IllegalArgumentException("unknown test statement: " + words[0]);
                    }
                }
                return result = new ApplyResult.Applied(index, rows);
            } finally {
                running.decrementAndGet();
                executionTimes.put(index, new long[] {start, System.nanoTime()});
            }
        }

        private long put(String key, String value) {
            Lock lock = locks.computeIfAbsent(key, k -> new Lock());
            if (!held.contains(lock)) {
                if (!lock.acquire(index, lockWait)) {
                    conflicts.incrementAndGet();
                    throw new ApplyConflictException("lock wait timeout on '" + key + "' (held by entry "
                            + lock.owner + ")", null);
                }
                held.add(lock);
            }
            String before;
            synchronized (state) {
                before = writes.containsKey(key) ? writes.get(key) : data.get(key);
            }
            writes.put(key, value);
            return value.equals(before) ? 0 : 1;
        }

        @Override
        public void commit() {
            if (result == null || finished) {
                throw new IllegalStateException("entry " + index + ": commit without execute");
            }
            synchronized (state) {
                if (!(result instanceof ApplyResult.AlreadyApplied)) {
                    if (appliedLog.containsKey(index)) {
                        throw new IllegalStateException("entry " + index + " applied twice");
                    }
                    data.putAll(writes);
                    entry.originTransaction().ifPresent(prepared::remove);
                    appliedLog.put(index, result);
                    commitOrder.add(index);
                } else if (!appliedLog.containsKey(index)) {
                    // the leader's own transaction, committed by its front end: record the index only
                    appliedLog.put(index, result);
                }
            }
            finished = true;
            releaseLocks();
        }

        @Override
        public void close() {
            finished = true;
            writes.clear();
            releaseLocks();
        }

        private void releaseLocks() {
            held.forEach(Lock::release);
            held.clear();
        }
    }

    /** A row lock owned by one entry; released by whichever thread ends that entry's transaction. */
    private static final class Lock {
        private final Semaphore permit = new Semaphore(1);
        private volatile long owner;

        boolean acquire(long index, Duration wait) {
            try {
                if (!permit.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                    return false;
                }
                owner = index;
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        void release() {
            owner = 0;
            permit.release();
        }
    }

    private static void pause(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
