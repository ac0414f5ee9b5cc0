package io.fluxdb.engine.mysql.backend;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Bounds the engine logins in progress at once; the others wait their turn, first come first
 * served. Without it, a burst of client logins becomes a burst of engine logins: thousands of
 * engine threads start at once, each waits for CPU to finish its handshake, and the engine closes
 * those that outlast its own {@code connect_timeout}. Queued here instead, each login runs quickly
 * once started, and the client's wait is bounded by the operator's connect timeout alone. A login
 * whose client gave up while it waited still runs when its turn comes; the connection then goes
 * back to the pool.
 *
 * <p>Thread-safe; the next login starts on the thread that completed the previous one.
 */
final class LoginGate {
    /**
     * Starts that a thread has still to run. A login may fail at once (an engine that refuses the
     * connection on the loopback fails it inside {@code connect}), and its completion starts the next
     * one: run inline, a long queue would nest one call per login and exhaust the thread's stack.
     */
    private static final ThreadLocal<ArrayDeque<Runnable>> PENDING_STARTS = new ThreadLocal<>();

    private final int limit;
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    private int running;

    LoginGate(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: >= 1)");
        }
        this.limit = limit;
    }

    /** Runs {@code login} now if fewer than the limit are in progress, else once one of them ends. */
    <T> CompletableFuture<T> submit(Supplier<CompletableFuture<T>> login) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Runnable start = () -> {
            CompletableFuture<T> attempt;
            try {
                attempt = login.get();
            } catch (RuntimeException e) {
                attempt = CompletableFuture.failedFuture(e);
            }
            attempt.whenComplete((value, error) -> {
                next();
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    result.complete(value);
                }
            });
        };
        boolean now;
        synchronized (this) {
            now = running < limit;
            if (now) {
                running++;
            } else {
                waiting.add(start);
            }
        }
        if (now) {
            run(start);
        }
        return result;
    }

    /** Logins waiting for their turn. */
    synchronized int waiting() {
        return waiting.size();
    }

    private void next() {
        Runnable next;
        synchronized (this) {
            next = waiting.poll();
            if (next == null) {
                running--;
            }
        }
        if (next != null) {
            run(next);
        }
    }

    /** Runs {@code start}, or, when this thread is already running starts, queues it behind them. */
    private static void run(Runnable start) {
        ArrayDeque<Runnable> pending = PENDING_STARTS.get();
        if (pending != null) {
            pending.add(start);
            return;
        }
        pending = new ArrayDeque<>();
        PENDING_STARTS.set(pending);
        try {
            for (Runnable r = start; r != null; r = pending.poll()) {
                r.run();
            }
        } finally {
            PENDING_STARTS.remove();
        }
    }
}
