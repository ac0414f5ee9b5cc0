package io.fluxdb.server.cli;

import io.fluxdb.server.config.AccessConfig;
import io.fluxdb.server.config.AddressMatcher;
import io.fluxdb.server.config.ClusterConfig;
import io.fluxdb.server.config.ConfigException;
import io.fluxdb.server.config.Consistency;
import io.fluxdb.server.config.DevConfig;
import io.fluxdb.server.config.EngineConfig;
import io.fluxdb.server.config.HostPort;
import io.fluxdb.server.config.ListenConfig;
import io.fluxdb.server.config.LogLevel;
import io.fluxdb.server.config.NodeConfig;
import io.fluxdb.server.config.ProxyConfig;
import io.fluxdb.server.config.Secret;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code fluxdb dev}: a whole cluster on this machine, each node with its own engine, for
 * trying FluxDB and for development. Everything binds to loopback.
 */
@Command(
        name = "dev",
        mixinStandardHelpOptions = true,
        versionProvider = ManifestVersionProvider.class,
        sortOptions = false,
        description = "Run a local development cluster: N nodes and their engines on loopback.")
final class DevCommand implements Callable<Integer> {
    /**
     * Node {@code i} (from 0) uses {@code basePort + i} for clients and the same offset within
     * a block of 100 ports per role, so the client ports of a cluster are consecutive and two
     * clusters with base ports 10 apart do not collide.
     */
    static final int API_OFFSET = 100;
    static final int RAFT_OFFSET = 200;
    static final int UI_OFFSET = 300;
    static final int ENGINE_OFFSET = 400;

    @Spec
    CommandSpec spec;

    @ParentCommand
    FluxDbCommand parent;

    @Option(names = "--nodes", paramLabel = "N", description = "Number of nodes, 1 to " + DevConfig.MAX_NODES + " (default: ${DEFAULT-VALUE}).")
    int nodes = 1;

    @Option(names = "--base-port", paramLabel = "PORT",
            description = "Client port of the first node; other ports are offset from it (default: ${DEFAULT-VALUE}).")
    int basePort = ListenConfig.DEFAULT_CLIENT_PORT;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Parent directory of every node's data (default: ${DEFAULT-VALUE}).")
    Path dataDir = Path.of("fluxdb-dev");

    @Option(names = "--engine-binaries", paramLabel = "DIR",
            description = "Directory holding the engine's programs (mariadbd, mariadb-install-db); default: the PATH.")
    Path engineBinaries;

    @Option(names = "--log-level", paramLabel = "LEVEL", description = "trace, debug, info, warn or error (default: info).")
    String logLevel = "info";

    @Option(names = "--local-infile", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true",
            description = "Allow LOAD DATA LOCAL INFILE, as LOCAL_INFILE does for a node (default: ${DEFAULT-VALUE}).")
    boolean localInfile;

    @Override
    public Integer call() throws Exception {
        DevConfig config = toDevConfig();
        DevLauncher launcher = parent.devLauncher().orElseGet(() -> new ConfigPrinter(spec.commandLine().getOut()));
        return launcher.run(config);
    }

    /** The per-node configurations; every problem is collected before any is reported. */
    DevConfig toDevConfig() {
        List<String> problems = new ArrayList<>();
        if (nodes < 1 || nodes > DevConfig.MAX_NODES) {
            problems.add("--nodes: " + nodes + " is out of range (expected 1 to " + DevConfig.MAX_NODES + ")");
        }
        int highest = basePort + ENGINE_OFFSET + Math.max(0, Math.min(nodes, DevConfig.MAX_NODES) - 1);
        if (basePort < 1 || highest > 65535) {
            problems.add("--base-port: " + basePort + " leaves no room for " + nodes + " node(s) (expected 1 to "
                    + (65535 - ENGINE_OFFSET - Math.max(0, nodes - 1)) + ")");
        }
        if (engineBinaries != null && !Files.isDirectory(engineBinaries)) {
            problems.add("--engine-binaries: " + engineBinaries + " is not a directory");
        }
        LogLevel level = null;
        try {
            level = LogLevel.parse(logLevel);
        } catch (IllegalArgumentException e) {
            problems.add("--log-level: " + e.getMessage());
        }
        if (!problems.isEmpty()) throw new ConfigException(problems);

        Optional<Secret> secret = nodes > 1 ? Optional.of(randomSecret()) : Optional.empty();
        List<NodeConfig> configs = new ArrayList<>();
        for (int i = 0; i < nodes; i++) configs.add(node(i, secret, level));
        return new DevConfig(configs, dataDir, Optional.ofNullable(engineBinaries));
    }

    private NodeConfig node(int index, Optional<Secret> secret, LogLevel level) {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        List<HostPort> peers = new ArrayList<>();
        for (int other = 0; other < nodes; other++) {
            if (other != index) peers.add(new HostPort(loopback.getHostAddress(), basePort + API_OFFSET + other));
        }
        return new NodeConfig(
                new EngineConfig(EngineConfig.DEFAULT_ENGINE, new HostPort(loopback.getHostAddress(), basePort + ENGINE_OFFSET + index),
                        EngineConfig.DEFAULT_USER, new Secret(""), EngineConfig.DEFAULT_INIT_DATABASE),
                new ListenConfig(loopback, basePort + index, basePort + API_OFFSET + index, basePort + API_OFFSET + index,
                        basePort + RAFT_OFFSET + index, basePort + UI_OFFSET + index),
                new ClusterConfig(Optional.empty(), peers, secret, ClusterConfig.DEFAULT_FLUXOS_API, Consistency.SESSION,
                        OptionalInt.of(nodes)),
                new AccessConfig(AddressMatcher.parse("127.0.0.1,::1"), Optional.empty(), false),
                new ProxyConfig(ProxyConfig.DEFAULT_MAX_CONNECTIONS, ProxyConfig.DEFAULT_IDLE_TIMEOUT,
                        ProxyConfig.DEFAULT_MAX_PACKET_BYTES, localInfile, Optional.empty()),
                dataDir.resolve("node-" + (index + 1)),
                level);
    }

    /** A fresh secret per run: it authenticates live traffic between nodes of one run, nothing stored. */
    private static Secret randomSecret() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return new Secret(HexFormat.of().formatHex(bytes));
    }
}
