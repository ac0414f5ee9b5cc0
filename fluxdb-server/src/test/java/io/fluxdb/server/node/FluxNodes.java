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
        Map<String, String> env = new HashMap<>(Map.of(
                "DB_COMPONENT_NAME", engine.host() + ":" + engine.port(),
                "DB_INIT_PASS", engine.rootPassword(),
                "INIT_DB_NAME", "app",
                "CLUSTER_SECRET", TestCluster.SECRET,
                "DB_APPNAME", app,
                "FLUXOS_API", fluxosApi,
                "BIND_ADDRESS", ip,
                "WHITELIST", "127.0.0.0/8"));
        env.putAll(extra);
        return parse(env, "configuration of " + ip, "run", "--port", Integer.toString(base),
                "--api-listen-port", Integer.toString(base + 1), "--raft-port", Integer.toString(base + 2),
                "--ui-port", Integer.toString(base + 3), "--data-dir", dataDir.toString());
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
