package io.fluxdb.engine.mysql.frontend;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * The leader's write barrier. Write transactions hold it shared from their first write to their end; a statement
 * that commits implicitly (DDL) holds it exclusively while it runs and is appended, so the log order of a DDL entry
 * and the transactions around it is the order in which the engine ran them. Without it a transaction could run
 * against the old schema and still be appended after the DDL.
 *
 * <p>Non-blocking: waiters get futures, served first come, first served, so a waiting DDL is not starved by a
 * stream of transactions. Thread-safe.
 */
final class WriteGate {
    private record Waiter(boolean exclusive, CompletableFuture<Void> granted) {
    }

    private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
    private int shared;
    private boolean exclusive;

    /** Completes once the caller holds the gate shared; release with {@link #releaseShared()}. */
    CompletableFuture<Void> acquireShared() {
        return acquire(false);
    }

    /** Completes once the caller holds the gate alone; release with {@link #releaseExclusive()}. */
    CompletableFuture<Void> acquireExclusive() {
        return acquire(true);
    }

    private CompletableFuture<Void> acquire(boolean wantExclusive) {
        Waiter waiter = new Waiter(wantExclusive, new CompletableFuture<>());
        synchronized (this) {
            waiting.add(waiter);
            grant();
        }
        return waiter.granted();
    }

    synchronized void releaseShared() {
        if (shared == 0) {
            throw new IllegalStateException("shared release without a holder");
        }
        shared--;
        grant();
    }

    synchronized void releaseExclusive() {
        if (!exclusive) {
            throw new IllegalStateException("exclusive release without a holder");
        }
        exclusive = false;
        grant();
    }

    /**
     * Withdraws a request that has not been granted yet (its session went away). If it was granted meanwhile, the
     * caller must release it instead; returns whether the withdrawal happened.
     */
    synchronized boolean cancel(CompletableFuture<Void> request) {
        return waiting.removeIf(w -> w.granted() == request) && request.cancel(false);
    }

    synchronized int sharedHolders() {
        return shared;
    }

    private void grant() {
        while (!waiting.isEmpty() && !exclusive) {
            Waiter next = waiting.peek();
            if (next.exclusive()) {
                if (shared > 0) {
                    return;
                }
                exclusive = true;
            } else {
                shared++;
            }
            waiting.poll();
            // Completing runs the waiter's continuation; it only schedules work on its own event loop.
            next.granted().complete(null);
        }
    }
}
