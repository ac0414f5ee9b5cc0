package io.fluxdb.protocol.auth;

import static java.util.Objects.requireNonNull;

/**
 * An account as the engine stores it: MariaDB's {@code mysql.global_priv} JSON fields
 * {@code plugin} and {@code authentication_string} (MySQL's {@code mysql.user} columns of the
 * same names). {@code toString} hides the stored hash.
 *
 * @param user the account's user name, the key of the {@link CachingSha2Cache}
 * @param plugin the account's plugin, e.g. {@code mysql_native_password}
 * @param authenticationString the stored hash: {@code *} and 40 hex digits for native accounts,
 *     {@code $A$005$...} for MySQL's caching_sha2_password, empty for an empty password
 */
public record StoredAccount(String user, String plugin, String authenticationString) {
    public StoredAccount {
        requireNonNull(user, "user is null");
        requireNonNull(plugin, "plugin is null");
        requireNonNull(authenticationString, "authenticationString is null");
    }

    @Override
    public String toString() {
        return "StoredAccount[user=" + user + ", plugin=" + plugin + ", authenticationString=***]";
    }
}
