package io.fluxdb.protocol.auth;

import static java.util.Objects.requireNonNull;

/**
 * Server side of {@code mysql_native_password} against a native stored hash (or an empty
 * password). A successful response yields SHA1(password) for the operator's own login to the
 * engine. {@link AuthPlugins#server} switches clients of caching_sha2 accounts to that plugin
 * instead.
 */
final class NativePasswordServer implements ServerAuthenticator {
    private final byte[] scramble;
    private final StoredAccount account;
    private boolean done;

    NativePasswordServer(byte[] scramble, StoredAccount account) {
        this.scramble = Scrambles.normalize(scramble);
        this.account = requireNonNull(account, "account is null");
    }

    @Override
    public String pluginName() {
        return NativePassword.NAME;
    }

    @Override
    public AuthOutcome onClientData(byte[] data, boolean secure) {
        requireNonNull(data, "data is null");
        if (done) {
            throw new AuthException("mysql_native_password: client data after the exchange ended");
        }
        done = true;
        String stored = account.authenticationString();
        if (stored.isEmpty() || data.length == 0) {
            return stored.isEmpty() && data.length == 0
                    ? new AuthOutcome.Success(new Credential.Password(new byte[0]))
                    : new AuthOutcome.Failure("empty password given or expected, not both");
        }
        byte[] stage2;
        try {
            stage2 = NativePassword.parseStoredHash(stored);
        } catch (AuthException e) {
            return new AuthOutcome.Failure(e.getMessage());
        }
        return NativePassword.recoverSha1(data, scramble, stage2)
                .<AuthOutcome>map(sha1 -> new AuthOutcome.Success(new Credential.NativeHash(sha1)))
                .orElseGet(() -> new AuthOutcome.Failure("wrong password"));
    }

    @Override
    public String toString() {
        return "NativePasswordServer[user=" + account.user() + "]";
    }
}
