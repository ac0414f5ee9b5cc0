package io.fluxdb.server.node;

import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_DEPRECATE_EOF;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_MULTI_RESULTS;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_SESSION_TRACK;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_TRANSACTIONS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fluxdb.protocol.constant.ServerStatus;
import io.fluxdb.server.node.SessionTrackClient.Answer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/**
 * The commit token through session tracking, on a 3-node cluster: a client with CLIENT_SESSION_TRACK that tracks
 * {@code fluxdb_last_commit} finds its commit token in the OK of each write, on the leader and through a follower,
 * merged with the engine's own entries; the token lets a session on a third node read the write.
 */
@Timeout(300)
class CommitTokenTrackingIT {
    private static final String TOKEN = "fluxdb_last_commit";
    private static final long BASE = CLIENT_TRANSACTIONS | CLIENT_MULTI_RESULTS;
    private static TestCluster cluster;
    private static MultiThreadIoEventLoopGroup group;
    private static int leader;
    private static int follower;
    private static int third;

    @RegisterExtension
    static final SharedCluster nodes = SharedCluster.withAppAccount();

    @BeforeAll
    static void start() {
        cluster = nodes.cluster();
        leader = nodes.leader();
        follower = nodes.follower();
        third = nodes.third();
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stop() throws Exception {
        if (group != null) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    @BeforeEach
    void table() throws Exception {
        try (Connection c = cluster.connectRoot(leader); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS app.t");
            s.execute("CREATE TABLE app.t (id INT AUTO_INCREMENT PRIMARY KEY, v INT)");
        }
        cluster.awaitConverged();
    }

    @Test
    void writesOnTheLeaderReportTheTokenInTheirOk() throws Exception {
        tokensRiseWithEachWrite(leader, BASE | CLIENT_SESSION_TRACK);
    }

    @Test
    void writesThroughAFollowerReportTheLeadersTokenAndAThirdNodeReadsThem() throws Exception {
        long token = tokensRiseWithEachWrite(follower, BASE | CLIENT_SESSION_TRACK | CLIENT_DEPRECATE_EOF);
        try (Connection c = cluster.connect(third, "app", "app-password"); Statement s = c.createStatement()) {
            s.execute("SET @@session.fluxdb_read_after = " + token);
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*), SUM(v) FROM t")) {
                rs.next();
                assertThat(rs.getLong(1)).as("rows written through the follower, read on a third node").isEqualTo(5);
                assertThat(rs.getLong(2)).isEqualTo(2 + 3 + 4 + 5 + 1);
            }
        }
    }

    /**
     * Writes five rows in the ways a session writes (autocommit statements, an explicit transaction, autocommit off),
     * checking each OK's token against {@code @@fluxdb_last_commit}; returns the last token.
     */
    private static long tokensRiseWithEachWrite(int node, long capabilities) throws Exception {
        try (SessionTrackClient client = client(node, capabilities)) {
            assertThat(client.tracksSession()).isTrue();
            Answer set = client.ok("SET SESSION session_track_system_variables = 'autocommit, fluxdb_last_commit'");
            assertThat(set.trackedVariables()).doesNotContainKey(TOKEN);
            assertThat(client.ok("SELECT @@session.session_track_system_variables").packets())
                    .as("the engine's list, and the operator's name").anySatisfy(p -> assertThat(new String(p))
                            .endsWith("autocommit," + TOKEN));
            try (Connection engine = cluster.engineConnection(node); Statement s = engine.createStatement()) {
                assertThatThrownBy(() -> s.execute("SET SESSION session_track_system_variables = 'autocommit, "
                        + TOKEN + "'")).as("the engine refuses the name the operator took out")
                        .isInstanceOf(java.sql.SQLException.class);
            }

            long first = token(client.ok("INSERT INTO t (v) VALUES (1)"));
            assertThat(first).isPositive().isEqualTo(lastCommit(client));
            Answer read = client.ok("SELECT COUNT(*) FROM t");
            assertThat(new String(read.packets().get(read.packets().size() - 2), java.nio.charset.StandardCharsets.UTF_8))
                    .as("read-your-writes, the token known from the OK").endsWith("1");
            assertThat(read.trackedVariables()).as("a read changes no token").doesNotContainKey(TOKEN);

            long second = token(client.ok("UPDATE t SET v = 2 WHERE v = 1"));
            assertThat(second).isGreaterThan(first).isEqualTo(lastCommit(client));
            client.ok("INSERT INTO t (v) VALUES (1)");

            assertThat(client.ok("BEGIN").trackedVariables()).doesNotContainKey(TOKEN);
            assertThat(client.ok("INSERT INTO t (v) VALUES (3)").trackedVariables())
                    .as("not committed yet").doesNotContainKey(TOKEN);
            long third = token(client.ok("COMMIT"));
            assertThat(third).isGreaterThan(second).isEqualTo(lastCommit(client));

            // The engine's own entry and the operator's, in one OK.
            Answer off = client.ok("SET autocommit = 0");
            assertThat(off.trackedVariables()).containsEntry("autocommit", "OFF").doesNotContainKey(TOKEN);
            client.ok("INSERT INTO t (v) VALUES (4)");
            Answer on = client.ok("SET autocommit = 1");
            assertThat(on.trackedVariables()).as("turning autocommit on commits the transaction")
                    .containsEntry("autocommit", "ON").containsKey(TOKEN);
            assertThat(ServerStatus.has(on.ok().statusFlags(), ServerStatus.SERVER_SESSION_STATE_CHANGED)).isTrue();
            long fourth = Long.parseLong(on.trackedVariables().get(TOKEN));
            assertThat(fourth).isGreaterThan(third).isEqualTo(lastCommit(client));

            client.ok("SET SESSION session_track_system_variables = '*'");
            long fifth = token(client.ok("INSERT INTO t (v) VALUES (5)"));
            assertThat(fifth).as("'*' tracks the token too").isGreaterThan(fourth);

            client.ok("SET SESSION session_track_system_variables = 'autocommit'");
            Answer untracked = client.ok("DELETE FROM t WHERE v = 1");
            assertThat(untracked.ok().affectedRows()).isEqualTo(1);
            assertThat(untracked.trackedVariables()).as("no longer tracked").doesNotContainKey(TOKEN);
            client.ok("INSERT INTO t (v) VALUES (1)");
            return lastCommit(client);
        }
    }

