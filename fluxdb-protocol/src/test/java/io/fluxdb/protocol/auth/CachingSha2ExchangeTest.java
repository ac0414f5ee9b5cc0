package io.fluxdb.protocol.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Our caching_sha2_password client against our server, for accounts stored with a MySQL
 * caching_sha2 hash (clients of other accounts are switched to mysql_native_password, see
 * {@link AuthPluginsTest}). MariaDB 10.11 has no caching_sha2_password server plugin and no MySQL
 * 8 engine is available, so no real server checks these exchanges; the arithmetic on both sides
 * is checked against both connectors in {@link CachingSha2PasswordTest}.
 */
class CachingSha2ExchangeTest {
    private static final RsaKeyPair KEYS = RsaKeyPair.generate();
    private static final StoredAccount SHA2_ACCOUNT = sha2Account("secret");

    private final CachingSha2Cache cache = new CachingSha2Cache(100);
    private final ServerAuthConfig config = new ServerAuthConfig(KEYS, cache);

    private AuthOutcome login(Exchange exchange, StoredAccount account, String password, boolean secure,
            ClientAuthOptions options) {
        byte[] scramble = Scrambles.generate();
        return exchange.run(
                AuthPlugins.client(CachingSha2Password.NAME, Credential.password(password), options),
                AuthPlugins.server(CachingSha2Password.NAME, scramble, account, config),
                scramble,
                secure);
    }

    private static StoredAccount sha2Account(String password) {
        byte[] salt = "saltsaltsaltsaltsalt".getBytes(StandardCharsets.US_ASCII);
        return new StoredAccount("app", CachingSha2Password.NAME,
                CachingSha2Password.storedHash(password.getBytes(StandardCharsets.UTF_8), salt, 5));
    }

    @Test
    void fullAuthenticationOverTlsThenFastPath() {
        Exchange first = new Exchange();
        assertThat(login(first, SHA2_ACCOUNT, "secret", true, ClientAuthOptions.DEFAULT))
                .isEqualTo(new AuthOutcome.Success(Credential.password("secret")));
        assertThat(first.steps).containsExactly("client:32", "more:0x04", "client:7", "ok");
        assertThat(cache.size()).isEqualTo(1);

        Exchange second = new Exchange();
        AuthOutcome outcome = login(second, SHA2_ACCOUNT, "secret", false, ClientAuthOptions.DEFAULT);
        assertThat(second.steps).containsExactly("client:32", "more:0x03", "ok");
        assertThat(((AuthOutcome.Success) outcome).backendCredential()).isEqualTo(Credential.password("secret"));
    }

    @Test
    void fullAuthenticationWithPublicKeyRetrieval() {
        Exchange exchange = new Exchange();
        AuthOutcome outcome = login(exchange, SHA2_ACCOUNT, "secret", false, new ClientAuthOptions(false, null, true));
        assertThat(outcome).isEqualTo(new AuthOutcome.Success(Credential.password("secret")));
        assertThat(exchange.steps).containsExactly(
                "client:32", "more:0x04", "client:1", "more:" + KEYS.publicKeyPem().length() + " bytes", "client:256", "ok");
    }

    @Test
    void fullAuthenticationWithConfiguredPublicKey() {
        Exchange exchange = new Exchange();
        AuthOutcome outcome = login(
                exchange, SHA2_ACCOUNT, "secret", false, new ClientAuthOptions(false, KEYS.publicKey(), false));
        assertThat(outcome).isEqualTo(new AuthOutcome.Success(Credential.password("secret")));
        assertThat(exchange.steps).containsExactly("client:32", "more:0x04", "client:256", "ok");
    }

    @Test
    void wrongPasswordFailsAndIsNotCached() {
        Exchange exchange = new Exchange();
        assertThat(login(exchange, SHA2_ACCOUNT, "Secret", true, ClientAuthOptions.DEFAULT))
                .isEqualTo(new AuthOutcome.Failure("wrong password"));
        assertThat(cache.size()).isZero();
    }

    @Test
    void wrongPasswordAfterCachingGoesToFullAuthenticationAndFails() {
        login(new Exchange(), SHA2_ACCOUNT, "secret", true, ClientAuthOptions.DEFAULT);
        Exchange exchange = new Exchange();
        assertThat(login(exchange, SHA2_ACCOUNT, "guess", true, ClientAuthOptions.DEFAULT))
                .isInstanceOf(AuthOutcome.Failure.class);
        assertThat(exchange.steps).containsExactly("client:32", "more:0x04", "client:6", "Failure");
    }

    @Test
    void changedStoredHashMissesTheCache() {
        login(new Exchange(), SHA2_ACCOUNT, "secret", true, ClientAuthOptions.DEFAULT);
        StoredAccount changed = sha2Account("new-secret");
        Exchange exchange = new Exchange();
        assertThat(login(exchange, changed, "secret", true, ClientAuthOptions.DEFAULT))
                .isInstanceOf(AuthOutcome.Failure.class);
        assertThat(exchange.steps).contains("more:0x04");
    }

