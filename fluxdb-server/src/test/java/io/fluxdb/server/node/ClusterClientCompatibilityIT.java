package io.fluxdb.server.node;

import io.fluxdb.engine.mysql.compat.CompatClient;
import io.fluxdb.engine.mysql.compat.CompatTarget;
import io.fluxdb.testkit.MariaDbProcess;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The client compatibility suite (compat/README.md), 3-node columns: every client under {@code compat/clients/} runs
 * the common scenario directly against MariaDB, then through a follower and through the leader of a 3-node cluster
 * (real operators, each with its own MariaDB), and each step must print the same line as directly. The verdicts go
 * to {@code target/compat/<client>-follower.json} and {@code -leader.json} for {@code compat/render-matrix}.
 *
 * <p>The scenario's account and database are created through the cluster, since each node's engine only has what
 * the log replicated (and its own root password); the direct MariaDB gets the same account. One cluster serves every
 * client, started when the first installed client needs it. Skipping works as in the single-node column
 * ({@code -Dfluxdb.require-all-clients=true}, {@code -Dfluxdb.compat.clients=...}).
 */
class ClusterClientCompatibilityIT {
    private static final String USER = "compat";
    private static final String PASSWORD = "compat-password-7";

    private static MariaDbProcess direct;
    private static TestCluster cluster;

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (direct != null) {
            direct.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyClientSeesTheSameOnAFollowerAndOnTheLeader() {
        return CompatClient.selected().stream().map(client -> DynamicTest.dynamicTest(client.id(),
                client.dir().toUri(), () -> runClient(client)));
    }

    private static void runClient(CompatClient client) throws Exception {
        client.requireInstalled();
        startOnce();
        try (Connection c = DriverManager.getConnection(direct.jdbcUrl(""), "root", direct.rootPassword());
                Statement s = c.createStatement()) {
            CompatClient.recreateDatabase(s);
        }
        CompatClient.Run directRun = client.run(CompatTarget.direct(direct.port(), USER, PASSWORD));
        int leader = cluster.awaitLeader();
        CompatClient.Run followerRun = runOnNode(client, "follower", (leader + 1) % cluster.size());
        CompatClient.Run leaderRun = runOnNode(client, "leader", cluster.awaitLeader());
        client.assertSameAsDirect("fluxdb-server", directRun, List.of(followerRun, leaderRun));
    }

    /**
     * Recreates the scenario's database through node {@code i} (a follower forwards the DDL), waits until every node
     * has applied it, by the session's commit token (the scenario's sessions are new ones, which read-your-writes
     * does not cover), then runs the scenario against node {@code i}.
     */
    private static CompatClient.Run runOnNode(CompatClient client, String target, int i) throws SQLException {
        long token;
        try (Connection c = cluster.connect(i, "", USER, PASSWORD); Statement s = c.createStatement()) {
            CompatClient.recreateDatabase(s);
            token = commitToken(s);
        }
        cluster.awaitApplied(token);
        return client.run(CompatTarget.fluxdb(target, cluster.node(i).clientAddress().getPort(), USER, PASSWORD));
    }

    /** The cluster and the direct MariaDB, started for the first client that is installed, then shared. */
    private static synchronized void startOnce() throws Exception {
        if (cluster != null) {
            return;
        }
        if (direct == null) {
            direct = MariaDbProcess.builder().start();
            try (Connection c = DriverManager.getConnection(direct.jdbcUrl(""), "root", direct.rootPassword());
                    Statement s = c.createStatement()) {
                createAccount(s);
            }
        }
        TestCluster started = TestCluster.start(3);
        long token;
        try (Connection c = started.connectRoot(started.awaitLeader()); Statement s = c.createStatement()) {
            createAccount(s);
            token = commitToken(s);
        }
        started.awaitApplied(token);
        cluster = started;
    }

    /** The log index of the last write of {@code s}'s session. */
    private static long commitToken(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT @@fluxdb_last_commit")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The scenario's account, the same on the direct MariaDB and in the cluster, as compat/README.md asks. */
    private static void createAccount(Statement s) throws SQLException {
        s.execute("CREATE USER '" + USER + "'@'%' IDENTIFIED VIA mysql_native_password USING PASSWORD('" + PASSWORD
                + "')");
        s.execute("GRANT ALL ON " + CompatClient.DATABASE + ".* TO '" + USER + "'@'%'");
    }
}
