package io.fluxdb.protocol.auth;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Creates the authenticators FluxDB supports, on either side of a connection.
 *
 * <p>Client side, for one connection: {@code AuthPlugins.client(handshake.authPluginName(),
 * password)}, and a new one for the plugin an AuthSwitchRequest names.
 *
 * <p>Server side, for one client connection of the operator: {@code AuthPlugins.server(
 * response.authPluginName(), scramble, account, config)} with the scramble sent in
 * HandshakeV10 and the account read from the engine.
 */
public final class AuthPlugins {
    /** The plugins FluxDB can answer as a client, in the order of the error message. */
    public static final List<String> CLIENT_PLUGINS =
            List.of(NativePassword.NAME, CachingSha2Password.NAME, ClearPasswordClient.NAME);
    /** The plugins FluxDB can verify as a server. */
    public static final List<String> SERVER_PLUGINS = List.of(NativePassword.NAME, CachingSha2Password.NAME);

    private AuthPlugins() {}

    /** A client authenticator for a password, with {@link ClientAuthOptions#DEFAULT}. */
    public static ClientAuthenticator client(String pluginName, String password) {
        return client(pluginName, Credential.password(password), ClientAuthOptions.DEFAULT);
    }

    /**
     * A client authenticator for {@code credential}.
     *
     * @throws AuthException if the plugin is not supported, or cannot use this kind of
     *     credential (only mysql_native_password can answer from SHA1(password))
     */
    public static ClientAuthenticator client(String pluginName, Credential credential, ClientAuthOptions options) {
        requireNonNull(pluginName, "pluginName is null");
        requireNonNull(credential, "credential is null");
        requireNonNull(options, "options is null");
        return switch (pluginName) {
            case NativePassword.NAME -> new NativePasswordClient(credential);
            case CachingSha2Password.NAME -> new CachingSha2Client(needPassword(pluginName, credential), options);
            case ClearPasswordClient.NAME -> new ClearPasswordClient(
                    needPassword(pluginName, credential), options.allowCleartextWithoutTls());
            default -> throw new AuthException("auth plugin '" + pluginName + "' is not supported (supported: "
                    + String.join(", ", CLIENT_PLUGINS) + ")");
        };
    }

    /**
     * A server authenticator for a client that answered {@code scramble} with
     * {@code clientPluginName}. As MariaDB and MySQL do, a client whose plugin is not
     * {@link #preferredServerPlugin} for the account gets an authenticator whose first outcome
     * switches it to that plugin, with the same scramble: a caching_sha2_password client of a
     * mysql_native_password account (or of one without a password) is switched to
     * mysql_native_password, a mysql_native_password client of a caching_sha2 account to
     * caching_sha2_password.
     *
     * @param scramble the 20-byte scramble sent to the client (a trailing NUL is ignored)
     * @param account the client's account as the engine stores it
     */
    public static ServerAuthenticator server(
            String clientPluginName, byte[] scramble, StoredAccount account, ServerAuthConfig config) {
        requireNonNull(clientPluginName, "clientPluginName is null");
        requireNonNull(scramble, "scramble is null");
        requireNonNull(account, "account is null");
        requireNonNull(config, "config is null");
        String plugin = preferredServerPlugin(account);
        if (!plugin.equals(clientPluginName)) {
            return new SwitchingServer(plugin, scramble);
        }
        return plugin.equals(CachingSha2Password.NAME)
                ? new CachingSha2Server(scramble, account, config)
                : new NativePasswordServer(scramble, account);
    }

    /**
     * The plugin to ask a client for: caching_sha2_password for MySQL caching_sha2 hashes (a
     * native response cannot be checked against them), else mysql_native_password, whose
     * response alone yields the backend credential.
     */
    public static String preferredServerPlugin(StoredAccount account) {
        requireNonNull(account, "account is null");
        return account.authenticationString().startsWith(CachingSha2Password.STORED_PREFIX)
                ? CachingSha2Password.NAME
                : NativePassword.NAME;
    }

    private static Credential.Password needPassword(String pluginName, Credential credential) {
        if (credential instanceof Credential.Password p) {
            return p;
        }
        throw new AuthException("auth plugin '" + pluginName + "' needs the password itself; only "
                + NativePassword.NAME + " can log in with SHA1(password)");
    }

    /** Answers any first response with an AuthSwitchRequest. */
    private record SwitchingServer(String target, byte[] scramble) implements ServerAuthenticator {
        SwitchingServer {
            scramble = Scrambles.normalize(scramble);
        }

        @Override
        public String pluginName() {
            return target;
        }

        @Override
        public AuthOutcome onClientData(byte[] data, boolean secure) {
            return new AuthOutcome.SwitchPlugin(target, Scrambles.withNul(scramble));
        }

        @Override
        public String toString() {
            return "SwitchingServer[" + target + "]";
        }
    }
}
