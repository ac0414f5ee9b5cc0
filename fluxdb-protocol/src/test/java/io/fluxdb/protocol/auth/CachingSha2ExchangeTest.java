package io.fluxdb.protocol.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

/**
 * Our caching_sha2_password client against our server. MariaDB 10.11 has no caching_sha2_password
 * server plugin, so no real server checks these exchanges; the arithmetic on both sides is
 * checked against both connectors in {@link CachingSha2PasswordTest}.
 */
class CachingSha2ExchangeTest {
    private static final RsaKeyPair KEYS = RsaKeyPair.generate();
    private static final StoredAccount NATIVE_ACCOUNT =
            new StoredAccount("app", "mysql_native_password", "*14E65567ABDB5135D0CFD9A70B3032C179A49EE7");

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

    private static Credential sha1Of(String password) throws Exception {
        return new Credential.NativeHash(
                MessageDigest.getInstance("SHA-1").digest(password.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void fullAuthenticationOverTlsThenFastPath() throws Exception {
        Exchange first = new Exchange();
        assertThat(login(first, NATIVE_ACCOUNT, "secret", true, ClientAuthOptions.DEFAULT))
                .isEqualTo(new AuthOutcome.Success(sha1Of("secret")));
        assertThat(first.steps).containsExactly("client:32", "more:0x04", "client:7", "ok");
        assertThat(cache.size()).isEqualTo(1);

        Exchange second = new Exchange();
        AuthOutcome outcome = login(second, NATIVE_ACCOUNT, "secret", false, ClientAuthOptions.DEFAULT);
        assertThat(second.steps).containsExactly("client:32", "more:0x03", "ok");
        assertThat(((AuthOutcome.Success) outcome).backendCredential()).isEqualTo(sha1Of("secret"));
    }

    @Test
    void fullAuthenticationWithPublicKeyRetrieval() throws Exception {
        Exchange exchange = new Exchange();
        AuthOutcome outcome = login(exchange, NATIVE_ACCOUNT, "secret", false, new ClientAuthOptions(false, null, true));
        assertThat(outcome).isEqualTo(new AuthOutcome.Success(sha1Of("secret")));
        assertThat(exchange.steps).containsExactly(
                "client:32", "more:0x04", "client:1", "more:" + KEYS.publicKeyPem().length() + " bytes", "client:256", "ok");
    }

    @Test
    void fullAuthenticationWithConfiguredPublicKey() throws Exception {
        Exchange exchange = new Exchange();
        AuthOutcome outcome = login(
                exchange, NATIVE_ACCOUNT, "secret", false, new ClientAuthOptions(false, KEYS.publicKey(), false));
        assertThat(outcome).isEqualTo(new AuthOutcome.Success(sha1Of("secret")));
        assertThat(exchange.steps).containsExactly("client:32", "more:0x04", "client:256", "ok");
    }

    @Test
    void wrongPasswordFailsAndIsNotCached() {
        Exchange exchange = new Exchange();
        assertThat(login(exchange, NATIVE_ACCOUNT, "Secret", true, ClientAuthOptions.DEFAULT))
                .isEqualTo(new AuthOutcome.Failure("wrong password"));
        assertThat(cache.size()).isZero();
    }

    @Test
    void wrongPasswordAfterCachingGoesToFullAuthenticationAndFails() {
        login(new Exchange(), NATIVE_ACCOUNT, "secret", true, ClientAuthOptions.DEFAULT);
        Exchange exchange = new Exchange();
        assertThat(login(exchange, NATIVE_ACCOUNT, "guess", true, ClientAuthOptions.DEFAULT))
                .isInstanceOf(AuthOutcome.Failure.class);
        assertThat(exchange.steps).containsExactly("client:32", "more:0x04", "client:6", "Failure");
    }

    @Test
    void changedStoredHashMissesTheCache() {
        login(new Exchange(), NATIVE_ACCOUNT, "secret", true, ClientAuthOptions.DEFAULT);
        StoredAccount changed = new StoredAccount("app", "mysql_native_password", NativePassword.storedHash(
                "new-secret".getBytes(StandardCharsets.UTF_8)));
        Exchange exchange = new Exchange();
        assertThat(login(exchange, changed, "secret", true, ClientAuthOptions.DEFAULT))
                .isInstanceOf(AuthOutcome.Failure.class);
        assertThat(exchange.steps).contains("more:0x04");
    }

    @Test
    void invalidatedUserGoesBackToFullAuthentication() {
        login(new Exchange(), NATIVE_ACCOUNT, "secret", true, ClientAuthOptions.DEFAULT);
        cache.invalidate("app");
        assertThat(cache.size()).isZero();
        Exchange exchange = new Exchange();
        assertThat(login(exchange, NATIVE_ACCOUNT, "secret", true, ClientAuthOptions.DEFAULT))
                .isInstanceOf(AuthOutcome.Success.class);
        assertThat(exchange.steps).contains("more:0x04");
    }

    @Test
    void mysqlCachingSha2AccountYieldsThePasswordAsBackendCredential() {
        byte[] salt = "saltsaltsaltsaltsalt".getBytes(StandardCharsets.US_ASCII);
        StoredAccount account = new StoredAccount("app", CachingSha2Password.NAME,
                CachingSha2Password.storedHash("secret".getBytes(StandardCharsets.UTF_8), salt, 5));
        assertThat(login(new Exchange(), account, "secret", true, ClientAuthOptions.DEFAULT))
                .isEqualTo(new AuthOutcome.Success(Credential.password("secret")));
        assertThat(login(new Exchange(), account, "secrets", true, ClientAuthOptions.DEFAULT))
                .isEqualTo(new AuthOutcome.Failure("wrong password"));
    }

    @Test
    void emptyPassword() {
        StoredAccount account = new StoredAccount("anon", "mysql_native_password", "");
        Exchange exchange = new Exchange();
        assertThat(login(exchange, account, "", false, ClientAuthOptions.DEFAULT))
                .isEqualTo(new AuthOutcome.Success(Credential.password("")));
        assertThat(exchange.steps).containsExactly("client:0", "ok");
        // libmysqlclient sends one NUL for the empty password.
        ServerAuthenticator server = AuthPlugins.server(CachingSha2Password.NAME, Scrambles.generate(), account, config);
        assertThat(server.onClientData(new byte[] {0}, false)).isInstanceOf(AuthOutcome.Success.class);
        // No data for an account with a password: asked again (see below); one NUL: refused.
        assertThat(login(new Exchange(), NATIVE_ACCOUNT, "", false, ClientAuthOptions.DEFAULT))
                .isInstanceOf(AuthOutcome.SwitchPlugin.class);
        assertThat(AuthPlugins.server(CachingSha2Password.NAME, Scrambles.generate(), NATIVE_ACCOUNT, config)
                .onClientData(new byte[] {0}, false)).isInstanceOf(AuthOutcome.Failure.class);
    }

    @Test
    void noDataInTheHandshakeResponseIsAnsweredWithASwitchToTheSamePlugin() throws Exception {
        // libmariadb with --default-auth=caching_sha2_password after a mysql_native_password greeting.
        byte[] scramble = Scrambles.generate();
        ServerAuthenticator server = AuthPlugins.server(CachingSha2Password.NAME, scramble, NATIVE_ACCOUNT, config);
        assertThat(server.onClientData(new byte[0], false))
                .isEqualTo(new AuthOutcome.SwitchPlugin(CachingSha2Password.NAME, Scrambles.withNul(scramble)));
        // The reply is a caching_sha2_password first response over the same scramble, verified from the start.
        Exchange exchange = new Exchange();
        assertThat(exchange.run(AuthPlugins.client(CachingSha2Password.NAME, "secret"),
                AuthPlugins.server(CachingSha2Password.NAME, scramble, NATIVE_ACCOUNT, config), scramble, true))
                .isEqualTo(new AuthOutcome.Success(sha1Of("secret")));
        assertThat(exchange.steps).containsExactly("client:32", "more:0x04", "client:7", "ok");
    }

    @Test
    void withoutTlsOrKeyTheClientRefusesToSendThePassword() {
        assertThatThrownBy(() -> login(new Exchange(), NATIVE_ACCOUNT, "secret", false, ClientAuthOptions.DEFAULT))
                .isInstanceOf(AuthException.class)
                .hasMessageContaining("needs TLS, a configured server public key, or allowPublicKeyRetrieval");
    }

    @Test
    void serverWithoutRsaKeyRefusesKeyRequestAndUnencryptedPassword() {
        ServerAuthConfig noKeys = new ServerAuthConfig(null, cache);
        byte[] scramble = Scrambles.generate();
        ServerAuthenticator server = AuthPlugins.server(CachingSha2Password.NAME, scramble, NATIVE_ACCOUNT, noKeys);
        byte[] response = CachingSha2Password.scramble("secret".getBytes(StandardCharsets.UTF_8), scramble);
        assertThat(server.onClientData(response, false))
                .isEqualTo(new AuthOutcome.MoreData(new byte[] {CachingSha2Password.PERFORM_FULL_AUTHENTICATION}));
        assertThat(server.onClientData(new byte[] {CachingSha2Password.REQUEST_PUBLIC_KEY}, false))
                .isEqualTo(new AuthOutcome.Failure("public key requested but no RSA key is configured"));
    }

    @Test
    void garbageCiphertextFails() {
        byte[] scramble = Scrambles.generate();
        ServerAuthenticator server = AuthPlugins.server(CachingSha2Password.NAME, scramble, NATIVE_ACCOUNT, config);
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
