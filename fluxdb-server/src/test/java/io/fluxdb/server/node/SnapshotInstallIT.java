package io.fluxdb.server.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fluxdb.replication.RaftCluster;
import io.fluxdb.replication.RaftTuning;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A node whose engine and log are empty joins a cluster whose log no longer holds the early entries: the leader tells
 * it to install a snapshot, it loads a peer's dump while writes go on, then catches up from the log and ends with the
 * same data. Meanwhile the log stays bounded: segments a snapshot covers are purged. A node whose engine holds data
 * no FluxDB cluster wrote saves it to a file, removes it, and converges the same way.
 *
 * <p>The data size is {@code -Dfluxdb.it.snapshotMegabytes} (20 by default; 200 for the full figure).
 */
class SnapshotInstallIT {
    private static final int MEGABYTES = Integer.getInteger("fluxdb.it.snapshotMegabytes", 20);
    private static final int ROW_BYTES = 16 << 10;
    private static final int ROWS_PER_ENTRY = 4;
    /** Entries between two snapshots: small, so a few MB of writes purge the log. */
    private static final RaftTuning TUNING = TestCluster.FAST.withSnapshotInterval(50).withMaxEntryBytes(1 << 20);

    @Test
    void emptyNodeInstallsSnapshotUnderWritesAndConverges() throws Exception {
        try (TestCluster cluster = TestCluster.start(3, TUNING)) {
            int leader = cluster.awaitLeader();
            int empty = (leader + 1) % 3;
            createBlobs(cluster, leader);
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
            insertRows(cluster, 40, nextId);
            cluster.awaitConverged();
            assertThat(writer.failure.get()).isNull();
            assertThat(cluster.checksums(empty)).isEqualTo(cluster.checksums(leader))
                    .containsKey("`app`.`blobs`");
            assertThat(cluster.checksums((leader + 2) % 3)).isEqualTo(cluster.checksums(leader));
            assertRows(cluster, empty, nextId.get());
            // the log stops growing: more writes, and it is still as small
            insertRows(cluster, rows / 2, nextId);
            assertThat(directorySize(cluster.raftDirectory(cluster.awaitLeader())))
                    .isLessThan((long) MEGABYTES * (1 << 20) / 2);
        }
    }

    @Test
    void nodeWhoseEngineWasEmptiedButKeptItsLogReloadsFromAPeer() throws Exception {
        try (TestCluster cluster = TestCluster.start(3, TUNING)) {
            int leader = cluster.awaitLeader();
            int emptied = (leader + 1) % 3;
            createBlobs(cluster, leader);
            AtomicLong nextId = new AtomicLong();
            // four snapshot intervals: every node's log is purged past its start
            insertRows(cluster, 4L * 4 * TUNING.snapshotInterval(), nextId);
            cluster.awaitConverged();

            // the engine's data volume is recreated empty; the operator keeps its Raft log and snapshot records
            cluster.stopNode(emptied);
            try (Connection c = cluster.engineConnection(emptied); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE app");
                s.execute("DROP DATABASE fluxdb");
            }
            insertRows(cluster, 40, nextId);
            cluster.startNode(emptied);
            insertRows(cluster, 40, nextId);

            cluster.awaitConverged();
            assertThat(cluster.checksums(emptied)).isEqualTo(cluster.checksums(leader)).containsKey("`app`.`blobs`");
            assertRows(cluster, emptied, nextId.get());
        }
    }

    @Test
    void emptyNodeOnAnIdleClusterGetsItsSnapshotWithoutAnotherWrite() throws Exception {
        try (TestCluster cluster = TestCluster.start(3, TUNING)) {
            int leader = cluster.awaitLeader();
            int empty = (leader + 2) % 3;
            createBlobs(cluster, leader);
            cluster.stopNode(empty);
            try (Connection c = cluster.engineConnection(empty); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE app");
                s.execute("DROP DATABASE fluxdb");
            }
            deleteTree(cluster.raftDirectory(empty));
            AtomicLong nextId = new AtomicLong();
            insertRows(cluster, 4L * 4 * TUNING.snapshotInterval(), nextId);
            cluster.awaitConverged();

            // nothing is written from here on: the leader has only heartbeats to send
            cluster.startNode(empty);
            cluster.awaitConverged();
            assertThat(cluster.checksums(empty)).isEqualTo(cluster.checksums(leader)).containsKey("`app`.`blobs`");
        }
    }

