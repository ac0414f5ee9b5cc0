package io.fluxdb.engine.mysql.snapshot;

import java.io.InterruptedIOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine connections of one load, and a thread per connection that sends row batches on it. A batch goes to the
 * next idle connection while the loading thread reads the next one from the dump, so reading overlaps the engine's
 * inserts and up to N batches insert at once; the loading thread waits while every connection is busy, so at most
 * N + 1 batches are in memory. Anything else the load runs waits first until no batch runs ({@link #quiesce}), which
 * keeps the dump's statement order. After a batch failed, every later call throws its error.
 */
final class InsertPool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InsertPool.class);
    /** How long closing waits for batches still running (one batch is at most a few MiB). */
    private static final long CLOSE_WAIT_SECONDS = 120;

    /** One batch of rows, sent on whichever of the pool's sessions is idle. */
    @FunctionalInterface
    interface Batch {
        void insert(LoaderSession session) throws SQLException;
    }

    private final List<LoaderSession> sessions;
    private final BlockingQueue<LoaderSession> idle;
    private final ExecutorService threads;
    private final AtomicReference<SQLException> failure = new AtomicReference<>();

    private InsertPool(List<LoaderSession> sessions) {
        this.sessions = List.copyOf(sessions);
        this.idle = new ArrayBlockingQueue<>(sessions.size(), false, sessions);
        this.threads = Executors.newFixedThreadPool(sessions.size(),
                Thread.ofPlatform().name("dump-load-", 1).daemon().factory());
    }

    /**
     * Opens {@code connections} sessions with {@code connector}, or with 0 as many as {@link #forProcessors} gives for
     * the engine's processors; none stays open if one fails to open.
     */
    static InsertPool open(AdminConnector connector, int connections) throws SQLException {
        if (connections < 0) {
            throw new IllegalArgumentException("connections: " + connections + " (expected: 0 or more)");
        }
        List<LoaderSession> sessions = new ArrayList<>();
        try {
            sessions.add(LoaderSession.open(connector));
            int wanted = connections == 0 ? forProcessors(sessions.get(0).engineProcessors()) : connections;
            while (sessions.size() < wanted) {
                sessions.add(LoaderSession.open(connector));
            }
        } catch (SQLException | RuntimeException e) {
            closeAll(sessions);
            throw e;
        }
        return new InsertPool(sessions);
    }

    /**
     * Connections for an engine on {@code processors} processors: 2 (one inserts while the next batch is read and
     * another inserts), more on hosts with more than 4 processors (half of them, at most 4, so the inserts leave
     * processors to the loader and to whatever else the host runs); 2 when the count is unknown.
     */
    static int forProcessors(OptionalInt processors) {
        return processors.isPresent() ? Math.clamp(processors.getAsInt() / 2, 2, 4) : 2;
    }

    /** How many connections the pool loads on. */
    int size() {
        return sessions.size();
    }

    /** Hands {@code batch} to the next idle connection's thread, waiting while none is idle. */
    void send(Batch batch) throws SQLException, InterruptedIOException {
        LoaderSession session = takeIdle();
        SQLException failed = failure.get();
        if (failed != null) {
            idle.add(session);
            throw rethrown(failed);
        }
        threads.execute(() -> {
            try {
                batch.insert(session);
            } catch (SQLException e) {
                failure.compareAndSet(null, e);
            } catch (Throwable t) {
                failure.compareAndSet(null, new SQLException("a row batch failed: " + t, t));
            } finally {
                idle.add(session);
            }
        });
    }

    /**
     * Waits until every batch sent so far has finished, and throws the first failure among them; returns the session
     * statements run on, which no batch uses until the next {@link #send}.
     */
    LoaderSession quiesce() throws SQLException, InterruptedIOException {
        List<LoaderSession> all = new ArrayList<>(sessions.size());
        try {
            while (all.size() < sessions.size()) {
                all.add(takeIdle());
            }
        } finally {
            idle.addAll(all);
        }
        SQLException failed = failure.get();
        if (failed != null) {
            throw rethrown(failed);
        }
        return sessions.get(0);
    }

    /** Waits for the batches still running (after a failure they are not replaced), then closes every connection. */
    @Override
    public void close() {
        threads.shutdown();
        boolean ended = false;
        try {
            ended = threads.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
            if (!ended) {
                log.warn("load - row batches still running after {} s; closing their connections",
                        CLOSE_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeAll(sessions); // ends any statement still running, and with it its thread
        if (!ended) {
            threads.shutdownNow();
        }
    }

    private LoaderSession takeIdle() throws InterruptedIOException {
        try {
            return idle.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while loading a dump");
        }
    }

    /** The batch's error, thrown again on the loading thread (whose stack it then carries too). */
    private static SQLException rethrown(SQLException failed) {
        return new SQLException(failed.getMessage(), failed.getSQLState(), failed.getErrorCode(), failed);
    }

    private static void closeAll(List<LoaderSession> sessions) {
        for (LoaderSession session : sessions) {
            try {
                session.close();
            } catch (SQLException e) {
                log.debug("load - closing a loader connection: {}", e.getMessage());
            }
        }
    }
}
