package io.fluxdb.server.node;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fluxdb.testkit.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * LOCK TABLES in a cluster: the session takes the leader's write barrier alone until UNLOCK TABLES, so every other
 * writer, on any node, waits for it; the engine still checks the statement (tables, privileges). A dump made with
 * mariadb-dump's defaults, through one node, loads through another.
 */
@Timeout(300)
class LockTablesIT {
    private static TestCluster cluster;
    private static int leader;
    private static int follower;
    private static int third;

    @RegisterExtension
    static final SharedCluster nodes = SharedCluster.withAppAccount(
            "CREATE USER 'reader'@'%' IDENTIFIED BY 'reader-password'",
            "GRANT SELECT ON app.* TO 'reader'@'%'",
            // the same password on every node, unlike each engine's root
            "CREATE USER 'dumper'@'%' IDENTIFIED BY 'dumper-password'",
            "GRANT ALL ON *.* TO 'dumper'@'%'");

    @BeforeAll
    static void roles() {
        cluster = nodes.cluster();
        leader = nodes.leader();
        follower = nodes.follower();
        third = nodes.third();
    }

    @BeforeEach
    void table() throws Exception {
        try (Connection c = cluster.connectRoot(leader); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS app.kv");
            s.execute("CREATE TABLE app.kv (id INT AUTO_INCREMENT PRIMARY KEY, k INT)");
        }
        cluster.awaitConverged();
    }

    @Test
    void lockTablesHoldsBackEveryOtherWriterUntilUnlockTables() throws Exception {
        try (Connection a = app(leader); Statement locker = a.createStatement()) {
            locker.execute("LOCK TABLES kv WRITE");
            locker.executeUpdate("INSERT INTO kv (k) VALUES (1)");
            CompletableFuture<Integer> other = insertAsync(follower, 2);
            Thread.sleep(700);
            assertThat(other).as("a writer through a follower waits for the lock").isNotDone();
            locker.executeUpdate("INSERT INTO kv (k) VALUES (3)");
            locker.execute("UNLOCK TABLES");
            assertThat(other.get(20, TimeUnit.SECONDS)).isEqualTo(1);
        }
        // the waiting write ran after both of the locking session's
        cluster.assertSameEverywhere("SELECT k FROM app.kv ORDER BY id", List.of("1", "3", "2"));
    }

