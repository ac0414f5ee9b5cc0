package io.fluxdb.server.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fluxdb.api.ClusterStatusEntry;
import io.fluxdb.api.StatusClient;
import io.fluxdb.api.StatusReport;
import io.fluxdb.testkit.MariaDbProcess;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nodes outside Flux that find each other through the A records of one DNS name ({@code PEERS_DNS}), as the pods of a
 * Kubernetes headless service do: operator processes, each on its own loopback address with the same ports, resolve
 * the name through a hosts file ({@code -Djdk.net.hosts.file}; the JDK reads the file again at every lookup its
 * address cache lets through, and {@code -Dsun.net.inetaddr.ttl=1} keeps an answer for a second). While the name does
 * not resolve, the nodes wait; once it lists three addresses they form one cluster ({@code BOOTSTRAP_EXPECT=3}); a
 * fourth address added to the name joins and gets the data; while the name does not resolve nobody is removed; an
 * address taken out of the name is removed from the group after {@code MEMBER_REMOVE_AFTER}.
 */
@Timeout(360)
class DnsDiscoveryIT {
    static final String NAME = "db.test";
    static final String[] IPS = {"127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"};
    static final Duration REMOVE_AFTER = Duration.ofSeconds(5);
    /** Three JVMs and three engines start at once on what may be two busy cores. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    static final Duration SETTLE = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    private final List<MariaDbProcess> engines = new ArrayList<>();
    private final List<OperatorProcess> nodes = new ArrayList<>();
    private final StatusClient statusClient = new StatusClient(Duration.ofSeconds(5));
    private Path hostsFile;
    private int base;

    @AfterEach
    void stop() throws InterruptedException {
        for (OperatorProcess node : nodes) {
            node.kill();
        }
        engines.forEach(MariaDbProcess::close);
    }

    @Test
    void nodesOfOneNameFormOneClusterThatFollowsTheName() throws Exception {
        base = FluxNodes.freeBlock(IPS);
        hostsFile = dir.resolve("hosts");
        list(); // the name does not resolve yet
        for (int i = 0; i < 3; i++) {
            engines.add(MariaDbProcess.builder().start());
            nodes.add(operator(i));
            nodes.get(i).start(jvmOptions());
        }

        // an unresolvable name is logged and asked again; no node gives up
        await().atMost(SETTLE).untilAsserted(() -> assertThat(nodes.subList(0, 3))
                .allSatisfy(n -> assertThat(n.log()).contains(NAME + " does not resolve")));
        assertThat(nodes.subList(0, 3)).allMatch(OperatorProcess::isRunning)
                .noneMatch(n -> n.log().contains(OperatorProcess.READY));

        // the name lists three nodes: one cluster, the same group decided on every node
        list(IPS[0], IPS[1], IPS[2]);
        for (int i = 0; i < 3; i++) {
            nodes.get(i).awaitReady(START_TIMEOUT);
        }
        String group = Files.readString(dataDir(0).resolve(DiscoveryBootstrap.GROUP_FILE));
        assertThat(group).contains(IPS[0] + ":" + (base + 1), IPS[1] + ":", IPS[2] + ":");
        for (int i = 1; i < 3; i++) {
            assertThat(Files.readString(dataDir(i).resolve(DiscoveryBootstrap.GROUP_FILE))).isEqualTo(group);
        }
        String leader = awaitOneCluster(IPS[0], IPS[1], IPS[2]);

        // a write through one node is read through the others
        try (Connection c = client(leader); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE found_by_name (id INT PRIMARY KEY)");
            s.execute("INSERT INTO found_by_name VALUES (1), (2), (3)");
        }
        for (int i = 0; i < 3; i++) {
            awaitRows(IPS[i], 3);
        }

        // a fourth address in the name: its node joins and gets the data
        list(IPS);
        engines.add(MariaDbProcess.builder().start());
        nodes.add(operator(3));
        nodes.get(3).start(jvmOptions());
        nodes.get(3).awaitReady(START_TIMEOUT);
        leader = awaitOneCluster(IPS);
        awaitRows(IPS[3], 3);

        // the name stops resolving (a DNS outage): every node keeps the last good answer, and nobody is removed
        list();
        await().atMost(SETTLE).untilAsserted(() -> assertThat(nodes).allSatisfy(n -> assertThat(n.log())
                .contains("discovery failing: DNS name " + NAME + " does not resolve")
                .contains("keeping the last good answer (4 nodes)")));
        String during = leader;
        await().during(REMOVE_AFTER.multipliedBy(3)).atMost(SETTLE).untilAsserted(() -> assertThat(memberIps(during)).containsExactlyInAnyOrder(IPS));

        // a follower's address leaves the name (its node is gone): the leader removes it after MEMBER_REMOVE_AFTER
        String leaderNow = leader;
        int gone = index(List.of(IPS).stream().filter(ip -> !ip.equals(leaderNow)).findFirst().orElseThrow());
        nodes.get(gone).kill();
        List<String> remaining = new ArrayList<>(List.of(IPS));
        remaining.remove(IPS[gone]);
        list(remaining.toArray(String[]::new));
        leader = awaitOneCluster(remaining.toArray(String[]::new));
        // by the leader of that moment, which may have handed over since
        assertThat(remaining).anySatisfy(ip -> assertThat(nodes.get(index(ip)).log())
                .contains(IPS[gone] + "_" + (base + 2) + " has not been listed by discovery for over"));
        try (Connection c = client(leader); Statement s = c.createStatement()) {
            s.execute("INSERT INTO found_by_name VALUES (4)");
        }
        for (String ip : remaining) {
            awaitRows(ip, 4);
        }
    }

    /** A node on {@code IPS[i]} that looks its peers up under {@link #NAME} on the internal API port. */
    private OperatorProcess operator(int i) {
        Map<String, String> env = new HashMap<>(FluxNodes.environment(IPS[i], engines.get(i), base, dataDir(i)));
        env.put("PEERS_DNS", NAME + ":" + (base + 1));
        env.put("BOOTSTRAP_EXPECT", "3");
        env.put("MEMBER_REMOVE_AFTER", REMOVE_AFTER.toSeconds() + "s");
        return new OperatorProcess("node-" + i, env, dir.resolve("node-" + i + ".log"));
    }

