package io.fluxdb.replication;

import io.fluxdb.replication.snapshot.SnapshotHeader;
import io.fluxdb.replication.statemachine.FluxStateMachine;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-syncs a node whose data diverged from the log's (an entry's outcome here differed from the leader's, see {@code
 * ApplyScheduler.resyncable}): once it no longer leads, it replaces its engine's data with an up-to-date peer's dump
 * and goes on applying the log after it (see {@code SnapshotInstaller.resync}). A divergence that keeps coming back
 * points at a fault that a re-sync does not fix (a non-deterministic statement, a broken engine), so a node re-syncs
 * at most {@link #MAX_PER_HOUR} times an hour and then stays diverged, saying so.
 *
 * <p>What the node loses is what made it differ: rows the log does not account for. Acknowledged writes are all in
 * the log, so they are all in the peer's dump or in the entries applied after it.
 */
final class DivergenceRepair {
    private static final Logger log = LoggerFactory.getLogger(DivergenceRepair.class);
    static final int MAX_PER_HOUR = 3;
    private static final Duration RETRY = Duration.ofSeconds(15);

    private final String localNodeId;
    private final FluxStateMachine stateMachine;
    private final ScheduledExecutorService timer;
    private final Runnable recheck;
    private final Deque<Long> started = new ArrayDeque<>();
    private boolean running;
    private boolean retryScheduled;
    private boolean gaveUpLogged;

    DivergenceRepair(String localNodeId, FluxStateMachine stateMachine, ScheduledExecutorService timer,
            Runnable recheck) {
        this.localNodeId = localNodeId;
        this.stateMachine = stateMachine;
        this.timer = timer;
        this.recheck = recheck;
    }

    /**
     * This node's data diverged: starts a re-sync unless one runs, the node still leads (it hands leadership over
     * first; the change of leader calls this again), or it re-synced too often lately.
     */
    synchronized void consider(boolean leading, Optional<String> leaderId) {
        if (running || leading || retryScheduled) {
            return;
        }
        long now = System.nanoTime();
        while (!started.isEmpty() && now - started.peekFirst() > TimeUnit.HOURS.toNanos(1)) {
            started.removeFirst();
        }
        if (started.size() >= MAX_PER_HOUR) {
            if (!gaveUpLogged) {
                gaveUpLogged = true;
                log.error("{} - this node's data diverged again after {} re-syncs within an hour: it does not re-sync"
                        + " again automatically; find the cause (the log names each difference), then empty its"
                        + " engine and restart it to re-sync", localNodeId, started.size());
            }
            return;
        }
        running = true;
        started.addLast(now);
        log.warn("{} - re-syncing: replacing this node's diverged data with an up-to-date peer's", localNodeId);
        Thread.ofVirtual().name("fluxdb-divergence-repair").start(() -> run(leaderId));
    }

    private void run(Optional<String> leaderId) {
        boolean done = false;
        try {
            SnapshotHeader header = stateMachine.resyncDiverged(leaderId);
            log.info("{} - re-synced from a peer's data at index {}; this node's data equals the log's again",
                    localNodeId, header.index());
            done = true;
        } catch (Exception e) {
            log.warn("{} - re-syncing failed, trying again in {} s: {}", localNodeId, RETRY.toSeconds(), e.toString());
        } finally {
            synchronized (this) {
                running = false;
                if (!done) {
                    retryScheduled = true;
                    timer.schedule(this::retry, RETRY.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
            recheck.run();
        }
    }

    private void retry() {
        synchronized (this) {
            retryScheduled = false;
            // a failed attempt does not count against the hourly limit: it replaced nothing for good
            started.pollLast();
        }
        recheck.run();
    }
}