    @Test
    void theEngineStillChecksTheStatementAndAFailedLockHoldsNobodyBack() throws Exception {
        try (Connection c = cluster.connect(leader, "reader", "reader-password"); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute("LOCK TABLES kv WRITE")).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1044));
            assertThat(insertAsync(follower, 4).get(10, TimeUnit.SECONDS))
                    .isEqualTo(1);
        }
        try (Connection c = app(leader); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute("LOCK TABLES no_such_table READ")).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1146));
            assertThat(insertAsync(follower, 5).get(10, TimeUnit.SECONDS))
                    .isEqualTo(1);
        }
        cluster.assertSameEverywhere("SELECT k FROM app.kv ORDER BY id", List.of("4", "5"));
    }

    @Test
    void lockTablesDoesNotRideAlongWithOtherStatements() throws Exception {
        try (Connection c = cluster.connectWithOptions(leader, SharedCluster.APP_USER, SharedCluster.APP_PASSWORD,
                "allowMultiQueries=true"); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute("SELECT 1; LOCK TABLES kv WRITE")).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1235));
            assertThat(insertAsync(follower, 8).get(10, TimeUnit.SECONDS)).isEqualTo(1);
        }
        cluster.assertSameEverywhere("SELECT k FROM app.kv ORDER BY id", List.of("8"));
    }

    @Test
    void theLocksEndWithTheSessionAndWithBegin() throws Exception {
        try (Connection a = app(follower); Statement locker = a.createStatement()) {
            locker.execute("LOCK TABLES kv WRITE");
            CompletableFuture<Integer> other = insertAsync(leader, 6);
            Thread.sleep(500);
            assertThat(other).as("a writer on the leader waits for a lock taken through a follower").isNotDone();
            locker.execute("BEGIN");
            assertThat(other.get(20, TimeUnit.SECONDS)).isEqualTo(1);
            locker.execute("COMMIT");
        }
        Connection a = app(leader);
        a.createStatement().execute("LOCK TABLES kv READ");
        CompletableFuture<Integer> other = insertAsync(follower, 7);
        Thread.sleep(500);
        assertThat(other).isNotDone();
        a.close();
        assertThat(other.get(20, TimeUnit.SECONDS)).isEqualTo(1);
        cluster.assertSameEverywhere("SELECT k FROM app.kv ORDER BY id", List.of("6", "7"));
    }

    @Test
    void aDumpMadeWithItsDefaultsThroughOneFollowerLoadsThroughTheOther(@TempDir Path dir) throws Exception {
        String dump = Requirements.program("mariadb-dump", "apt-get install -y mariadb-client");
        String mariadb = Requirements.program("mariadb", "apt-get install -y mariadb-client");
        try (Connection c = cluster.connectRoot(leader); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE shop");
            s.execute("CREATE TABLE shop.items (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40), price DECIMAL(8,2))");
            s.execute("CREATE TABLE shop.orders (id INT PRIMARY KEY, item INT, FOREIGN KEY (item) REFERENCES"
                    + " shop.items (id))");
            s.execute("INSERT INTO shop.items (name, price) VALUES ('tea', 3.50), ('cake', 4.25), ('ñandú', 9.99)");
            s.execute("INSERT INTO shop.orders VALUES (1, 1), (2, 3)");
        }
        // the dump reads a follower, at another connection's consistency than the one that wrote
        cluster.awaitConverged();
        // mariadb-dump's defaults: LOCK TABLES ... READ while it reads, LOCK TABLES ... WRITE around each table's rows
        Path file = dir.resolve("shop.sql");
        run(List.of(dump, "--no-defaults", "--protocol=TCP", "-h127.0.0.1", "-P" + port(follower), "-udumper",
                "-pdumper-password", "--databases", "shop", "--result-file=" + file), null);
        assertThat(Files.readString(file, UTF_8)).contains("CREATE TABLE `items`", "CREATE TABLE `orders`",
                "LOCK TABLES `items` WRITE;", "UNLOCK TABLES;");
        Map<String, Long> before = cluster.checksums(leader);
        try (Connection c = cluster.connectRoot(leader); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE shop");
        }
        cluster.awaitConverged();
        run(List.of(mariadb, "--no-defaults", "--protocol=TCP", "-h127.0.0.1", "-P" + port(third), "-udumper",
                "-pdumper-password", "--default-character-set=utf8mb4"), file);
        cluster.assertSameEverywhere("SELECT CONCAT(id, ':', name, ':', price) FROM shop.items ORDER BY id",
                List.of("1:tea:3.50", "2:cake:4.25", "3:ñandú:9.99"));
        for (int i = 0; i < cluster.size(); i++) {
            assertThat(cluster.checksums(i)).as("node " + i).isEqualTo(before);
        }
        try (Connection c = cluster.connectRoot(leader); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE shop");
        }
    }

    private static int port(int node) {
        return cluster.node(node).clientAddress().getPort();
    }

    /** Runs a client program with {@code stdin} (or nothing) as its input; it must end with status 0 within 2 min. */
    private static void run(List<String> command, Path stdin) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
        if (stdin != null) {
            builder.redirectInput(stdin.toFile());
        }
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).as(String.join(" ", command)).isTrue();
        assertThat(process.exitValue()).as(new String(output, UTF_8)).isZero();
    }

    private static Connection app(int node) throws SQLException {
        return cluster.connect(node, SharedCluster.APP_USER, SharedCluster.APP_PASSWORD);
    }

    /**
     * {@link #insert} on a thread of its own: not on the common pool, whose only thread on a 2-core machine the
     * in-process cluster needs too (a test blocking it there stalls the nodes' replication).
     */
    private static CompletableFuture<Integer> insertAsync(int node, int k) {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                done.complete(insert(node, k));
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    /** One autocommit insert of {@code k} into kv through {@code node}: the rows it inserted. */
    private static int insert(int node, int k) {
        try (Connection c = app(node); Statement s = c.createStatement()) {
            return s.executeUpdate("INSERT INTO kv (k) VALUES (" + k + ")");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
