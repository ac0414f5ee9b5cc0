package io.fluxdb.protocol.auth;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Server side of {@code caching_sha2_password} for the operator, for accounts the engine stores
 * with a caching_sha2 hash (MySQL 8+ engines; {@link AuthPlugins#server} switches clients of
 * other accounts to mysql_native_password, as MariaDB does). The fast path checks the client's
 * scramble against the operator's {@link CachingSha2Cache}; otherwise the client sends its
 * password (cleartext over TLS, or RSA-encrypted after optionally asking for the key), which is
 * checked against the stored hash and then cached.
 */
final class CachingSha2Server implements ServerAuthenticator {
    private enum State { INITIAL, FULL_AUTHENTICATION, DONE }

    private static final int SCRAMBLE_RESPONSE_LENGTH = 32;

    private final byte[] scramble;
    private final StoredAccount account;
    private final ServerAuthConfig config;
    private State state = State.INITIAL;

    CachingSha2Server(byte[] scramble, StoredAccount account, ServerAuthConfig config) {
        this.scramble = Scrambles.normalize(scramble);
        this.account = requireNonNull(account, "account is null");
        this.config = requireNonNull(config, "config is null");
        if (!account.authenticationString().startsWith(CachingSha2Password.STORED_PREFIX)) {
            throw new IllegalArgumentException("account '" + account.user() + "' has no caching_sha2 hash");
        }
    }

    @Override
    public String pluginName() {
        return CachingSha2Password.NAME;
    }

    @Override
    public AuthOutcome onClientData(byte[] data, boolean secure) {
        requireNonNull(data, "data is null");
        return switch (state) {
            case INITIAL -> onScramble(data);
            case FULL_AUTHENTICATION -> onFullAuthentication(data, secure);
            case DONE -> throw new AuthException("caching_sha2_password: client data after the exchange ended");
        };
    }

    private AuthOutcome onScramble(byte[] data) {
        state = State.DONE;
        if (data.length == 0) {
            // libmariadb names caching_sha2_password in its handshake response but sends no data when
            // the greeting named another plugin (the operator's names mysql_native_password): it waits
            // to be switched, with scramble data meant for caching_sha2_password.
            return new AuthOutcome.SwitchPlugin(CachingSha2Password.NAME, Scrambles.withNul(scramble));
        }
        if (data.length == 1 && data[0] == 0) {
            // libmysqlclient's answer for the empty password; the account has a password.
            return new AuthOutcome.Failure("empty password given, the account has one");
        }
        if (data.length != SCRAMBLE_RESPONSE_LENGTH) {
            return new AuthOutcome.Failure("scramble of " + data.length + " bytes (expected: 32)");
        }
        Optional<Credential> cached = config.cache().fastAuthenticate(account, data, scramble);
        if (cached.isPresent()) {
            return new AuthOutcome.Success(cached.get(), new byte[] {CachingSha2Password.FAST_AUTH_SUCCESS});
        }
        state = State.FULL_AUTHENTICATION;
        return new AuthOutcome.MoreData(new byte[] {CachingSha2Password.PERFORM_FULL_AUTHENTICATION});
    }

    private AuthOutcome onFullAuthentication(byte[] data, boolean secure) {
        if (data.length == 1 && data[0] == CachingSha2Password.REQUEST_PUBLIC_KEY) {
            if (config.rsaKeys() == null) {
                state = State.DONE;
                return new AuthOutcome.Failure("public key requested but no RSA key is configured");
            }
            return new AuthOutcome.MoreData(config.rsaKeys().publicKeyPem().getBytes(StandardCharsets.US_ASCII));
        }
        state = State.DONE;
        byte[] password;
        if (secure) {
            password = CachingSha2Password.stripNul(data);
        } else if (config.rsaKeys() == null) {
            return new AuthOutcome.Failure("password sent without TLS and no RSA key is configured");
        } else {
            try {
                password = CachingSha2Password.decryptPassword(data, scramble, config.rsaKeys());
            } catch (AuthException e) {
                return new AuthOutcome.Failure("encrypted password does not decrypt with the server key");
            }
        }
        boolean matches;
        try {
            matches = CachingSha2Password.matchesStored(password, account.authenticationString());
        } catch (AuthException e) {
            return new AuthOutcome.Failure(e.getMessage());
        }
        if (!matches) {
            return new AuthOutcome.Failure("wrong password");
        }
        // A caching_sha2 account needs the password itself to log in to the engine.
        Credential backend = new Credential.Password(password);
        config.cache().put(account, CachingSha2Password.cacheDigest(password), backend);
        return new AuthOutcome.Success(backend);
    }

    @Override
    public String toString() {
        return "CachingSha2Server[user=" + account.user() + ", state=" + state + "]";
    }
}
