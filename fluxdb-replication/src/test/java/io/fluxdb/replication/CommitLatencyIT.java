package io.fluxdb.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.engine.spi.CommitResult;
import io.fluxdb.engine.spi.LogEntryContent;
import io.fluxdb.replication.testing.TestCluster;
import io.fluxdb.replication.testing.TestCluster.Node;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commit latency of a three-node cluster in this JVM (fsync on, TLS on), one entry at a time and with entries in
 * flight, measured from submit to the commit; printed, not asserted: the machine's load decides the numbers. What is
 * asserted is that every entry reached every node.
 */
class CommitLatencyIT {
    private static final Logger log = LoggerFactory.getLogger(CommitLatencyIT.class);
    private static final String PADDING = "x".repeat(240);

    @TempDir
    Path directory;

    @Test
    void measuresSingleAndPipelinedCommitLatency() throws Exception {
        // the snapshot interval of a real cluster: the tests' short one would add a snapshot every 20 entries
        try (TestCluster cluster = TestCluster.start(directory, 3,
                TestCluster.TUNING.withSnapshotInterval(RaftTuning.DEFAULT.snapshotInterval()))) {
            Node leader = cluster.awaitLeader();
            // long enough for the JIT to compile the hot path; a young JVM spends most of its CPU compiling
            run(cluster, leader, "warm-up", 2000, 16);
            long[] single = run(cluster, leader, "one at a time", 300, 1);
            long[] sixteen = run(cluster, leader, "16 in flight", 1500, 16);
            long[] sixtyFour = run(cluster, leader, "64 in flight", 1500, 64);
            assertThat(single).hasSize(300);
            assertThat(sixteen).hasSize(1500);
            assertThat(sixtyFour).hasSize(1500);

            long last = leader.cluster().appliedIndex();
            cluster.awaitApplied(last);
            for (Node node : cluster.running()) {
                assertThat(node.engine.data()).as("data on %s", node).isEqualTo(leader.engine.data());
                assertThat(node.engine.data()).containsKey("64_in_flight-1499");
            }
        }
    }

    /** Submits {@code count} entries with at most {@code inFlight} outstanding; returns each one's latency in ns. */
    private static long[] run(TestCluster cluster, Node leader, String name, int count, int inFlight)
            throws InterruptedException {
        Semaphore permits = new Semaphore(inFlight);
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicLong failures = new AtomicLong();
        long started = System.nanoTime();
        for (int i = 0; i < count; i++) {
            permits.acquire();
            LogEntryContent content = cluster.leaderEntry(leader, "put " + name.replace(' ', '_') + "-" + i + " "
                    + PADDING);
            String xid = content.originTransaction().orElseThrow();
            leader.engine.prepare(xid, content.statements());
            long submitted = System.nanoTime();
            CompletableFuture<CommitResult> future = leader.cluster().submit(content);
            future.whenComplete((result, error) -> {
                latencies.add(System.nanoTime() - submitted);
                if (error != null) {
                    failures.incrementAndGet();
                } else {
                    // what the front end does next: commit its prepared transaction, then settle
                    leader.engine.commitPrepared(xid, result.index());
                    leader.cluster().settle(result.index(), true);
                }
                permits.release();
            });
        }
        permits.acquire(inFlight);
        long elapsed = System.nanoTime() - started;
        assertThat(failures.get()).as("failed submits in %s", name).isZero();
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        log.info("commit latency, {}: {} entries in {} ms = {} commits/s; latency p50 {} ms, p90 {} ms, p99 {} ms, "
                        + "max {} ms, mean {} ms", name, count, millis(elapsed), count * 1_000_000_000L / elapsed,
                millis(sorted[sorted.length / 2]), millis(sorted[sorted.length * 9 / 10]),
                millis(sorted[sorted.length * 99 / 100]), millis(sorted[sorted.length - 1]),
                millis((long) Arrays.stream(sorted).average().orElse(0)));
        return sorted;
    }

    private static String millis(long nanos) {
        return String.format("%.2f", nanos / 1e6);
    }
}
