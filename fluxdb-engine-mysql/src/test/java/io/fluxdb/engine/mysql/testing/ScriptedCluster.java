package io.fluxdb.engine.mysql.testing;

import io.fluxdb.engine.spi.Cluster;
import io.fluxdb.engine.spi.ClusterException;
import io.fluxdb.engine.spi.ClusterRole;
import io.fluxdb.engine.spi.CommitResult;
import io.fluxdb.engine.spi.LogEntryContent;
import io.fluxdb.engine.spi.NodeRole;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A replicated cluster as the front end sees it, played by the test: this node's role is set by the test, every
 * submitted entry is kept in order (as a log would assign it), and the next submit can be made to fail the way
 * replication fails (not the leader: certainly not appended; no quorum: outcome unknown). The engine, clients and
 * sockets around it are real; only the consensus is scripted, since replication's own tests cover it.
 */
public final class ScriptedCluster implements Cluster {
    /** One submitted entry and what its submitter reported afterwards. */
    public record Submitted(long index, LogEntryContent entry) {
    }

    private final List<Submitted> log = new ArrayList<>();
    private final Map<Long, Boolean> settled = new ConcurrentHashMap<>();
    private final Queue<CompletableFuture<Long>> readIndexAnswers = new ConcurrentLinkedQueue<>();
    private final AtomicInteger readIndexCalls = new AtomicInteger();
    private volatile ClusterRole role = new ClusterRole(NodeRole.LEADER, 3, Optional.of("test"), Optional.empty());
    private volatile ClusterException.Reason nextFailure;
    private volatile int maxEntryBytes = Integer.MAX_VALUE;

    @Override
    public String localNodeId() {
        return "test-node";
    }

    @Override
    public ClusterRole role() {
        return role;
    }

    public void leader() {
        role = new ClusterRole(NodeRole.LEADER, 3, Optional.of("test-node"), Optional.empty());
    }

    /** This node follows the leader whose clients connect to {@code leaderClientAddress}. */
    public void follower(InetSocketAddress leaderClientAddress) {
        role = new ClusterRole(NodeRole.FOLLOWER, 3, Optional.of("other-node"), Optional.of(leaderClientAddress));
    }

    /** An election runs: this node neither leads nor knows a leader. */
    public void noLeader() {
        role = new ClusterRole(NodeRole.CANDIDATE, 4, Optional.empty(), Optional.empty());
    }

    /** The next submit fails for {@code reason}. */
    public void failNextSubmit(ClusterException.Reason reason) {
        nextFailure = reason;
    }

    /** Entries larger than {@code bytes} (counting their statements' text and files) are refused, as the log does. */
    public void maxEntryBytes(int bytes) {
        maxEntryBytes = bytes;
    }

    @Override
    public int maxEntryBytes() {
        return maxEntryBytes;
    }

    @Override
    public synchronized CompletableFuture<CommitResult> submit(LogEntryContent entry) {
        long size = entry.statements().stream().mapToLong(s -> s.sql().length()
                + s.hints().localInfile().map(f -> f.value().length).orElse(0)).sum();
        if (size > maxEntryBytes) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("log entry: " + size
                    + " bytes (expected: <= " + maxEntryBytes + ")"));
        }
        ClusterException.Reason failure = nextFailure;
        if (failure != null) {
            nextFailure = null;
            return CompletableFuture.failedFuture(new ClusterException(failure, "scripted: " + failure));
        }
        long index = log.size() + 1;
        log.add(new Submitted(index, entry));
        // Completed on another thread, as replication completes it.
        return CompletableFuture.supplyAsync(() -> new CommitResult(role.term(), index));
    }

    public synchronized List<Submitted> log() {
        return List.copyOf(log);
    }

    public synchronized Submitted last() {
        return log.getLast();
    }

    /** Whether the submitter reported index as committed in its engine (true), not (false), or not at all (null). */
    public Boolean settled(long index) {
        return settled.get(index);
    }

    @Override
    public void settle(long index, boolean committed) {
        if (settled.putIfAbsent(index, committed) != null) {
            throw new IllegalStateException("index " + index + " settled twice");
        }
    }

    @Override
    public CompletableFuture<Void> awaitApplied(long index, Duration timeout) {
        return CompletableFuture.completedFuture(null);
    }

    /** The answers of the next {@link #readIndex()} calls, in order; after them it answers the log's size. */
    public void scriptReadIndex(List<CompletableFuture<Long>> answers) {
        readIndexAnswers.addAll(answers);
    }

    /** How many times {@link #readIndex()} was called. */
    public int readIndexCalls() {
        return readIndexCalls.get();
    }

    @Override
    public CompletableFuture<Long> readIndex() {
        readIndexCalls.incrementAndGet();
        CompletableFuture<Long> scripted = readIndexAnswers.poll();
        return scripted != null ? scripted : CompletableFuture.completedFuture((long) log.size());
    }

    @Override
    public long appliedIndex() {
        return log.size();
    }
}
