package io.fluxdb.protocol.auth;

import java.security.interfaces.RSAPublicKey;

/**
 * How far a {@link ClientAuthenticator} may go to send a password the server needs in full.
 *
 * @param allowCleartextWithoutTls send {@code mysql_clear_password} over an unencrypted
 *     connection (normally refused: anyone on the path reads the password)
 * @param serverPublicKey the server's RSA key for {@code caching_sha2_password} full
 *     authentication without TLS, or null to ask the server for it
 * @param allowPublicKeyRetrieval ask the server for its RSA key when none is configured; an
 *     attacker in the middle can answer with its own key, which is why this is off by default
 */
public record ClientAuthOptions(
        boolean allowCleartextWithoutTls, RSAPublicKey serverPublicKey, boolean allowPublicKeyRetrieval) {
    /** Strict defaults: no cleartext without TLS, no configured key, no key retrieval. */
    public static final ClientAuthOptions DEFAULT = new ClientAuthOptions(false, null, false);
}
