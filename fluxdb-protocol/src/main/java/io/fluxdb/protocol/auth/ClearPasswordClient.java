package io.fluxdb.protocol.auth;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Optional;

/**
 * Client side of {@code mysql_clear_password}: the password itself, NUL-terminated. Refused
 * without TLS unless the caller allowed it, since anyone on the path could read it.
 *
 * @see <a href="https://mariadb.com/kb/en/authentication-plugin-pam/#mysql_clear_password">mysql_clear_password</a>
 */
final class ClearPasswordClient implements ClientAuthenticator {
    static final String NAME = "mysql_clear_password";

    private final byte[] password;
    private final boolean allowWithoutTls;

    ClearPasswordClient(Credential.Password password, boolean allowWithoutTls) {
        this.password = requireNonNull(password, "password is null").bytes();
        this.allowWithoutTls = allowWithoutTls;
    }

    @Override
    public String pluginName() {
        return NAME;
    }

    @Override
    public byte[] initialResponse(byte[] scramble, boolean secure) {
        if (!secure && !allowWithoutTls) {
            throw new AuthException("mysql_clear_password: refusing to send a cleartext password without TLS");
        }
        return Arrays.copyOf(password, password.length + 1);
    }

    @Override
    public Optional<byte[]> onMoreData(byte[] data) {
        throw new AuthException("mysql_clear_password: unexpected AuthMoreData (" + data.length + " bytes)");
    }

    @Override
    public String toString() {
        return "ClearPasswordClient[password=***]";
    }
}
