package io.fluxdb.server.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.api.internal.InternalApiClient;
import io.fluxdb.server.Main;
import io.fluxdb.server.cli.DevLauncher;
import io.fluxdb.server.cli.NodeLauncher;
import io.fluxdb.server.config.HostPort;
import io.fluxdb.server.config.NodeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FluxOsBootstrapTest {
    @TempDir
    Path dataDir;

    private NodeConfig config(String bindAddress) {
        AtomicReference<NodeConfig> parsed = new AtomicReference<>();
        NodeLauncher capture = config -> {
            parsed.set(config);
            return 0;
        };
        DevLauncher unused = config -> 1;
        // FLUXOS_API points nowhere: a stored group must not need FluxOS
        Map<String, String> env = Map.of("DB_APPNAME", "mydb", "CLUSTER_SECRET", "0123456789abcdef0123",
                "FLUXOS_API", "http://127.0.0.1:9", "BIND_ADDRESS", bindAddress);
        assertThat(Main.commandLine(env, capture, unused).execute("run", "--data-dir", dataDir.toString())).isZero();
        return parsed.get();
    }

    @Test
    void aRestartedNodeUsesTheGroupDecidedAtFirstStart() throws Exception {
        Files.writeString(dataDir.resolve(FluxOsBootstrap.GROUP_FILE), "127.0.0.2:7071\n127.0.0.3:7071\n127.0.0.4:7071\n");
        NodeConfig config = config("127.0.0.3");

        ClusterEntry entry;
        try (InternalApiClient client = InternalApi.client(config)) {
            entry = FluxOsBootstrap.resolve(config, "127.0.0.3", client, Duration.ofMillis(10));
        }

        assertThat(entry.join()).isFalse();
        assertThat(entry.config().cluster().peers()).containsExactly(new HostPort("127.0.0.2", 7071),
                new HostPort("127.0.0.3", 7071), new HostPort("127.0.0.4", 7071));
        assertThat(ClusterMembers.of(entry.config(), "127.0.0.3").members()).hasSize(3);
    }

    @Test
    void aNodeOutsideItsStoredGroupJoinsWithThatGroupWhenNoPeerAnswers() throws Exception {
        Files.writeString(dataDir.resolve(FluxOsBootstrap.GROUP_FILE), "127.0.0.2:7071\n127.0.0.3:7071\n");
        NodeConfig config = config("127.0.0.9");

        ClusterEntry entry;
        try (InternalApiClient client = InternalApi.client(config)) {
            entry = FluxOsBootstrap.resolve(config, "127.0.0.9", client, Duration.ofMillis(10));
        }

        assertThat(entry.join()).isTrue();
        assertThat(entry.config().cluster().peers()).containsExactly(new HostPort("127.0.0.2", 7071),
                new HostPort("127.0.0.3", 7071));
    }

    @Test
    void addressesSortByTheirNumbers() {
        List<String> ips = new ArrayList<>(List.of("10.0.0.10", "node-b", "10.0.0.9", "9.255.255.255", "node-a"));
        ips.sort(FluxOsBootstrap::compareAddresses);
        assertThat(ips).containsExactly("9.255.255.255", "10.0.0.9", "10.0.0.10", "node-a", "node-b");
    }
}