    private String[] jvmOptions() {
        return new String[] {"-Djdk.net.hosts.file=" + hostsFile, "-Dsun.net.inetaddr.ttl=1"};
    }

    private Path dataDir(int i) {
        return dir.resolve("node-" + i);
    }

    private static int index(String ip) {
        return List.of(IPS).indexOf(ip);
    }

    /**
     * Makes {@link #NAME} resolve to {@code ips} (to nothing when none), replacing the file in one step so that no
     * lookup reads half of it. The machine's own names stay resolvable.
     */
    private void list(String... ips) throws Exception {
        StringBuilder hosts = new StringBuilder("127.0.0.1 localhost");
        try {
            hosts.append(' ').append(InetAddress.getLocalHost().getHostName());
        } catch (UnknownHostException e) {
            // this machine's name does not resolve here either: nothing to keep
        }
        hosts.append('\n');
        for (String ip : ips) {
            hosts.append(ip).append(' ').append(NAME).append('\n');
        }
        Path next = dir.resolve("hosts.next");
        Files.writeString(next, hosts, StandardCharsets.UTF_8);
        Files.move(next, hostsFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Waits until every node of {@code ips} reports itself at its own address, the same leader, and exactly
     * {@code ips} as the cluster's members, all active.
     *
     * @return the leader's address
     */
    private String awaitOneCluster(String... ips) {
        AtomicReference<String> leader = new AtomicReference<>();
        await().atMost(SETTLE).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            Set<String> leaders = new TreeSet<>();
            for (String ip : ips) {
                StatusReport report = status(ip);
                assertThat(report.ip()).isEqualTo(ip);
                assertThat(report.leaderId()).as("leader known to " + ip).isNotNull();
                leaders.add(report.leaderId());
                assertThat(report.clusterStatus()).as("members seen by " + ip).extracting(ClusterStatusEntry::ip)
                        .containsExactlyInAnyOrder(ips);
                assertThat(report.clusterStatus()).allSatisfy(e -> assertThat(e.active()).isTrue());
                leader.set(report.masterIP());
            }
            assertThat(leaders).hasSize(1);
        });
        return leader.get();
    }

    /** The cluster's members as the node on {@code ip} reports them. */
    private List<String> memberIps(String ip) throws Exception {
        return status(ip).clusterStatus().stream().map(ClusterStatusEntry::ip).toList();
    }

    private StatusReport status(String ip) throws Exception {
        return statusClient.fetch(URI.create("http://" + ip + ":" + (base + 3) + "/status"));
    }

    private void awaitRows(String ip, int rows) {
        await().atMost(SETTLE).untilAsserted(() -> {
            try (Connection c = client(ip); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM found_by_name")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).as("rows through " + ip).isEqualTo(rows);
            }
        });
    }

    /** A client of the node on {@code ip}, logged in as its engine's root. */
    private Connection client(String ip) throws SQLException {
        MariaDbProcess engine = engines.get(index(ip));
        return DriverManager.getConnection("jdbc:mariadb://" + ip + ":" + base
                + "/app?sslMode=disable&connectTimeout=5000&socketTimeout=20000", "root", engine.rootPassword());
    }
}
