package io.fluxdb.server.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * A follower stands in an election as soon as its leader's process is gone (its ports refuse connections), instead
 * of after the election timeout; a leader that is only paused keeps its ports open, and the timeout decides as before.
 * Three operator processes with the default {@code ELECTION_TIMEOUT} (1 s, so Ratis waits 1 to 2 s of silence).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(300)
class LeaderLossIT {
    private static final String STANDS = "this node stands in an election now";
    private static ProcessCluster cluster;

    @BeforeAll
    @Timeout(240)
    static void start() throws Exception {
        cluster = ProcessCluster.start(3);
        int leader = cluster.awaitLeader(Duration.ofSeconds(60));
        try (Connection c = cluster.connect(leader, Duration.ofSeconds(30)); Statement s = c.createStatement()) {
            s.execute("CREATE USER '" + ProcessCluster.WRITER + "'@'%' IDENTIFIED BY '" + ProcessCluster.WRITER_PASSWORD
                    + "'");
            s.execute("GRANT ALL ON *.* TO '" + ProcessCluster.WRITER + "'@'%'");
            s.execute("CREATE TABLE app.loss (id INT AUTO_INCREMENT PRIMARY KEY, phase VARCHAR(20))");
        }
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void aKilledLeadersFollowerStandsAtOnceAndOneFollowerOnly() throws Exception {
        int leader = cluster.awaitLeader(Duration.ofSeconds(60));
        List<Integer> survivors = others(leader);
        write(survivors.get(0), "before-kill");
        long[] logStart = logSizes();

        long killedAt = System.nanoTime();
        cluster.node(leader).kill();
        int next = awaitLeaderOtherThan(leader, Duration.ofSeconds(30));
        long electedMs = (System.nanoTime() - killedAt) / 1_000_000;
        System.out.println("LeaderLossIT: node-" + next + " leads " + electedMs + " ms after kill -9 of node-" + leader
                + " (probing included)");

        List<String> standing = new ArrayList<>();
        for (int i : survivors) {
            if (cluster.node(i).logSince(logStart[i]).contains(STANDS)) {
                standing.add(cluster.node(i).name());
            }
        }
        // the first follower in member id order stands; the other one votes for it instead of splitting the votes
        assertThat(standing).as("survivors that stood at once after the kill\n" + cluster.logTails(20))
                .containsExactly(cluster.node(survivors.get(0)).name());
        assertThat(cluster.node(survivors.get(0)).logSince(logStart[survivors.get(0)]))
                .containsPattern("leader loss - the leader \\S+ is gone \\(silent for \\d+ ms");
        assertThat(next).isEqualTo(survivors.get(0));

        write(survivors.get(1), "after-kill");
        cluster.node(leader).start();
        cluster.node(leader).awaitReady(ProcessCluster.START_TIMEOUT);
        awaitRows(leader, 2);
    }

    @Test
    @Order(2)
    void aPausedLeaderKeepsItsPortsOpenSoNoFollowerStandsEarly() throws Exception {
        int leader = cluster.awaitLeader(Duration.ofSeconds(60));
        long[] logStart = logSizes();
        cluster.node(leader).pause();
        try {
            int next = awaitLeaderOtherThan(leader, Duration.ofSeconds(30));
            for (int i : others(leader)) {
                assertThat(cluster.node(i).logSince(logStart[i])).as(cluster.node(i).name()).doesNotContain(STANDS);
            }
            write(next, "while-paused");
        } finally {
            cluster.node(leader).resume();
        }
        awaitRows(leader, 3);
    }

    private static List<Integer> others(int leader) {
        List<Integer> others = new ArrayList<>();
        for (int i = 0; i < cluster.size(); i++) {
            if (i != leader) {
                others.add(i); // member ids (host_raftport, ports of one block) sort as the indexes do
            }
        }
        return others;
    }

    private static long[] logSizes() {
        long[] sizes = new long[cluster.size()];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = cluster.node(i).logSize();
        }
        return sizes;
    }

    private static int awaitLeaderOtherThan(int old, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            OptionalInt now = cluster.leader();
            if (now.isPresent() && now.getAsInt() != old) {
                return now.getAsInt();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no other leader than node-" + old + " within " + timeout + "\n"
                + cluster.logTails(30));
    }

    private static void write(int node, String phase) throws SQLException {
        try (Connection c = cluster.connectWriter(node, Duration.ofSeconds(30)); Statement s = c.createStatement()) {
            assertThat(s.executeUpdate("INSERT INTO app.loss (phase) VALUES ('" + phase + "')")).isEqualTo(1);
        }
    }

    /** Waits until node {@code node}'s engine holds {@code rows} rows, as every other node's does. */
    private static void awaitRows(int node, int rows) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int seen = -1;
        while (System.nanoTime() < deadline) {
            try (Connection c = cluster.engineConnection(node); Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SELECT COUNT(*) FROM app.loss")) {
                r.next();
                seen = r.getInt(1);
                if (seen == rows) {
                    return;
                }
            } catch (SQLException e) {
                // the node may still be restoring its engine
            }
            Thread.sleep(200);
        }
        throw new AssertionError("node-" + node + " holds " + seen + " rows, expected " + rows);
    }
}