    @Test
    void invalidatedUserGoesBackToFullAuthentication() {
        login(new Exchange(), SHA2_ACCOUNT, "secret", true, ClientAuthOptions.DEFAULT);
        cache.invalidate("app");
        assertThat(cache.size()).isZero();
        Exchange exchange = new Exchange();
        assertThat(login(exchange, SHA2_ACCOUNT, "secret", true, ClientAuthOptions.DEFAULT))
                .isInstanceOf(AuthOutcome.Success.class);
        assertThat(exchange.steps).contains("more:0x04");
    }

    @Test
    void malformedStoredHashFails() {
        StoredAccount account = new StoredAccount("app", CachingSha2Password.NAME, "$A$005$tooshort");
        assertThat(login(new Exchange(), account, "secret", true, ClientAuthOptions.DEFAULT))
                .isEqualTo(new AuthOutcome.Failure(
                        "stored hash is not a caching_sha2_password hash (expected: $A$NNN$ + 20-byte salt + 43 chars)"));
    }

    @Test
    void emptyPasswordOfAClientIsRefused() {
        // Our client sends nothing for the empty password, so it is asked again (see below); the
        // session refuses a second switch.
        assertThat(login(new Exchange(), SHA2_ACCOUNT, "", false, ClientAuthOptions.DEFAULT))
                .isInstanceOf(AuthOutcome.SwitchPlugin.class);
        // libmysqlclient sends one NUL.
        assertThat(AuthPlugins.server(CachingSha2Password.NAME, Scrambles.generate(), SHA2_ACCOUNT, config)
                .onClientData(new byte[] {0}, false))
                .isEqualTo(new AuthOutcome.Failure("empty password given, the account has one"));
    }

    @Test
    void noDataInTheHandshakeResponseIsAnsweredWithASwitchToTheSamePlugin() {
        // libmariadb with --default-auth=caching_sha2_password after a mysql_native_password greeting.
        byte[] scramble = Scrambles.generate();
        ServerAuthenticator server = AuthPlugins.server(CachingSha2Password.NAME, scramble, SHA2_ACCOUNT, config);
        assertThat(server.onClientData(new byte[0], false))
                .isEqualTo(new AuthOutcome.SwitchPlugin(CachingSha2Password.NAME, Scrambles.withNul(scramble)));
        // The reply is a caching_sha2_password first response over the same scramble, verified from the start.
        Exchange exchange = new Exchange();
        assertThat(exchange.run(AuthPlugins.client(CachingSha2Password.NAME, "secret"),
                AuthPlugins.server(CachingSha2Password.NAME, scramble, SHA2_ACCOUNT, config), scramble, true))
                .isEqualTo(new AuthOutcome.Success(Credential.password("secret")));
        assertThat(exchange.steps).containsExactly("client:32", "more:0x04", "client:7", "ok");
    }

    @Test
    void withoutTlsOrKeyTheClientRefusesToSendThePassword() {
        assertThatThrownBy(() -> login(new Exchange(), SHA2_ACCOUNT, "secret", false, ClientAuthOptions.DEFAULT))
                .isInstanceOf(AuthException.class)
                .hasMessageContaining("needs TLS, a configured server public key, or allowPublicKeyRetrieval");
    }

    @Test
    void serverWithoutRsaKeyRefusesKeyRequestAndUnencryptedPassword() {
        ServerAuthConfig noKeys = new ServerAuthConfig(null, cache);
        byte[] scramble = Scrambles.generate();
        ServerAuthenticator server = AuthPlugins.server(CachingSha2Password.NAME, scramble, SHA2_ACCOUNT, noKeys);
        byte[] response = CachingSha2Password.scramble("secret".getBytes(StandardCharsets.UTF_8), scramble);
        assertThat(server.onClientData(response, false))
                .isEqualTo(new AuthOutcome.MoreData(new byte[] {CachingSha2Password.PERFORM_FULL_AUTHENTICATION}));
        assertThat(server.onClientData(new byte[] {CachingSha2Password.REQUEST_PUBLIC_KEY}, false))
                .isEqualTo(new AuthOutcome.Failure("public key requested but no RSA key is configured"));
    }

    @Test
    void garbageCiphertextFails() {
        byte[] scramble = Scrambles.generate();
        ServerAuthenticator server = AuthPlugins.server(CachingSha2Password.NAME, scramble, SHA2_ACCOUNT, config);
        server.onClientData(new byte[32], false);
        assertThat(server.onClientData(new byte[256], false))
                .isEqualTo(new AuthOutcome.Failure("encrypted password does not decrypt with the server key"));
    }

    @Test
    void clientRejectsUnexpectedMoreData() {
        ClientAuthenticator client = AuthPlugins.client(CachingSha2Password.NAME, "secret");
        client.initialResponse(Scrambles.generate(), true);
        assertThatThrownBy(() -> client.onMoreData(new byte[] {0x07}))
                .isInstanceOf(AuthException.class)
                .hasMessage("caching_sha2_password: unexpected AuthMoreData (1 bytes) in state SCRAMBLE_SENT");
    }
}
