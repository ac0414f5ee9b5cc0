package io.fluxdb.server.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fluxdb.api.StatusJson;
import io.fluxdb.api.StatusReport;
import io.fluxdb.server.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * Three nodes serve {@code GET /status} and the master probe on their UI ports: every node names the same leader,
 * sees every node active, and only the leader answers the probe with OK; {@code fluxdb status} prints it.
 */
@Timeout(180)
class StatusIT {
    private static TestCluster cluster;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        cluster = TestCluster.start(3);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private HttpResponse<String> get(int node, String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + cluster.node(node).statusAddress().getPort() + path);
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private StatusReport status(int node) throws Exception {
        HttpResponse<String> response = get(node, "/status");
        assertThat(response.statusCode()).as("GET /status on node " + node).isEqualTo(200);
        return StatusJson.read(response.body());
    }

    @Test
    void everyNodeNamesTheSameLeaderAndOnlyTheLeaderAnswersTheProbe() throws Exception {
        int leader = cluster.awaitLeader();
        try (Connection c = cluster.connectRoot(leader); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE status_probe (id INT PRIMARY KEY)");
            s.execute("INSERT INTO status_probe VALUES (1), (2)");
        }
        cluster.awaitConverged();
        String leaderId = cluster.node(leader).cluster().localNodeId();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (int n = 0; n < cluster.size(); n++) {
                int i = n;
                StatusReport report = status(i);
                assertThat(report.leaderId()).as("leader named by node " + i).isEqualTo(leaderId);
                assertThat(report.status()).as("status of node " + i).isEqualTo("OK");
                assertThat(report.masterIP()).isEqualTo("127.0.0.1");
                assertThat(report.role()).isEqualTo(i == leader ? "LEADER" : "FOLLOWER");
                assertThat(report.engine().status()).isEqualTo("UP");
                assertThat(report.sequenceNumber()).isEqualTo(report.appliedIndex()).isPositive();
                assertThat(report.clusterStatus()).hasSize(3).allSatisfy(entry -> {
                    assertThat(entry.active()).as("peer seen active by node " + i).isTrue();
                    assertThat(entry.masterIP()).isEqualTo("127.0.0.1");
                    assertThat(entry.seqNo()).isPositive();
                });
            }
        });

        List<Integer> ok = new ArrayList<>();
        for (int i = 0; i < cluster.size(); i++) {
            HttpResponse<String> probe = get(i, "/");
            if (probe.statusCode() == 200) {
                assertThat(probe.body()).isEqualTo("OK");
                ok.add(i);
            } else {
                assertThat(probe.statusCode()).isEqualTo(500);
                assertThat(probe.body()).isEqualTo("Bad Request");
            }
        }
        assertThat(ok).containsExactly(leader);
    }

    @Test
    void statusCommandPrintsTheClusterAsANodeSeesIt() throws Exception {
        int leader = cluster.awaitLeader();
        int follower = (leader + 1) % cluster.size();
        String leaderId = cluster.node(leader).cluster().localNodeId();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = Main.commandLine(Map.of()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));

        int exit = command.execute("status", "--url",
                "http://127.0.0.1:" + cluster.node(follower).statusAddress().getPort());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains("FOLLOWER").contains("leader: " + leaderId)
                .contains("engine: UP").contains("NODE");
        assertThat(out.toString().lines().filter(l -> l.startsWith("127.0.0.1"))).hasSize(3);
    }

    @Test
    void statusCommandSaysWhenNoNodeAnswers() throws Exception {
        StringWriter err = new StringWriter();
        int port;
        try (java.net.ServerSocket unused = new java.net.ServerSocket(0)) {
            port = unused.getLocalPort();
        }
        int exit = Main.commandLine(Map.of()).setErr(new PrintWriter(err))
                .execute("status", "--url", "http://127.0.0.1:" + port + "/status", "--timeout", "2s");

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("no status from http://127.0.0.1:" + port + "/status");
    }
}
