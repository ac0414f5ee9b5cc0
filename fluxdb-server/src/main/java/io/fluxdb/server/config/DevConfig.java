package io.fluxdb.server.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A local development cluster: one node per entry, each with its own engine, ports and
 * directory, all on loopback.
 *
 * @param nodes the nodes in order; node {@code i} (from 0) uses the ports described in
 *     {@code docs/configuration.md}, and its engine listens at {@code nodes.get(i).engine().endpoint()}
 * @param dataDir the parent of every node's directory
 * @param engineBinaries a directory with the engine's programs ({@code mariadbd} and friends);
 *     empty means look them up on the {@code PATH}
 */
public record DevConfig(List<NodeConfig> nodes, Path dataDir, Optional<Path> engineBinaries) {
    public static final int MAX_NODES = 9;

    public DevConfig {
        nodes = List.copyOf(requireNonNull(nodes, "nodes is null"));
        requireNonNull(dataDir, "dataDir is null");
        requireNonNull(engineBinaries, "engineBinaries is null");
        if (nodes.isEmpty() || nodes.size() > MAX_NODES) {
            throw new IllegalArgumentException("nodes: " + nodes.size() + " (expected: 1-" + MAX_NODES + ")");
        }
    }
}
