package io.fluxdb.protocol.auth;

import static java.util.Objects.requireNonNull;

/**
 * What server-side authenticators share across connections.
 *
 * @param rsaKeys the key pair for {@code caching_sha2_password} full authentication without
 *     TLS, or null to require TLS for it
 * @param cache the operator's {@code caching_sha2_password} fast-path cache
 */
public record ServerAuthConfig(RsaKeyPair rsaKeys, CachingSha2Cache cache) {
    public ServerAuthConfig {
        requireNonNull(cache, "cache is null");
    }
}
