package io.fluxdb.engine.spi;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;

/**
 * User data an engine held that the cluster's log did not write, found when the node joined the cluster
 * ({@link Engine#adoptCluster}): it was saved to {@code backup} and removed from the engine, which then re-syncs from
 * the cluster.
 *
 * @param reason why the data is foreign (no FluxDB bookkeeping, or another cluster's)
 * @param schemas the schemas that were saved and removed
 * @param backup the file the engine wrote them to (the engine's dump format, see {@link Engine#restore})
 */
public record ForeignData(String reason, List<String> schemas, Path backup) {
    public ForeignData {
        requireNonNull(reason, "reason is null");
        schemas = List.copyOf(schemas);
        requireNonNull(backup, "backup is null");
    }

    /** One line for logs and status. */
    public String describe() {
        return reason + "; schemas " + schemas + " saved to " + backup + " and removed, the node re-syncs from the"
                + " cluster";
    }
}
