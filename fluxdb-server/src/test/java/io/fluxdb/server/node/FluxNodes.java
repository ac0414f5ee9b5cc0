package io.fluxdb.server.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.server.Main;
import io.fluxdb.server.cli.DevLauncher;
import io.fluxdb.server.cli.NodeLauncher;
import io.fluxdb.server.config.NodeConfig;
import io.fluxdb.testkit.MariaDbProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

/** Nodes of a Flux app for tests: each on its own loopback address, all with the same four ports from a base. */
final class FluxNodes {

    private FluxNodes() {
    }

    /**
     * The configuration {@code fluxdb run} reads for a node of {@code app} on {@code ip} in front of {@code engine},
     * with the ports base (client), base + 1 (internal API), base + 2 (Raft) and base + 3 (UI).
     *
     * @param extra more environment variables
     */
    static NodeConfig config(String app, String fluxosApi, String ip, MariaDbProcess engine, int base, Path dataDir,
            Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(environment(ip, engine, base, dataDir));
        env.putAll(Map.of("DB_APPNAME", app, "FLUXOS_API", fluxosApi));
        env.putAll(extra);
        return parse(env, "configuration of " + ip, "run");
    }

    /**
     * The environment of a node on {@code ip} in front of {@code engine}, with the ports base (client), base + 1
     * (internal API), base + 2 (Raft) and base + 3 (UI), and no way yet to find its peers.
     */
    static Map<String, String> environment(String ip, MariaDbProcess engine, int base, Path dataDir) {
        return Map.ofEntries(
                Map.entry("DB_COMPONENT_NAME", engine.host() + ":" + engine.port()),
                Map.entry("DB_INIT_PASS", engine.rootPassword()),
                Map.entry("INIT_DB_NAME", "app"),
                Map.entry("CLUSTER_SECRET", TestCluster.SECRET),
                Map.entry("BIND_ADDRESS", ip),
                Map.entry("WHITELIST", "127.0.0.0/8"),
                Map.entry("EXT_DB_PORT", Integer.toString(base)),
                Map.entry("API_LISTEN_PORT", Integer.toString(base + 1)),
                Map.entry("RAFT_PORT", Integer.toString(base + 2)),
                Map.entry("UI_PORT", Integer.toString(base + 3)),
                Map.entry("FLUXDB_DATA_DIR", dataDir.toString()));
    }

    /** What {@code fluxdb <args>} reads from {@code env} and {@code args}; fails the test ({@code what}) if invalid. */
    static NodeConfig parse(Map<String, String> env, String what, String... args) {
        AtomicReference<NodeConfig> parsed = new AtomicReference<>();
        NodeLauncher capture = config -> {
            parsed.set(config);
            return 0;
        };
        DevLauncher unused = config -> 1;
        assertThat(Main.commandLine(env, capture, unused).execute(args)).as(what).isZero();
        return parsed.get();
    }

    /** A base port whose four ports are free on every one of {@code ips}. */
    static int freeBlock(String... ips) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            // below Linux's ephemeral ports (32768 and up), as PortBlock
            int base = ThreadLocalRandom.current().nextInt(10_000, 32_000);
            if (allFree(base, ips)) {
                return base;
            }
        }
        throw new IOException("no free block of ports found");
    }

    private static boolean allFree(int base, String... ips) {
        for (String ip : ips) {
            for (int port = base; port < base + 4; port++) {
                try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName(ip))) {
                    s.setReuseAddress(true);
                } catch (IOException e) {
                    return false;
                }
            }
        }
        return true;
    }
}