    @Test
    void afterALeaderChangeTheAppliedFloorMovesOnAndARestartedNodeResumesFromItsOwnLog() throws Exception {
        try (TestCluster cluster = TestCluster.start(3, TUNING)) {
            int first = cluster.awaitLeader();
            createBlobs(cluster, first);
            AtomicLong nextId = new AtomicLong();
            insertRows(cluster, 40, nextId);
            // a new term begins with a configuration entry, an index that has nothing for the engine
            cluster.stopNode(first);
            int leader = cluster.awaitLeader();
            cluster.startNode(first);
            insertRows(cluster, 4L * 4 * TUNING.snapshotInterval(), nextId);
            cluster.awaitConverged();
            long applied = cluster.node(leader).cluster().appliedIndex();
            for (int i = 0; i < 3; i++) {
                try (Connection c = cluster.engineConnection(i); Statement s = c.createStatement();
                        var rs = s.executeQuery("SELECT idx FROM fluxdb.applied_floor")) {
                    rs.next();
                    // the floor is what survives a restart: it passed the configuration entry of the new term
                    assertThat(rs.getLong(1)).as("applied floor of node %d (applied index %d)", i, applied)
                            .isGreaterThan(applied / 2);
                }
            }

            // a schema only this follower's engine has: loading a peer's dump would replace it
            int follower = (leader + 1) % 3;
            try (Connection c = cluster.engineConnection(follower); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE local_only");
            }
            cluster.stopNode(follower);
            insertRows(cluster, 8, nextId);
            cluster.startNode(follower);
            insertRows(cluster, 8, nextId);
            cluster.awaitConverged();
            assertThat(cluster.checksums(follower)).isEqualTo(cluster.checksums(leader));
            try (Connection c = cluster.engineConnection(follower); Statement s = c.createStatement();
                    var rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.schemata"
                            + " WHERE schema_name = 'local_only'")) {
                rs.next();
                assertThat(rs.getLong(1)).as("the restarted node kept its engine (no dump loaded)").isEqualTo(1);
            }
        }
    }

    @Test
    void aNodeWhoseSnapshotLoadWasInterruptedDiscardsTheHalfLoadedDataAndConverges() throws Exception {
        try (TestCluster cluster = TestCluster.start(3, TUNING)) {
            int leader = cluster.awaitLeader();
            int broken = (leader + 1) % 3;
            createBlobs(cluster, leader);
            AtomicLong nextId = new AtomicLong();
            insertRows(cluster, 4L * 4 * TUNING.snapshotInterval(), nextId);
            cluster.awaitConverged();

            // what a node killed while it loads a dump finds at start: part of the rows, and the install's marker
            cluster.stopNode(broken);
            try (Connection c = cluster.engineConnection(broken); Statement s = c.createStatement()) {
                assertThat(s.executeUpdate("DELETE FROM app.blobs WHERE id % 2 = 0")).isPositive();
            }
            Path marker;
            try (var dirs = Files.walk(cluster.raftDirectory(broken))) {
                marker = dirs.filter(p -> p.getFileName().toString().equals("sm")).findFirst().orElseThrow()
                        .resolve("snapshot-install-in-progress");
            }
            Files.writeString(marker, "index 150\n");
            insertRows(cluster, 40, nextId);
            cluster.startNode(broken);
            insertRows(cluster, 8, nextId);

            cluster.awaitConverged();
            assertThat(marker).doesNotExist();
            assertThat(cluster.checksums(broken)).isEqualTo(cluster.checksums(leader)).containsKey("`app`.`blobs`");
            assertRows(cluster, broken, nextId.get());
        }
    }

    @Test
    void nodeWithForeignDataKeepsItInBackupAndConverges() throws Exception {
        try (TestCluster cluster = TestCluster.start(3, TUNING)) {
            int leader = cluster.awaitLeader();
            int foreign = (leader + 2) % 3;
            createBlobs(cluster, leader);
            AtomicLong nextId = new AtomicLong();
            insertRows(cluster, 40, nextId);
            cluster.awaitConverged();

            // the node comes back with an engine that another application filled, and no log
            cluster.stopNode(foreign);
            try (Connection c = cluster.engineConnection(foreign); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE fluxdb");
                s.execute("DROP DATABASE app");
                s.execute("CREATE DATABASE app");
                s.execute("CREATE TABLE app.blobs (id BIGINT PRIMARY KEY, payload MEDIUMTEXT NOT NULL, note VARCHAR(40))");
                s.execute("INSERT INTO app.blobs VALUES (1, 'not from the cluster', 'foreign')");
                s.execute("CREATE DATABASE legacy");
                s.execute("CREATE TABLE legacy.orders (id INT PRIMARY KEY, item VARCHAR(20))");
                s.execute("INSERT INTO legacy.orders VALUES (7, 'kept-in-backup')");
            }
            deleteTree(cluster.raftDirectory(foreign));
            // enough entries that the log is purged past what the node would need
            insertRows(cluster, (long) MEGABYTES * (1 << 20) / ROW_BYTES, nextId);

            cluster.startNode(foreign);
            RaftCluster joined = (RaftCluster) cluster.node(foreign).cluster();
            // the leader tells a follower it lacks entries when it has new ones to send it
            insertRows(cluster, 8, nextId);
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                    .until(() -> joined.appliedIndex() > 0 && !joined.installingSnapshot());
            cluster.awaitConverged();
            assertThat(cluster.checksums(foreign)).isEqualTo(cluster.checksums(leader)).containsOnlyKeys("`app`.`blobs`");

            List<Path> backups;
            try (Stream<Path> files = Files.list(cluster.dataDirectory(foreign))) {
                backups = files.filter(f -> f.getFileName().toString().startsWith("foreign-data-")).toList();
            }
            assertThat(backups).hasSize(1);
            String backup = new String(Files.readAllBytes(backups.get(0)), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertThat(backup).contains("kept-in-backup", "not from the cluster", "CREATE TABLE `orders`");

            HttpResponse<String> status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + cluster.node(foreign).statusAddress().getPort() + "/status")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(status.body()).contains("\"foreignData\":\"the engine holds data that no FluxDB cluster wrote",
                    "legacy", backups.get(0).getFileName().toString());
        }
    }

    private static void createBlobs(TestCluster cluster, int leader) throws SQLException {
        try (Connection c = cluster.connectRoot(leader); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE blobs (id BIGINT PRIMARY KEY, payload MEDIUMTEXT NOT NULL, note VARCHAR(40))");
        }
    }

    /**
     * Inserts {@code count} rows of {@link #ROW_BYTES}, {@link #ROWS_PER_ENTRY} per statement (one log entry). A
     * statement refused because the leader changed (ERROR 1290: rolled back, nothing written) is sent again to the
     * new leader: a long run on a busy machine can see an election.
     */
    private static void insertRows(TestCluster cluster, long count, AtomicLong nextId) throws SQLException {
        Random random = new Random(count);
        byte[] payload = new byte[ROW_BYTES / 2];
        String sql = "INSERT INTO blobs VALUES (?, ?, ?)" + ", (?, ?, ?)".repeat(ROWS_PER_ENTRY - 1);
        Object[] values = new Object[3 * ROWS_PER_ENTRY];
        Connection c = cluster.connectRoot(cluster.awaitLeader());
        try {
            PreparedStatement insert = c.prepareStatement(sql);
            for (long i = 0; i < count; i += ROWS_PER_ENTRY) {
                for (int row = 0; row < ROWS_PER_ENTRY; row++) {
                    random.nextBytes(payload);
                    long id = nextId.getAndIncrement();
                    values[3 * row] = id;
                    values[3 * row + 1] = java.util.HexFormat.of().formatHex(payload);
                    values[3 * row + 2] = "bulk " + id;
                }
                for (int attempt = 1; ; attempt++) {
                    try {
                        for (int v = 0; v < values.length; v++) {
                            insert.setObject(v + 1, values[v]);
                        }
                        insert.executeUpdate();
                        break;
                    } catch (SQLException e) {
                        // 1290: refused by a node that is no longer the leader, nothing written. A lost connection:
                        // leadership changed while the entry was appended (the outcome is unknown until the next
                        // leader decides it): read on the new leader whether the rows are there.
                        boolean lost = e instanceof java.sql.SQLNonTransientConnectionException;
                        if ((e.getErrorCode() != 1290 && !lost) || attempt == 5) {
                            throw e;
                        }
                        c.close();
                        c = cluster.connectRoot(cluster.awaitLeader());
                        insert = c.prepareStatement(sql);
                        if (lost && committed(c, (long) values[0])) {
                            break;
                        }
                    }
                }
            }
        } finally {
            c.close();
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

    /** Asserts that {@code node}'s engine holds {@code rows} rows in {@code app.blobs}. */
    private static void assertRows(TestCluster cluster, int node, long rows) throws SQLException {
        try (Connection c = cluster.engineConnection(node); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM app.blobs")) {
            rs.next();
            assertThat(rs.getLong(1)).as("rows on node %d", node).isEqualTo(rows);
        }
    }

    /** Whether the row {@code id} is there, read with every acknowledged write of the cluster in view. */
    private static boolean committed(Connection c, long id) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("/* fluxdb_consistency=strong */ SELECT COUNT(*) FROM blobs WHERE id = "
                        + id)) {
            rs.next();
            return rs.getLong(1) > 0;
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
