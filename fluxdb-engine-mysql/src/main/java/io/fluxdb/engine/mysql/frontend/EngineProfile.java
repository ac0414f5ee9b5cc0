package io.fluxdb.engine.mysql.frontend;

import static java.util.Objects.requireNonNull;

/**
 * What the front end learned from the engine's own handshake: its version string (the operator
 * advertises it with a suffix, since drivers branch on it), its capabilities (the operator never
 * offers a client more than the engine supports, so every client's session can be mirrored on a
 * backend connection) and its default collation.
 */
public record EngineProfile(String serverVersion, long capabilities, int collation) {
    public EngineProfile {
        requireNonNull(serverVersion, "serverVersion is null");
    }
}
