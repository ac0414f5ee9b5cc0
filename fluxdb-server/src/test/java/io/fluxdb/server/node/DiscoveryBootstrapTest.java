package io.fluxdb.server.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.api.internal.InternalApiClient;
import io.fluxdb.discovery.PeerSource;
import io.fluxdb.discovery.dns.DnsPeerSource;
import io.fluxdb.discovery.fluxos.FluxOsPeerSource;
import io.fluxdb.server.config.HostPort;
import io.fluxdb.server.config.NodeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiscoveryBootstrapTest {
    @TempDir
    Path dataDir;

    private NodeConfig config(String bindAddress) {
        // FLUXOS_API points nowhere: a stored group must not need FluxOS
        return config(Map.of("DB_APPNAME", "mydb", "FLUXOS_API", "http://127.0.0.1:9", "BIND_ADDRESS", bindAddress));
    }

    private NodeConfig config(Map<String, String> discovery) {
        Map<String, String> env = new HashMap<>(discovery);
        env.put("CLUSTER_SECRET", "0123456789abcdef0123");
        return FluxNodes.parse(env, "configuration", "run", "--data-dir", dataDir.toString());
    }

    /** How the node on {@code self} enters its cluster; peers it asks are not expected to answer. */
    private static ClusterEntry resolve(NodeConfig config, String self) throws Exception {
        try (InternalApiClient client = InternalApi.client(config)) {
            return DiscoveryBootstrap.resolve(config, self, client, Duration.ofMillis(10));
        }
    }

    @Test
    void aRestartedNodeUsesTheGroupDecidedAtFirstStart() throws Exception {
        Files.writeString(dataDir.resolve(DiscoveryBootstrap.GROUP_FILE), "127.0.0.2:7071\n127.0.0.3:7071\n127.0.0.4:7071\n");
        NodeConfig config = config("127.0.0.3");

        ClusterEntry entry = resolve(config, "127.0.0.3");

        assertThat(entry.join()).isFalse();
        assertThat(entry.config().cluster().peers()).containsExactly(new HostPort("127.0.0.2", 7071),
                new HostPort("127.0.0.3", 7071), new HostPort("127.0.0.4", 7071));
        assertThat(ClusterMembers.of(entry.config(), "127.0.0.3").members()).hasSize(3);
    }

    @Test
    void aNodeOutsideItsStoredGroupJoinsWithThatGroupWhenNoPeerAnswers() throws Exception {
        Files.writeString(dataDir.resolve(DiscoveryBootstrap.GROUP_FILE), "127.0.0.2:7071\n127.0.0.3:7071\n");
        NodeConfig config = config("127.0.0.9");

        ClusterEntry entry = resolve(config, "127.0.0.9");

        assertThat(entry.join()).isTrue();
        assertThat(entry.config().cluster().peers()).containsExactly(new HostPort("127.0.0.2", 7071),
                new HostPort("127.0.0.3", 7071));
    }

    @Test
    void addressesSortByTheirNumbers() {
        List<String> ips = new ArrayList<>(List.of("10.0.0.10", "node-b", "10.0.0.9", "9.255.255.255", "node-a"));
        ips.sort(DiscoveryBootstrap::compareAddresses);
        assertThat(ips).containsExactly("9.255.255.255", "10.0.0.9", "10.0.0.10", "node-a", "node-b");
    }

    @Test
    void aDnsNameIsTheSourceWhenNoPeersAreListed() {
        NodeConfig dns = config(Map.of("PEERS_DNS", "fluxdb-nodes.invalid:7300", "BOOTSTRAP_EXPECT", "3"));
        assertThat(DiscoveryBootstrap.discovers(dns)).isTrue();
        assertThat(DiscoveryBootstrap.peerSource(dns)).get().isInstanceOf(DnsPeerSource.class)
                .extracting(PeerSource::describe).isEqualTo("dns name=fluxdb-nodes.invalid port=7300");
        assertThat(DiscoveryBootstrap.label(dns)).isEqualTo("fluxdb-nodes.invalid");
        assertThat(DiscoveryBootstrap.peerSource(config("127.0.0.2"))).get().isInstanceOf(FluxOsPeerSource.class);
        NodeConfig listed = config(Map.of("PEERS", "10.0.0.2,10.0.0.3"));
        assertThat(DiscoveryBootstrap.discovers(listed)).isFalse();
        assertThat(DiscoveryBootstrap.peerSource(listed)).isEmpty();
    }

    @Test
    void aNodeOfADnsNameRestartsOnItsStoredGroupWhileTheNameDoesNotResolve() throws Exception {
        Files.writeString(dataDir.resolve(DiscoveryBootstrap.GROUP_FILE), "127.0.0.2:7071\n127.0.0.3:7071\n127.0.0.4:7071\n");
        // .invalid never resolves (RFC 2606)
        NodeConfig config = config(Map.of("PEERS_DNS", "fluxdb-nodes.invalid", "BOOTSTRAP_EXPECT", "3",
                "BIND_ADDRESS", "127.0.0.4"));

        ClusterEntry entry = resolve(config, "127.0.0.4");

        assertThat(entry.join()).isFalse();
        assertThat(entry.config().cluster().peers()).hasSize(3);
        assertThat(entry.config().cluster().peersDns()).contains(new HostPort("fluxdb-nodes.invalid", 7071));
    }
}
