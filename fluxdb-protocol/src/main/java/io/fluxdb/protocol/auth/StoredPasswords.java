package io.fluxdb.protocol.auth;

import static java.util.Objects.requireNonNull;

import java.security.MessageDigest;
import java.util.Optional;

/**
 * Checks a cleartext password (from caching_sha2_password's full authentication) against the
 * hash the engine stores, and picks the weakest credential that still logs in to the engine.
 */
final class StoredPasswords {
    private StoredPasswords() {}

    /**
     * The backend credential for {@code password} if it matches the account, else empty.
     *
     * @throws AuthException if the stored hash is in a format FluxDB cannot check
     */
    static Optional<Credential> check(StoredAccount account, byte[] password) {
        requireNonNull(account, "account is null");
        requireNonNull(password, "password is null");
        String stored = account.authenticationString();
        if (stored.isEmpty()) {
            return password.length == 0 ? Optional.of(new Credential.Password(password)) : Optional.empty();
        }
        if (password.length == 0) {
            return Optional.empty();
        }
        if (stored.startsWith("*")) {
            byte[] sha1 = NativePassword.sha1(password);
            boolean ok = MessageDigest.isEqual(NativePassword.sha1(sha1), NativePassword.parseStoredHash(stored));
            return ok ? Optional.of(new Credential.NativeHash(sha1)) : Optional.empty();
        }
        if (stored.startsWith(CachingSha2Password.STORED_PREFIX)) {
            // A MySQL caching_sha2 account needs the password itself to log in to the engine.
            return CachingSha2Password.matchesStored(password, stored)
                    ? Optional.of(new Credential.Password(password))
                    : Optional.empty();
        }
        throw new AuthException("account '" + account.user() + "' uses plugin '" + account.plugin()
                + "' with a stored hash FluxDB cannot check");
    }
}
