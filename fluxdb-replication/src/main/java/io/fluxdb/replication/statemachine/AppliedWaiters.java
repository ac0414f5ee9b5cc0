package io.fluxdb.replication.statemachine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** Futures waiting for the applied watermark to reach an index. Thread-safe. */
final class AppliedWaiters {
    private final TreeMap<Long, List<CompletableFuture<Void>>> waiting = new TreeMap<>();
    private final Executor callbacks;
    private long reached;

    AppliedWaiters(long reached, Executor callbacks) {
        this.reached = reached;
        this.callbacks = callbacks;
    }

    /** A future that completes once the watermark reaches {@code index}, already complete if it has. */
    CompletableFuture<Void> await(long index) {
        synchronized (this) {
            if (index > reached) {
                CompletableFuture<Void> future = new CompletableFuture<>();
                waiting.computeIfAbsent(index, i -> new ArrayList<>()).add(future);
                return future;
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    /** Forgets a future that completed otherwise (timed out). */
    synchronized void remove(long index, CompletableFuture<Void> future) {
        List<CompletableFuture<Void>> list = waiting.get(index);
        if (list != null && list.remove(future) && list.isEmpty()) {
            waiting.remove(index);
        }
    }

    void advanceTo(long watermark) {
        List<CompletableFuture<Void>> due = new ArrayList<>();
        synchronized (this) {
            reached = Math.max(reached, watermark);
            for (Map.Entry<Long, List<CompletableFuture<Void>>> head; (head = waiting.firstEntry()) != null
                    && head.getKey() <= reached; ) {
                due.addAll(waiting.pollFirstEntry().getValue());
            }
        }
        if (!due.isEmpty()) {
            // completed elsewhere: a caller's continuation must never run on an apply thread
            callbacks.execute(() -> due.forEach(f -> f.complete(null)));
        }
    }

    void failAll(Throwable cause) {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        synchronized (this) {
            waiting.values().forEach(all::addAll);
            waiting.clear();
        }
        all.forEach(f -> f.completeExceptionally(cause));
    }
}
