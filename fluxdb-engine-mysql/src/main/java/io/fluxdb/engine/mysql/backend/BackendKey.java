package io.fluxdb.engine.mysql.backend;

import static java.util.Objects.requireNonNull;

import io.fluxdb.protocol.constant.CapabilityFlags;

/**
 * What makes two backend connections interchangeable: the engine user they are logged in as, the
 * capabilities and character set negotiated (a client's framing depends on them, so a relay is
 * only byte-faithful on a connection negotiated like the client's), and the database selected at
 * login (a connection cannot go back to "no database"). CLIENT_CONNECT_WITH_DB is set in
 * {@code capabilities} exactly when there is a database, whatever the caller passed.
 */
public record BackendKey(String user, long capabilities, int collation, String database) {
    public BackendKey {
        requireNonNull(user, "user is null");
        requireNonNull(database, "database is null (use \"\" for none)");
        capabilities = database.isEmpty()
                ? capabilities & ~CapabilityFlags.CLIENT_CONNECT_WITH_DB
                : capabilities | CapabilityFlags.CLIENT_CONNECT_WITH_DB;
    }
}