    /**
     * MariaDB Connector/C's own session-track API reads the token through a follower: the entry is laid out as the
     * library expects. Skipped where Debian's python3 or libmariadb is missing.
     */
    @Test
    void libmariadbsSessionTrackApiReadsTheTokenThroughAFollower() throws Exception {
        java.nio.file.Path python = java.nio.file.Path.of("/usr/bin/python3");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(python), "no /usr/bin/python3");
        java.nio.file.Path script = java.nio.file.Files.createTempFile("session_track", ".py");
        try (var in = CommitTokenTrackingIT.class.getResourceAsStream("/session_track_libmariadb.py")) {
            java.nio.file.Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        try {
            List<String> command = new ArrayList<>(List.of(python.toString(), script.toString(), "127.0.0.1",
                    Integer.toString(cluster.node(follower).clientAddress().getPort()), "app", "app-password", "app",
                    "SET session_track_system_variables = 'autocommit,fluxdb_last_commit'",
                    "INSERT INTO t (v) VALUES (1)", "INSERT INTO t (v) VALUES (2)", "SELECT @@fluxdb_last_commit"));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            org.junit.jupiter.api.Assumptions.assumeFalse(output.contains("libmariadb.so.3"), output);
            assertThat(process.exitValue()).as(output).isZero();
            List<String> lines = output.lines().toList();
            assertThat(lines).as(output).hasSize(4);
            assertThat(lines.get(0)).as("nothing moved yet").doesNotContain(TOKEN);
            long first = Long.parseLong(field(lines.get(1), TOKEN + "="));
            long second = Long.parseLong(field(lines.get(2), TOKEN + "="));
            assertThat(second).isGreaterThan(first);
            assertThat(Long.parseLong(field(lines.get(3), "row="))).isEqualTo(second);
        } finally {
            java.nio.file.Files.deleteIfExists(script);
        }
    }

    private static String field(String line, String prefix) {
        return java.util.Arrays.stream(line.split("\t")).filter(f -> f.startsWith(prefix)).findFirst()
                .map(f -> f.substring(prefix.length())).orElseThrow(() -> new AssertionError(prefix + " in " + line));
    }

    @Test
    void aListInAnotherFormIsRefusedClearlyAndTheSessionGoesOn() throws Exception {
        for (int node : new int[] {leader, follower}) {
            try (SessionTrackClient client = client(node, BASE | CLIENT_SESSION_TRACK)) {
                Answer refused = client.query("SET session_track_system_variables = CONCAT('fluxdb_last_commit', '')");
                assertThat(refused.error()).isNotNull();
                assertThat(refused.error().errorCode()).isEqualTo(1231);
                assertThat(refused.error().message()).contains("quoted list");
                assertThat(client.ok("INSERT INTO t (v) VALUES (1)").trackedVariables()).doesNotContainKey(TOKEN);
            }
        }
    }

    @Test
    void aClientWithoutSessionTrackingGetsPlainOks() throws Exception {
        for (int node : new int[] {leader, follower}) {
            try (SessionTrackClient client = client(node, BASE)) {
                assertThat(client.tracksSession()).isFalse();
                client.ok("SET session_track_system_variables = 'fluxdb_last_commit'");
                Answer insert = client.ok("INSERT INTO t (v) VALUES (1)");
                assertThat(insert.ok().affectedRows()).isEqualTo(1);
                assertThat(ServerStatus.has(insert.ok().statusFlags(), ServerStatus.SERVER_SESSION_STATE_CHANGED))
                        .isFalse();
                assertThat(insert.packets().getLast()).as("header, rows, insert id, status, warnings; no info")
                        .hasSize(7);
            }
        }
    }

    private static SessionTrackClient client(int node, long capabilities) throws Exception {
        return SessionTrackClient.connect(group, cluster.node(node).clientAddress(), "app", "app-password", "app",
                capabilities);
    }

    private static long token(Answer answer) {
        Map<String, String> tracked = answer.trackedVariables();
        assertThat(tracked).as("entries of " + answer.ok()).containsKey(TOKEN);
        assertThat(ServerStatus.has(answer.ok().statusFlags(), ServerStatus.SERVER_SESSION_STATE_CHANGED)).isTrue();
        return Long.parseLong(tracked.get(TOKEN));
    }

    /** {@code SELECT @@fluxdb_last_commit}, read from the result set's single value. */
    private static long lastCommit(SessionTrackClient client) throws Exception {
        Answer a = client.ok("SELECT @@fluxdb_last_commit");
        // column count, column definition, [EOF], the row, then the end: the row is the one after the definitions
        byte[] row = a.packets().get(a.packets().size() - 2);
        int length = row[0] & 0xFF;
        return Long.parseLong(new String(row, 1, length, java.nio.charset.StandardCharsets.US_ASCII));
    }
}
