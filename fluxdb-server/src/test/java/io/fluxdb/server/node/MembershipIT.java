package io.fluxdb.server.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fluxdb.api.internal.ApiCallException;
import io.fluxdb.api.internal.InternalApiClient;
import io.fluxdb.api.internal.NodeInfo;
import io.fluxdb.replication.RaftMember;
import io.fluxdb.replication.security.ClusterTls;
import io.fluxdb.replication.security.RefusalLog;
import io.fluxdb.server.config.NodeConfig;
import io.fluxdb.testkit.FluxOsEmulator;
import io.fluxdb.testkit.MariaDbProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Membership on Flux, each node on its own loopback address with the same ports: three instances form a cluster; a
 * fourth instance appears and joins while writes continue, and ends with the same data; an instance moves to a new
 * address (Flux redeployed it): it joins again under its new address with its stored state, and the leader removes its
 * old entry once FluxOS has not listed it for MEMBER_REMOVE_AFTER; members that disappear are removed, but never so
 * that fewer than three voters remain. The internal API refuses callers without the cluster secret.
 */
@Timeout(420)
class MembershipIT {
    static final String APP = "fluxdbjoin";
    static final String REMOVE_AFTER = "8s";

    @TempDir
    Path dataDir;

    private final Map<String, MariaDbProcess> engines = new HashMap<>();
    private final Map<String, OperatorNode> nodes = new ConcurrentHashMap<>();
    private final Map<String, Path> dirs = new HashMap<>();
    /** Which engine each node address runs in front of. */
    private final Map<String, String> engineOf = new ConcurrentHashMap<>();
    private FluxOsEmulator fluxos;
    private int base;
    /** Nodes start at the same time, as on Flux: each asks the others who it is. */
    private final java.util.concurrent.ExecutorService starter = java.util.concurrent.Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        starter.shutdownNow();
        nodes.values().forEach(OperatorNode::close);
        engines.values().forEach(MariaDbProcess::close);
        if (fluxos != null) {
            fluxos.close();
        }
    }

    private NodeConfig config(String ip, String engineName) {
        return FluxNodes.config(APP, fluxos.baseUrl().toString(), ip, engines.get(engineName), base,
                dirs.get(engineName), Map.of("MEMBER_REMOVE_AFTER", REMOVE_AFTER));
    }

    private CompletableFuture<OperatorNode> startAsync(String ip, String engineName) {
        NodeConfig config = config(ip, engineName);
        engineOf.put(ip, engineName);
        return CompletableFuture.supplyAsync(() -> {
            try {
                OperatorNode node = OperatorNode.start(config, false, TestCluster.FAST);
                nodes.put(ip, node);
                return node;
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, starter);
    }

    private void addEngine(String name) throws IOException {
        engines.put(name, MariaDbProcess.builder().start());
        dirs.put(name, dataDir.resolve(name));
    }

    @Test
    void nodesJoinWhileWritesContinueAndAMovedNodeReplacesItsOldEntry() throws Exception {
        base = FluxNodes.freeBlock("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6");
        fluxos = FluxOsEmulator.start();
        fluxos.setInstances(APP, 3);
        fluxos.setLocations(APP, "127.0.0.2", "127.0.0.3", "127.0.0.4");
        for (String name : List.of("a", "b", "c", "d")) {
            addEngine(name);
        }
        List<CompletableFuture<OperatorNode>> first = List.of(startAsync("127.0.0.2", "a"),
                startAsync("127.0.0.3", "b"), startAsync("127.0.0.4", "c"));
        for (CompletableFuture<OperatorNode> node : first) {
            node.get(120, TimeUnit.SECONDS);
        }
        String leaderIp = awaitLeader();
        assertThat(members(leaderIp)).hasSize(3);

        refusesCallersWithoutTheSecret("127.0.0.3");

        try (Connection c = client(leaderIp); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE joined (id BIGINT AUTO_INCREMENT PRIMARY KEY, token VARCHAR(40) NOT NULL)");
        }
        Writer writer = new Writer();
        writer.start();

        // a fourth instance appears and joins while writes continue
        fluxos.setLocations(APP, "127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5");
        startAsync("127.0.0.5", "d").get(120, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
            assertThat(nodes.get("127.0.0.5").cluster()).isInstanceOfSatisfying(
                    io.fluxdb.replication.RaftCluster.class, r -> assertThat(r.isMember()).isTrue());
            assertThat(memberHosts(awaitLeader())).containsExactlyInAnyOrder("127.0.0.2", "127.0.0.3", "127.0.0.4",
                    "127.0.0.5");
        });
        writer.awaitMore(20);

        // a follower moves to a new address (same engine, same data directory): it joins under the new one, and its
        // old entry goes once FluxOS has not listed it for MEMBER_REMOVE_AFTER
        String moved = List.of("127.0.0.2", "127.0.0.3", "127.0.0.4").stream()
                .filter(ip -> !ip.equals(awaitLeader())).findFirst().orElseThrow();
        String movedEngine = engineOf.get(moved);
        nodes.remove(moved).close();
        List<String> listed = new ArrayList<>(List.of("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"));
        listed.set(listed.indexOf(moved), "127.0.0.6");
        fluxos.setLocations(APP, listed.toArray(String[]::new));
        startAsync("127.0.0.6", movedEngine).get(120, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(150)).untilAsserted(() -> assertThat(memberHosts(awaitLeader()))
                .containsExactlyInAnyOrderElementsOf(listed));
        writer.awaitMore(20);
        writer.stop();

        // every live node holds every acknowledged write, and the same data
        String leader = awaitLeader();
        long target = nodes.get(leader).cluster().appliedIndex();
        Map<String, Long> reference = null;
        for (String ip : listed) {
            nodes.get(ip).cluster().awaitApplied(target, Duration.ofSeconds(60)).join();
            try (Connection c = engine(engineOf.get(ip)); Statement s = c.createStatement()) {
                Set<String> tokens = new java.util.HashSet<>();
                try (ResultSet rs = s.executeQuery("SELECT token FROM app.joined")) {
                    while (rs.next()) {
                        tokens.add(rs.getString(1));
                    }
                }
                assertThat(tokens).as("rows on " + ip).containsAll(writer.acknowledged);
                Map<String, Long> sums = EngineChecksums.of(c);
                if (reference == null) {
                    reference = sums;
                } else {
                    assertThat(sums).as("checksums on " + ip).isEqualTo(reference);
                }
            }
        }
        assertThat(writer.acknowledged).hasSizeGreaterThan(40);

        // removal never goes below three voters: of four members, one gone is removed; of the three left, the next
        // one gone stays a member (removing it would leave two), and the two others keep taking writes
        String leaderNow = awaitLeader();
        List<String> followers = listed.stream().filter(ip -> !ip.equals(leaderNow)).toList();
        List<String> remaining = new ArrayList<>(listed);
        // one at a time: with two of four gone, no majority could commit the removal
        String firstGone = followers.get(0);
        nodes.remove(firstGone).close();
        remaining.remove(firstGone);
        fluxos.setLocations(APP, remaining.toArray(String[]::new));
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(memberHosts(awaitLeader()))
                .containsExactlyInAnyOrderElementsOf(remaining));
        String second = followers.get(1);
        nodes.remove(second).close();
        remaining.remove(second);
        fluxos.setLocations(APP, remaining.toArray(String[]::new));
        Duration longAfterGrace = Duration.ofSeconds(3 * Long.parseLong(REMOVE_AFTER.replace("s", "")));
        await().during(longAfterGrace).atMost(longAfterGrace.plusSeconds(30))
                .until(() -> memberHosts(awaitLeader()).contains(second));
        try (Connection c = client(awaitLeader()); Statement s = c.createStatement()) {
            s.execute("INSERT INTO joined (token) VALUES ('after-floor')");
        }
    }

    private void refusesCallersWithoutTheSecret(String ip) throws Exception {
        InetSocketAddress api = InetSocketAddress.createUnresolved(ip, base + 1);
        ClusterTls ours = ClusterTls.forNode(TestCluster.SECRET, "test", List.of(), RefusalLog.standard("test"));
        try (InternalApiClient good = InternalApiClient.create(ours, Optional.empty(), Duration.ofSeconds(10))) {
            assertThat(good.get(api, "/v1/status", NodeInfo.class).members()).hasSize(3);
        }
        ClusterTls other = ClusterTls.forNode("another-secret-of-16+chars", "stranger", List.of(),
                RefusalLog.standard("test"));
        try (InternalApiClient stranger = InternalApiClient.create(other, Optional.empty(), Duration.ofSeconds(10))) {
            assertThatThrownBy(() -> stranger.get(api, "/v1/status", NodeInfo.class))
                    .isInstanceOf(IOException.class).isNotInstanceOf(ApiCallException.class);
        }
        SSLContext noCertificate = SSLContext.getInstance("TLSv1.3");
        noCertificate.init(null, new TrustManager[] {ours.trustManager()}, null);
        OkHttpClient http = new OkHttpClient.Builder()
                .sslSocketFactory(noCertificate.getSocketFactory(), ours.trustManager())
                .hostnameVerifier((host, session) -> true)
                .build();
        try (Response response = http.newCall(new Request.Builder()
                .url("https://" + ip + ":" + (base + 1) + "/v1/status").build()).execute()) {
            assertThat(response.code()).isEqualTo(403);
            assertThat(response.body().string()).doesNotContain("members");
        } finally {
            http.dispatcher().executorService().shutdown();
        }
    }

    private List<String> memberHosts(String leaderIp) {
        return members(leaderIp).stream().map(m -> m.raftAddress().getHostString()).toList();
    }

    private List<RaftMember> members(String ip) {
        return ((io.fluxdb.replication.RaftCluster) nodes.get(ip).cluster()).members();
    }

    private String awaitLeader() {
        java.util.concurrent.atomic.AtomicReference<String> leader = new java.util.concurrent.atomic.AtomicReference<>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            for (Map.Entry<String, OperatorNode> node : nodes.entrySet()) {
                if (node.getValue().cluster().role().isLeader()) {
                    leader.set(node.getKey());
                    return true;
                }
            }
            return false;
        });
        return leader.get();
    }

    private Connection client(String ip) throws SQLException {
        OperatorNode node = nodes.get(ip);
        return DriverManager.getConnection("jdbc:mariadb://" + node.clientAddress().getHostString() + ":"
                + node.clientAddress().getPort() + "/app?sslMode=disable&connectTimeout=5000&socketTimeout=20000",
                "root", engines.get(engineOf.get(ip)).rootPassword());
    }

    private Connection engine(String name) throws SQLException {
        MariaDbProcess engine = engines.get(name);
        return DriverManager.getConnection(engine.jdbcUrl("app"), "root", engine.rootPassword());
    }

    /** Inserts rows through whichever node leads, one at a time, and keeps the tokens the cluster acknowledged. */
    private final class Writer {
        final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private Thread thread;

        void start() {
            thread = Thread.ofPlatform().name("membership-writer").start(() -> {
                int n = 0;
                while (running.get()) {
                    try (Connection c = client(awaitLeader()); Statement s = c.createStatement()) {
                        while (running.get()) {
                            String token = "t" + n++;
                            s.execute("INSERT INTO joined (token) VALUES ('" + token + "')");
                            acknowledged.add(token);
                            Thread.sleep(20);
                        }
                    } catch (SQLException | RuntimeException e) {
                        sleep(200); // leader change or a node going away: write through the next leader
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        void awaitMore(int rows) {
            int now = acknowledged.size();
            await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= now + rows);
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(30_000);
        }

        private void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
