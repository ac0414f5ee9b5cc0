package io.fluxdb.server.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three FluxDB nodes, each in front of its own MariaDB, replicating through the Raft log: writes on the leader of
 * every kind the log must reproduce exactly, from several clients at once, end with identical tables on every
 * node; followers refuse writes and name the leader; the cluster survives losing its leader.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@org.junit.jupiter.api.Timeout(300)
class ClusterIT {
    private static TestCluster cluster;
    /**
     * Deadlock, lock wait timeout, and 1467, which InnoDB reports when waiting for a table's AUTO-INC lock ends in a
     * deadlock (INSERT ... SELECT against concurrent inserts).
     */
    private static final java.util.Set<Integer> RETRYABLE = java.util.Set.of(1213, 1205, 1467);

    @RegisterExtension
    static final SharedCluster nodes = SharedCluster.withAppAccount(
            "CREATE TABLE app.accounts (id INT AUTO_INCREMENT PRIMARY KEY, owner VARCHAR(64), balance"
                    + " DECIMAL(12,2) NOT NULL, created DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6), note VARCHAR(64),"
                    + " r DOUBLE) CHARACTER SET utf8mb4",
            "CREATE TABLE app.audit (id BIGINT AUTO_INCREMENT PRIMARY KEY, account INT, at DATETIME(6),"
                    + " token CHAR(36))");

    @BeforeAll
    static void start() {
        cluster = nodes.cluster();
    }

