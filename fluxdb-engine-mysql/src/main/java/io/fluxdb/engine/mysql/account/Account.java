package io.fluxdb.engine.mysql.account;

import static java.util.Objects.requireNonNull;

import java.util.Comparator;

/**
 * One engine account as the operator needs it for authentication: who, from where, with which
 * plugin and stored credential. {@code toString} hides the credential.
 *
 * @param user the user name; empty for the anonymous account
 * @param host the host pattern
 * @param plugin the authentication plugin, e.g. {@code mysql_native_password}
 * @param authenticationString the stored credential (for native passwords {@code *} + 40 hex digits, or empty)
 * @param locked whether the account is locked
 * @param tls what the account requires of the client's connection
 */
public record Account(String user, HostPattern host, String plugin, String authenticationString, boolean locked,
        TlsRequirement tls) {
    /** The order in which the server tries accounts: most specific host first, then named users before anonymous. */
    public static final Comparator<Account> MATCH_ORDER = Comparator.comparing(Account::host)
            .thenComparing(a -> a.user().isEmpty());

    public Account {
        requireNonNull(user, "user is null");
        requireNonNull(host, "host is null");
        requireNonNull(plugin, "plugin is null");
        requireNonNull(authenticationString, "authenticationString is null");
        requireNonNull(tls, "tls is null");
    }

    /** An account without a TLS requirement. */
    public Account(String user, HostPattern host, String plugin, String authenticationString, boolean locked) {
        this(user, host, plugin, authenticationString, locked, TlsRequirement.NONE);
    }

    /** True when the account has no password at all. */
    public boolean hasEmptyPassword() {
        return authenticationString.isEmpty();
    }

    @Override
    public String toString() {
        return "Account['" + user + "'@'" + host.text() + "', plugin=" + plugin + (locked ? ", locked" : "")
                + (tls == TlsRequirement.NONE ? "" : ", require " + tls) + "]";
    }
}
