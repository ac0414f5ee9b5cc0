package io.fluxdb.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.squareup.moshi.Moshi;
import com.squareup.moshi.Types;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class StatusServerTest {
    static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    final List<StatusServer> servers = new CopyOnWriteArrayList<>();
    final HttpClient http = HttpClient.newHttpClient();

    /** A node whose state the test sets. */
    static final class TestNode implements StatusProvider {
        volatile LocalStatus local;
        volatile List<PeerEndpoint> peers = List.of();

        TestNode(String ip, String role, long applied, long commit, String leaderIp) {
            local = status(ip, role, applied, commit, leaderIp, new EngineStatus("UP", ""), Optional.empty());
        }

        @Override
        public LocalStatus local() {
            return local;
        }

        @Override
        public List<PeerEndpoint> peers() {
            return peers;
        }
    }

    static LocalStatus status(String ip, String role, long applied, long commit, String leaderIp, EngineStatus engine,
            Optional<String> divergence) {
        return new LocalStatus("node-" + ip, ip, role, 3, Optional.ofNullable(leaderIp).map(l -> "node-" + l),
                Optional.ofNullable(leaderIp), applied, commit, engine, divergence, Optional.empty(), OptionalLong.of(1234),
                Optional.empty(), Optional.empty(), false, Optional.empty());
    }

    @AfterEach
    void stop() {
        servers.forEach(StatusServer::close);
    }

    StatusServer start(StatusProvider provider) throws Exception {
        StatusServer server = StatusServer.start(ANY_LOOPBACK, provider, Duration.ofMillis(50), Duration.ofMillis(500));
        servers.add(server);
        return server;
    }

    HttpResponse<String> get(StatusServer server, String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + path);
        return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static URI statusUrl(StatusServer server) {
        return URI.create("http://127.0.0.1:" + server.address().getPort() + "/status");
    }

    @Test
    void statusKeepsTheOriginalShapeAndAddsFluxDbFields() throws Exception {
        StatusServer server = start(new TestNode("10.0.0.1", "LEADER", 42, 42, "10.0.0.1"));

        HttpResponse<String> response = get(server, "/status");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
        Map<String, Object> json = new Moshi.Builder().build().<Map<String, Object>>adapter(
                Types.newParameterizedType(Map.class, String.class, Object.class)).fromJson(response.body());
        assertThat(json).containsKeys("status", "sequenceNumber", "masterIP", "taskStatus", "clusterStatus",
                "role", "term", "appliedIndex", "commitIndex", "lag", "engine", "divergence", "failure");
        assertThat(json).containsEntry("status", "OK").containsEntry("sequenceNumber", 42.0)
                .containsEntry("masterIP", "10.0.0.1").containsEntry("taskStatus", -1.0).containsEntry("role", "LEADER")
                .containsEntry("divergence", null);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> cluster = (List<Map<String, Object>>) json.get("clusterStatus");
        assertThat(cluster).singleElement().satisfies(entry -> assertThat(entry)
                .containsOnlyKeys("ip", "active", "seqNo", "staticIp", "osUptime", "masterIP")
                .containsEntry("ip", "10.0.0.1").containsEntry("active", true).containsEntry("seqNo", 42.0));
    }

    @Test
    void masterProbeAnswersOkOnlyOnTheLeader() throws Exception {
        TestNode node = new TestNode("10.0.0.1", "LEADER", 1, 1, "10.0.0.1");
        StatusServer server = start(node);
        assertThat(get(server, "/").statusCode()).isEqualTo(200);
        assertThat(get(server, "/").body()).isEqualTo("OK");

        node.local = status("10.0.0.1", "FOLLOWER", 1, 1, "10.0.0.2", new EngineStatus("UP", ""), Optional.empty());
        assertThat(get(server, "/").statusCode()).isEqualTo(500);
        assertThat(get(server, "/").body()).isEqualTo("Bad Request");
        assertThat(get(server, "/nosuch").statusCode()).isEqualTo(404);
    }

    @Test
    void clusterStatusShowsEachPeerAsItReportsItselfAndSilentPeersInactive() throws Exception {
        TestNode leader = new TestNode("10.0.0.1", "LEADER", 10, 10, "10.0.0.1");
        TestNode follower = new TestNode("10.0.0.2", "FOLLOWER", 9, 10, "10.0.0.1");
        StatusServer leaderServer = start(leader);
        StatusServer followerServer = start(follower);
        URI nobody;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nobody = URI.create("http://127.0.0.1:" + closed.getLocalPort() + "/status");
        }
        follower.peers = List.of(new PeerEndpoint("10.0.0.1", statusUrl(leaderServer), Optional.of(true), OptionalLong.empty()),
                PeerEndpoint.of("10.0.0.3", nobody));
        leader.peers = List.of(PeerEndpoint.of("10.0.0.2", statusUrl(followerServer)));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                StatusJson.read(get(followerServer, "/status").body()).clusterStatus()).containsExactly(
                new ClusterStatusEntry("10.0.0.2", true, 9, false, 1234, "10.0.0.1"),
                new ClusterStatusEntry("10.0.0.1", true, 10, true, 1234, "10.0.0.1"),
                new ClusterStatusEntry("10.0.0.3", false, 0, false, 0, null)));

        // a peer that stops answering turns inactive and keeps its last known index
        leaderServer.close();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                followerServer.report().clusterStatus().get(1)).isEqualTo(
                new ClusterStatusEntry("10.0.0.1", false, 10, true, 1234, "10.0.0.1")));
    }

    @Test
    void statusWordFollowsTheOriginalsVocabulary() {
        EngineStatus up = new EngineStatus("UP", "");
        assertThat(StatusServer.status(status("a", "FOLLOWER", 5, 5, "b", up, Optional.empty()), 0)).isEqualTo("OK");
        assertThat(StatusServer.status(status("a", "FOLLOWER", 5, 500, "b", up, Optional.empty()), 495)).isEqualTo("SYNC");
        assertThat(StatusServer.status(status("a", "CANDIDATE", 5, 5, null, up, Optional.empty()), 0)).isEqualTo("INIT");
        assertThat(StatusServer.status(status("a", "FOLLOWER", 5, 5, "b", new EngineStatus("DOWN", "refused"),
                Optional.empty()), 0)).isEqualTo("INIT");
        assertThat(StatusServer.status(status("a", "FOLLOWER", 5, 5, "b", up, Optional.of("index 4 differs")), 0))
                .isEqualTo("INIT");
    }

    @Test
    void jsonRoundTrips() throws Exception {
        StatusServer server = start(new TestNode("10.0.0.1", "LEADER", 7, 9, "10.0.0.1"));
        StatusReport report = server.report();
        assertThat(StatusJson.read(StatusJson.write(report))).isEqualTo(report);
        assertThat(report.lag()).isEqualTo(2);
    }
}