    @Test
    @Order(1)
    void concurrentWritesOfEveryKindEndIdenticalOnEveryNode() throws Exception {
        int leader = cluster.awaitLeader();
        ExecutorService writers = Executors.newFixedThreadPool(4);
        List<Future<Integer>> done = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            int writer = w;
            // on every node: a follower runs its writers' statements on the leader
            done.add(writers.submit(() -> writeMix((leader + writer) % cluster.size(), writer, 40)));
        }
        int committed = 0;
        for (Future<Integer> f : done) {
            committed += f.get();
        }
        writers.shutdown();
        assertThat(committed).isEqualTo(4 * 40);
        // DDL between the writes, through a follower, then more writes against the new schema.
        try (Connection c = cluster.connect((leader + 1) % cluster.size(), "app", "app-password");
                Statement s = c.createStatement()) {
            s.execute("ALTER TABLE accounts ADD COLUMN flag TINYINT NOT NULL DEFAULT 1");
            s.executeUpdate("UPDATE accounts SET flag = 2 WHERE balance > 50");
            // The client's file travels in the log: followers load the same bytes (no file of theirs is read).
            s.unwrap(org.mariadb.jdbc.Statement.class).setLocalInfileInputStream(new java.io.ByteArrayInputStream(
                    "loaded-1,7.50,\\N\nloaded-2,8.25,from a file\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            assertThat(s.executeUpdate("LOAD DATA LOCAL INFILE 'accounts.tsv' INTO TABLE accounts"
                    + " FIELDS TERMINATED BY ',' (owner, balance, note)")).isEqualTo(2);
        }
        cluster.awaitConverged();
        Map<String, Long> expected = cluster.checksums(leader);
        assertThat(expected).containsKeys("`app`.`accounts`", "`app`.`audit`");
        for (int i = 0; i < cluster.size(); i++) {
            assertThat(cluster.checksums(i)).as("node " + i).isEqualTo(expected);
        }
        assertThat(rows(leader, "SELECT COUNT(*) FROM app.accounts")).isPositive();
    }

    /**
     * One client's mix: autocommit and explicit transactions, prepared statements, every determinism case. A round
     * that loses a deadlock to another client is retried, as applications do; the engine rolled it back.
     */
    private static int writeMix(int node, int writer, int rounds) throws SQLException {
        int committed = 0;
        try (Connection c = cluster.connect(node, "app", "app-password");
                Statement s = c.createStatement();
                PreparedStatement audit = c.prepareStatement(
                        "INSERT INTO audit (account, at, token) VALUES (?, NOW(6), @token)")) {
            for (int round = 0; round < rounds; round++) {
                int kind = ThreadLocalRandom.current().nextInt(5);
                for (int attempt = 1; ; attempt++) {
                    try {
                        writeRound(c, s, audit, writer, kind);
                        break;
                    } catch (SQLException e) {
                        if (!RETRYABLE.contains(e.getErrorCode()) || attempt == 20) {
                            throw e;
                        }
                        if (!c.getAutoCommit()) {
                            c.rollback();
                            c.setAutoCommit(true);
                        }
                    }
                }
                committed++;
            }
        }
        return committed;
    }

    private static void writeRound(Connection c, Statement s, PreparedStatement audit, int writer, int kind)
            throws SQLException {
        switch (kind) {
            case 0 -> s.executeUpdate("INSERT INTO accounts (owner, balance, note, r) VALUES ('w" + writer
                    + "', 100, 'grüße', RAND())");
            case 1 -> {
                c.setAutoCommit(false);
                s.executeUpdate("INSERT INTO accounts (owner, balance) VALUES ('w" + writer + "', 10), ('w"
                        + writer + "', 20)");
                s.execute("SET @token = UUID()");
                audit.setLong(1, lastInsertId(s));
                audit.executeUpdate();
                s.executeUpdate("UPDATE accounts SET balance = balance + 1 WHERE id = LAST_INSERT_ID()");
                c.commit();
                c.setAutoCommit(true);
            }
            case 2 -> s.executeUpdate("UPDATE accounts SET balance = balance - 5, note = CONCAT('at ', NOW(6))"
                    + " WHERE owner = 'w" + writer + "' ORDER BY id LIMIT 2");
            case 3 -> s.executeUpdate("INSERT INTO accounts (owner, balance) SELECT owner, balance / 2"
                    + " FROM accounts WHERE owner = 'w" + writer + "' ORDER BY id LIMIT 3");
            default -> s.executeUpdate("DELETE FROM accounts WHERE owner = 'w" + writer
                    + "' ORDER BY balance, id LIMIT 1");
        }
    }

    private static long lastInsertId(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT LAST_INSERT_ID()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    @Order(2)
    void followersRunWritesOnTheLeaderAndServeReadsThemselves() throws Exception {
        int leader = cluster.awaitLeader();
        int follower = (leader + 1) % cluster.size();
        long before = rows(leader, "SELECT COUNT(*) FROM app.accounts");
        try (Connection c = cluster.connect(follower, "app", "app-password"); Statement s = c.createStatement()) {
            assertThat(s.executeUpdate("INSERT INTO accounts (owner, balance) VALUES ('x', 1)")).isEqualTo(1);
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM accounts")) {
                rs.next();
                assertThat(rs.getLong(1)).as("the follower's own engine, after it applied the write").isEqualTo(before + 1);
            }
        }
        assertThat(rows(leader, "SELECT COUNT(*) FROM app.accounts")).isEqualTo(before + 1);
    }

    @Test
    @Order(3)
    void losingTheLeaderElectsAnotherAndTheOldOneCatchesUp() throws Exception {
        int oldLeader = cluster.awaitLeader();
        cluster.stopNode(oldLeader);
        int newLeader = cluster.awaitLeader();
        assertThat(newLeader).isNotEqualTo(oldLeader);
        try (Connection c = cluster.connect(newLeader, "app", "app-password"); Statement s = c.createStatement()) {
            for (int i = 0; i < 20; i++) {
                s.executeUpdate("INSERT INTO accounts (owner, balance) VALUES ('after-failover', " + i + ")");
            }
        }
        cluster.startNode(oldLeader);
        cluster.awaitConverged();
        Map<String, Long> expected = cluster.checksums(newLeader);
        for (int i = 0; i < cluster.size(); i++) {
            assertThat(cluster.checksums(i)).as("node " + i).isEqualTo(expected);
        }
        assertThat(rows(oldLeader, "SELECT COUNT(*) FROM app.accounts WHERE owner = 'after-failover'"))
                .isEqualTo(20);
    }

    @Test
    @Order(4)
    void theChecksumCommandComparesEveryNodeAtOneLogIndexAndNamesATableThatDiffers() throws Exception {
        int leader = cluster.awaitLeader();
        try (Connection c = cluster.connectRoot(leader); Statement s = c.createStatement()) {
            s.execute("CREATE USER 'checker'@'%' IDENTIFIED BY 'checker-password'");
            s.execute("GRANT SELECT ON fluxdb.* TO 'checker'@'%'");
            s.execute("GRANT SELECT ON app.* TO 'checker'@'%'");
        }
        cluster.awaitConverged(); // the account must exist on every node the command logs in to
        // Writes keep coming while the check runs: the figures still describe one point of the log on every node.
        ExecutorService load = Executors.newSingleThreadExecutor();
        Future<Integer> writes = load.submit(() -> writeMix(leader, 9, 30));
        String[] command = checksumCommand();
        Checked agree = checksum(command);
        assertThat(writes.get()).isEqualTo(30);
        load.shutdown();
        assertThat(agree.exitCode()).as(agree.output()).isZero();
        // app.accounts and app.audit, on every node
        assertThat(agree.output()).contains("2 tables, same as").contains("result: all nodes agree");

        // A row changed behind the cluster's back, on one follower's engine: the check names the table.
        int follower = (leader + 1) % cluster.size();
        try (Connection c = cluster.engineConnection(follower); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE app.audit SET token = 'tampered' ORDER BY id LIMIT 1");
        }
        Checked differ = checksum(command);
        assertThat(differ.exitCode()).as(differ.output()).isEqualTo(1);
        assertThat(differ.output()).contains("DIFFERENT: app.audit").contains("result: the nodes differ");

        // On a follower the call runs on the leader, as every write does, and returns the leader's answer.
        try (Connection c = cluster.connect(follower, "checker", "checker-password"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("CALL fluxdb.checksum()")) {
            assertThat(rs.next()).isTrue();
        }
        // An account that may not read the fluxdb schema gets the engine's own refusal.
        try (Connection c = cluster.connect(leader, "app", "app-password"); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.executeQuery("CALL fluxdb.checksum()")).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1142));
        }
    }

    private record Checked(int exitCode, String output) {
    }

    private static String[] checksumCommand() {
        List<String> nodes = new ArrayList<>();
        for (int i = 0; i < cluster.size(); i++) {
            nodes.add("127.0.0.1:" + cluster.node(i).clientAddress().getPort());
        }
        return new String[] {"checksum", "--nodes", String.join(",", nodes), "--user", "checker", "--password",
            "checker-password", "--timeout", "PT30S"};
    }

    private static Checked checksum(String[] command) {
        java.io.StringWriter out = new java.io.StringWriter();
        picocli.CommandLine line = io.fluxdb.server.Main.commandLine(Map.of());
        line.setOut(new java.io.PrintWriter(out, true));
        line.setErr(new java.io.PrintWriter(out, true));
        int exit = line.execute(command);
        return new Checked(exit, out.toString());
    }

    private static long rows(int node, String sql) throws SQLException {
        try (Connection c = cluster.engineConnection(node); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
