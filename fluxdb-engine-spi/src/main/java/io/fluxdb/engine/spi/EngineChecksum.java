package io.fluxdb.engine.spi;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A fingerprint of all user data at one applied index, for comparing nodes: two nodes at the same index must
 * report equal checksums for every table.
 *
 * @param appliedIndex the highest index applied when the checksums were taken (in the same engine snapshot)
 * @param tables checksum of each table's rows, by qualified name (for MySQL {@code schema.table}); how the value is
 *     computed is the engine's choice, but equal data gives equal values on every node
 */
public record EngineChecksum(long appliedIndex, SortedMap<String, String> tables) {

    public EngineChecksum {
        requireNonNull(tables, "tables is null");
        tables = Collections.unmodifiableSortedMap(new TreeMap<>(tables));
        if (appliedIndex < 0) {
            throw new IllegalArgumentException("appliedIndex: " + appliedIndex + " (expected: >= 0)");
        }
    }
}
