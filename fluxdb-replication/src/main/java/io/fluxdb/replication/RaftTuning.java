package io.fluxdb.replication;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Timeouts and limits of the replicated log. {@link #DEFAULT} suits a cluster on one network; tests shorten the
 * election timeouts.
 *
 * @param submitTimeout how long {@code submit} waits for a majority before it fails with NO_QUORUM (the entry may
 *     still commit) or NOT_LEADER (it was never appended)
 * @param electionTimeoutMin the least time a follower waits for its leader before it starts an election
 * @param electionTimeoutMax the most; each follower picks a random timeout between the two
 * @param settleTimeout how long an entry this node submitted waits for its front end's settle before it is applied
 *     from the log regardless
 * @param maxParallelApply how many entries may hold an engine transaction at once while applying; the engine must be
 *     able to hold one more than this at once (the first uncommitted entry may always start)
 * @param snapshotInterval how many log entries pass between two records of the applied watermark
 * @param maxEntryBytes the largest encoded log entry accepted
 * @param flowControl how far followers may fall behind before the leader's new writes wait
 */
public record RaftTuning(Duration submitTimeout, Duration electionTimeoutMin, Duration electionTimeoutMax,
        Duration settleTimeout, int maxParallelApply, long snapshotInterval, int maxEntryBytes,
        FlowControl.Settings flowControl) {

    /**
     * 5 s to commit, elections after 1-2 s without a leader, 60 s to settle, 16 in parallel, 16 MiB entries, writes
     * wait while a follower is more than 250 entries behind.
     */
    public static final RaftTuning DEFAULT = new RaftTuning(Duration.ofSeconds(5), Duration.ofSeconds(1),
            Duration.ofSeconds(2), Duration.ofSeconds(60), 16, 10_000, 16 << 20, FlowControl.Settings.DEFAULT);

    /** Ratis buffers whole entries in memory; above this its defaults would need to grow as well. */
    static final int MAX_ENTRY_BYTES_LIMIT = 64 << 20;

    public RaftTuning {
        requireNonNull(submitTimeout, "submitTimeout is null");
        requireNonNull(electionTimeoutMin, "electionTimeoutMin is null");
        requireNonNull(electionTimeoutMax, "electionTimeoutMax is null");
        requireNonNull(settleTimeout, "settleTimeout is null");
        requireNonNull(flowControl, "flowControl is null");
        positive("submitTimeout", submitTimeout);
        positive("settleTimeout", settleTimeout);
        if (electionTimeoutMin.toMillis() < 50) {
            throw new IllegalArgumentException("electionTimeoutMin: " + electionTimeoutMin + " (expected: >= 50 ms)");
        }
        if (electionTimeoutMax.compareTo(electionTimeoutMin) <= 0) {
            throw new IllegalArgumentException("electionTimeoutMax: " + electionTimeoutMax
                    + " (expected: > electionTimeoutMin " + electionTimeoutMin + ")");
        }
        if (maxParallelApply < 1) {
            throw new IllegalArgumentException("maxParallelApply: " + maxParallelApply + " (expected: >= 1)");
        }
        if (snapshotInterval < 1) {
            throw new IllegalArgumentException("snapshotInterval: " + snapshotInterval + " (expected: >= 1)");
        }
        if (maxEntryBytes < 1024 || maxEntryBytes > MAX_ENTRY_BYTES_LIMIT) {
            throw new IllegalArgumentException("maxEntryBytes: " + maxEntryBytes + " (expected: 1024-"
                    + MAX_ENTRY_BYTES_LIMIT + ")");
        }
    }

    public RaftTuning withSubmitTimeout(Duration value) {
        return new RaftTuning(value, electionTimeoutMin, electionTimeoutMax, settleTimeout, maxParallelApply,
                snapshotInterval, maxEntryBytes, flowControl);
    }

    public RaftTuning withElectionTimeout(Duration min, Duration max) {
        return new RaftTuning(submitTimeout, min, max, settleTimeout, maxParallelApply, snapshotInterval,
                maxEntryBytes, flowControl);
    }

    public RaftTuning withSettleTimeout(Duration value) {
        return new RaftTuning(submitTimeout, electionTimeoutMin, electionTimeoutMax, value, maxParallelApply,
                snapshotInterval, maxEntryBytes, flowControl);
    }

    public RaftTuning withMaxParallelApply(int value) {
        return new RaftTuning(submitTimeout, electionTimeoutMin, electionTimeoutMax, settleTimeout, value,
                snapshotInterval, maxEntryBytes, flowControl);
    }

    public RaftTuning withSnapshotInterval(long value) {
        return new RaftTuning(submitTimeout, electionTimeoutMin, electionTimeoutMax, settleTimeout, maxParallelApply,
                value, maxEntryBytes, flowControl);
    }

    public RaftTuning withMaxEntryBytes(int value) {
        return new RaftTuning(submitTimeout, electionTimeoutMin, electionTimeoutMax, settleTimeout, maxParallelApply,
                snapshotInterval, value, flowControl);
    }

    public RaftTuning withFlowControl(FlowControl.Settings value) {
        return new RaftTuning(submitTimeout, electionTimeoutMin, electionTimeoutMax, settleTimeout, maxParallelApply,
                snapshotInterval, maxEntryBytes, value);
    }

    private static void positive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
    }
}
