package io.fluxdb.server.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * Everything {@code fluxdb run} needs to start one node, validated. Secrets are hidden in
 * {@code toString()} by {@link Secret}, so the whole record may be logged.
 *
 * @param dataDir the operator's own state: Raft log, snapshots, generated TLS keys ({@code FLUXDB_DATA_DIR})
 * @param logLevel the root log level ({@code LOG_LEVEL})
 */
public record NodeConfig(
        EngineConfig engine,
        ListenConfig listen,
        ClusterConfig cluster,
        AccessConfig access,
        ProxyConfig proxy,
        Path dataDir,
        LogLevel logLevel) {
    public static final Path DEFAULT_DATA_DIR = Path.of("fluxdb-data");

    public NodeConfig {
        requireNonNull(engine, "engine is null");
        requireNonNull(listen, "listen is null");
        requireNonNull(cluster, "cluster is null");
        requireNonNull(access, "access is null");
        requireNonNull(proxy, "proxy is null");
        requireNonNull(dataDir, "dataDir is null");
        requireNonNull(logLevel, "logLevel is null");
    }

    /** This configuration with another cluster section. */
    public NodeConfig withCluster(ClusterConfig value) {
        return new NodeConfig(engine, listen, value, access, proxy, dataDir, logLevel);
    }
}
