package io.fluxdb.server.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fluxdb.replication.RaftCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A node whose engine and log are empty joins a cluster whose log no longer holds the early entries: the leader tells
 * it to install a snapshot, it loads a peer's dump while writes go on, then catches up from the log and ends with the
 * same data. Meanwhile the log stays bounded: segments a snapshot covers are purged.
 *
 * <p>The data size is {@code -Dfluxdb.it.snapshotMegabytes} (20 by default; 200 for the full figure).
 */
class SnapshotInstallIT {
    private static final int MEGABYTES = Integer.getInteger("fluxdb.it.snapshotMegabytes", 20);
    private static final int ROW_BYTES = 16 << 10;

    @Test
    void emptyNodeInstallsSnapshotUnderWritesAndConverges() throws Exception {
        try (TestCluster cluster = TestCluster.start(3, TestCluster.FAST.withSnapshotInterval(200)
                .withMaxEntryBytes(1 << 20))) {
            int leader = cluster.awaitLeader();
            int empty = (leader + 1) % 3;
            try (Connection c = cluster.connectRoot(leader); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE blobs (id BIGINT PRIMARY KEY, payload MEDIUMTEXT NOT NULL, note VARCHAR(40))");
            }
            cluster.awaitConverged();

            // the node loses everything: its operator stops, its engine and its log are emptied
            cluster.stopNode(empty);
            try (Connection c = cluster.engineConnection(empty); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE app");
                s.execute("DROP DATABASE fluxdb");
            }
            deleteTree(cluster.raftDirectory(empty));

            long rows = (long) MEGABYTES * (1 << 20) / ROW_BYTES;
            AtomicLong nextId = new AtomicLong();
            insertRows(cluster, rows, nextId);
            long logBytes = directorySize(cluster.raftDirectory(cluster.awaitLeader()));
            assertThat(logBytes).as("log directory after %d MB of writes", MEGABYTES)
                    .isLessThan((long) MEGABYTES * (1 << 20) / 2);

            Writer writer = new Writer(cluster, nextId);
            Thread load = Thread.ofPlatform().name("snapshot-it-writer").start(writer);
            try {
                cluster.startNode(empty);
                RaftCluster joined = (RaftCluster) cluster.node(empty).cluster();
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                        .until(() -> joined.appliedIndex() > 0 && !joined.installingSnapshot());
                assertThat(writer.written.get()).as("writes while the node installed").isPositive();
            } finally {
                writer.stopped.set(true);
                load.join();
            }
            // the writes of the writer after the snapshot arrive through the log
            insertRows(cluster, 50, nextId);
            cluster.awaitConverged();
            assertThat(writer.failure.get()).isNull();
            assertThat(cluster.checksums(empty)).isEqualTo(cluster.checksums(leader))
                    .containsKey("`app`.`blobs`");
            assertThat(cluster.checksums((leader + 2) % 3)).isEqualTo(cluster.checksums(leader));
            try (Connection c = cluster.engineConnection(empty); Statement s = c.createStatement();
                    var rs = s.executeQuery("SELECT COUNT(*) FROM app.blobs")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(nextId.get());
            }
            // the log stops growing: more writes, and it is still as small
            insertRows(cluster, rows / 2, nextId);
            assertThat(directorySize(cluster.raftDirectory(cluster.awaitLeader())))
                    .isLessThan((long) MEGABYTES * (1 << 20) / 2);
        }
    }

    private static void insertRows(TestCluster cluster, long count, AtomicLong nextId) throws SQLException {
        Random random = new Random(count);
        byte[] payload = new byte[ROW_BYTES / 2];
        try (Connection c = cluster.connectRoot(cluster.awaitLeader());
                PreparedStatement insert = c.prepareStatement("INSERT INTO blobs VALUES (?, ?, ?)")) {
            for (long i = 0; i < count; i++) {
                random.nextBytes(payload);
                long id = nextId.getAndIncrement();
                insert.setLong(1, id);
                insert.setString(2, java.util.HexFormat.of().formatHex(payload));
                insert.setString(3, "bulk " + id);
                insert.executeUpdate();
            }
        }
    }

    /** Small writes through the leader until stopped; a failure ends it and is reported. */
    private static final class Writer implements Runnable {
        private final TestCluster cluster;
        private final AtomicLong nextId;
        final AtomicBoolean stopped = new AtomicBoolean();
        final AtomicLong written = new AtomicLong();
        final java.util.concurrent.atomic.AtomicReference<Throwable> failure =
                new java.util.concurrent.atomic.AtomicReference<>();

        Writer(TestCluster cluster, AtomicLong nextId) {
            this.cluster = cluster;
            this.nextId = nextId;
        }

        @Override
        public void run() {
            try (Connection c = cluster.connectRoot(cluster.awaitLeader());
                    PreparedStatement insert = c.prepareStatement("INSERT INTO blobs VALUES (?, ?, 'during')")) {
                while (!stopped.get()) {
                    long id = nextId.getAndIncrement();
                    insert.setLong(1, id);
                    insert.setString(2, Long.toString(id));
                    insert.executeUpdate();
                    written.incrementAndGet();
                    Thread.sleep(5);
                }
            } catch (SQLException | RuntimeException e) {
                failure.set(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static long directorySize(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0; // deleted by a purge meanwhile
                }
            }).sum();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
