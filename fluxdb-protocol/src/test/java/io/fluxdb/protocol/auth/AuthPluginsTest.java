package io.fluxdb.protocol.auth;

import static io.fluxdb.protocol.message.MessageFixtures.encode;
import static io.fluxdb.protocol.message.MessageFixtures.hex;
import static io.fluxdb.protocol.message.MessageFixtures.payload;
import static io.fluxdb.protocol.message.MessageFixtures.payloadBuf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mysql.cj.protocol.Security;
import io.fluxdb.protocol.message.server.AuthSwitchRequest;
import io.fluxdb.protocol.message.server.HandshakeV10;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

class AuthPluginsTest {
    private static final StoredAccount NATIVE_ACCOUNT =
            new StoredAccount("app", "mysql_native_password", "*14E65567ABDB5135D0CFD9A70B3032C179A49EE7");
    private final ServerAuthConfig config = new ServerAuthConfig(null, new CachingSha2Cache(10));

    private static byte[] sha1(String password) throws Exception {
        return MessageDigest.getInstance("SHA-1").digest(password.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void unknownPluginIsRefusedWithTheSupportedList() {
        assertThatThrownBy(() -> AuthPlugins.client("dialog", "secret"))
                .isInstanceOf(AuthException.class)
                .hasMessage("auth plugin 'dialog' is not supported "
                        + "(supported: mysql_native_password, caching_sha2_password, mysql_clear_password)");
    }

    @Test
    void nativeLoginYieldsSha1AndTheBackendCredentialLogsInAgain() throws Exception {
        byte[] scramble = Scrambles.generate();
        Exchange exchange = new Exchange();
        AuthOutcome outcome = exchange.run(
                AuthPlugins.client(NativePassword.NAME, "secret"),
                AuthPlugins.server(NativePassword.NAME, scramble, NATIVE_ACCOUNT, config),
                scramble,
                false);
        assertThat(outcome).isEqualTo(new AuthOutcome.Success(new Credential.NativeHash(sha1("secret"))));
        assertThat(exchange.steps).containsExactly("client:20", "ok");

        // The operator's own login to the engine, with a fresh scramble, from the recovered SHA1.
        Credential backend = ((AuthOutcome.Success) outcome).backendCredential();
        byte[] engineScramble = Scrambles.generate();
        byte[] response = AuthPlugins.client(NativePassword.NAME, backend, ClientAuthOptions.DEFAULT)
                .initialResponse(Scrambles.withNul(engineScramble), false);
        assertThat(response).isEqualTo(Security.scramble411("secret".getBytes(StandardCharsets.UTF_8), engineScramble));
    }

    @Test
    void nativeWrongPasswordFails() {
        byte[] scramble = Scrambles.generate();
        AuthOutcome outcome = new Exchange().run(
                AuthPlugins.client(NativePassword.NAME, "guess"),
                AuthPlugins.server(NativePassword.NAME, scramble, NATIVE_ACCOUNT, config),
                scramble,
                false);
        assertThat(outcome).isEqualTo(new AuthOutcome.Failure("wrong password"));
    }

    @Test
    void nativeServerHandlesEmptyAndUncheckableHashes() {
        byte[] scramble = Scrambles.generate();
        StoredAccount empty = new StoredAccount("anon", NativePassword.NAME, "");
        assertThat(AuthPlugins.server(NativePassword.NAME, scramble, empty, config).onClientData(new byte[0], false))
                .isEqualTo(new AuthOutcome.Success(Credential.password("")));
        assertThat(AuthPlugins.server(NativePassword.NAME, scramble, NATIVE_ACCOUNT, config).onClientData(new byte[0], false))
                .isInstanceOf(AuthOutcome.Failure.class);
        // MariaDB's root account after install: plugin mysql_native_password, authentication_string "invalid".
        StoredAccount locked = new StoredAccount("root", NativePassword.NAME, "invalid");
        assertThat(AuthPlugins.server(NativePassword.NAME, scramble, locked, config).onClientData(new byte[20], false))
                .isInstanceOf(AuthOutcome.Failure.class);
    }

    @Test
    void nativeClientOfACachingSha2AccountIsSwitched() {
        byte[] scramble = Scrambles.generate();
        StoredAccount sha2 = new StoredAccount("app", CachingSha2Password.NAME,
                "$A$005$THISISACOMBINATIONOFINVALIDSALTANDPASSWORDTHATMUSTNEVERBRBEUSED");
        assertThat(AuthPlugins.preferredServerPlugin(sha2)).isEqualTo(CachingSha2Password.NAME);
        ServerAuthenticator server = AuthPlugins.server(NativePassword.NAME, scramble, sha2, config);
        assertThat(server.onClientData(new byte[20], false))
                .isEqualTo(new AuthOutcome.SwitchPlugin(CachingSha2Password.NAME, Scrambles.withNul(scramble)));
        // The reply is verified by caching_sha2_password; a native account never reaches it.
        assertThat(AuthPlugins.server(CachingSha2Password.NAME, scramble, sha2, config))
                .isInstanceOf(CachingSha2Server.class);
        assertThatThrownBy(() -> new CachingSha2Server(scramble, NATIVE_ACCOUNT, config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("account 'app' has no caching_sha2 hash");
    }

    /**
     * MySQL Connector/J with defaultAuthenticationPlugin=caching_sha2_password against a
     * mysql_native_password account of MariaDB 10.11 (password "pw"), captured: the operator's
     * AuthSwitchRequest is MariaDB's, byte for byte, and the driver's real reply to it logs in.
     */
    @Test
    void cachingSha2ClientOfANativeAccountIsSwitchedToNativeAsByMariaDb() throws Exception {
        ByteBuf greeting = payloadBuf("handshake-v10-sha2-connectorj");
        byte[] scramble;
        try {
            scramble = HandshakeV10.decode(greeting, 0).scramble();
        } finally {
            greeting.release();
        }
        StoredAccount account = new StoredAccount("u", NativePassword.NAME,
                NativePassword.storedHash("pw".getBytes(StandardCharsets.UTF_8)));
        // The handshake response's 32-byte caching_sha2_password answer, then the reply to the switch.
        byte[] sha2Response = hex("6ed4a8bbee1df920b754852232982b94906ef82f4be00a169a22abe945e038cc");
        byte[] nativeReply = hex("f0237d397d342f52ef55998e6b724bbf4bb7133d");

        AuthOutcome outcome = AuthPlugins.server(CachingSha2Password.NAME, scramble, account, config)
                .onClientData(sha2Response, false);
        AuthOutcome.SwitchPlugin switchTo = (AuthOutcome.SwitchPlugin) outcome;
        assertThat(encode(out -> new AuthSwitchRequest(switchTo.pluginName(), switchTo.pluginData()).encode(out, 0)))
                .isEqualTo(payload("auth-switch-request-sha2-connectorj"));
        assertThat(AuthPlugins.server(switchTo.pluginName(), scramble, account, config).onClientData(nativeReply, false))
                .isEqualTo(new AuthOutcome.Success(new Credential.NativeHash(sha1("pw"))));
    }

    @Test
    void cachingSha2ClientIsSwitchedToNativeWithOrWithoutDataAndForEmptyPasswords() throws Exception {
        byte[] scramble = Scrambles.generate();
        AuthOutcome.SwitchPlugin toNative = new AuthOutcome.SwitchPlugin(NativePassword.NAME, Scrambles.withNul(scramble));
        // MySQL Connector/J sends a 32-byte scramble, libmariadb nothing (the greeting named another plugin).
        for (byte[] first : new byte[][] {new byte[32], new byte[0]}) {
            assertThat(AuthPlugins.server(CachingSha2Password.NAME, scramble, NATIVE_ACCOUNT, config)
                    .onClientData(first, false)).isEqualTo(toNative);
        }
        Exchange exchange = new Exchange();
        assertThat(exchange.run(AuthPlugins.client(NativePassword.NAME, "secret"),
                AuthPlugins.server(toNative.pluginName(), scramble, NATIVE_ACCOUNT, config), scramble, false))
                .isEqualTo(new AuthOutcome.Success(new Credential.NativeHash(sha1("secret"))));
        // An account without a password, as MariaDB: switched, then the empty reply logs in.
        StoredAccount empty = new StoredAccount("anon", NativePassword.NAME, "");
        assertThat(AuthPlugins.preferredServerPlugin(empty)).isEqualTo(NativePassword.NAME);
        assertThat(AuthPlugins.server(CachingSha2Password.NAME, scramble, empty, config).onClientData(new byte[0], true))
                .isEqualTo(toNative);
        assertThat(AuthPlugins.server(NativePassword.NAME, scramble, empty, config).onClientData(new byte[0], true))
                .isEqualTo(new AuthOutcome.Success(Credential.password("")));
    }

    @Test
    void unsupportedClientPluginIsSwitchedToThePreferredOne() {
        byte[] scramble = Scrambles.generate();
        ServerAuthenticator server = AuthPlugins.server("client_ed25519", scramble, NATIVE_ACCOUNT, config);
        AuthOutcome outcome = server.onClientData(new byte[64], false);
        assertThat(outcome).isEqualTo(new AuthOutcome.SwitchPlugin(NativePassword.NAME, Scrambles.withNul(scramble)));
        assertThat(((AuthOutcome.SwitchPlugin) outcome).pluginData()).hasSize(21).endsWith(0);
    }

    @Test
    void sha1CredentialOnlyWorksForNative() throws Exception {
        Credential hash = new Credential.NativeHash(sha1("secret"));
        for (String plugin : new String[] {CachingSha2Password.NAME, "mysql_clear_password"}) {
            assertThatThrownBy(() -> AuthPlugins.client(plugin, hash, ClientAuthOptions.DEFAULT))
                    .isInstanceOf(AuthException.class)
                    .hasMessage("auth plugin '" + plugin + "' needs the password itself; "
                            + "only mysql_native_password can log in with SHA1(password)");
        }
    }

    @Test
    void clearPasswordIsNulTerminatedAndNeedsTlsUnlessAllowed() {
        byte[] scramble = Scrambles.generate();
        ClientAuthenticator strict = AuthPlugins.client("mysql_clear_password", "pässwörd");
        assertThat(strict.initialResponse(scramble, true))
                .isEqualTo("pässwörd\0".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> strict.initialResponse(scramble, false))
                .isInstanceOf(AuthException.class)
                .hasMessage("mysql_clear_password: refusing to send a cleartext password without TLS");
        ClientAuthenticator lax = AuthPlugins.client(
                "mysql_clear_password", Credential.password("x"), new ClientAuthOptions(true, null, false));
        assertThat(lax.initialResponse(scramble, false)).containsExactly('x', 0);
    }

    @Test
    void nothingPrintsSecrets() throws Exception {
        String secret = "hunter2";
        Object[] holders = {
            Credential.password(secret),
            new Credential.NativeHash(sha1(secret)),
            AuthPlugins.client(NativePassword.NAME, secret),
            AuthPlugins.client(CachingSha2Password.NAME, secret),
            AuthPlugins.client("mysql_clear_password", secret),
            new AuthOutcome.Success(Credential.password(secret)),
            new StoredAccount("app", NativePassword.NAME, NativePassword.storedHash(secret.getBytes(StandardCharsets.UTF_8))),
        };
        String sha1Hex = java.util.HexFormat.of().formatHex(sha1(secret));
        for (Object holder : holders) {
            assertThat(holder.toString()).as(holder.getClass().getName())
                    .doesNotContain(secret)
                    .doesNotContainIgnoringCase(sha1Hex)
                    .doesNotContain(NativePassword.storedHash(secret.getBytes(StandardCharsets.UTF_8)).substring(1))
                    .contains("***");
        }
    }

    @Test
    void credentialsCopyTheirBytes() {
        byte[] bytes = "secret".getBytes(StandardCharsets.UTF_8);
        Credential.Password password = new Credential.Password(bytes);
        bytes[0] = 'X';
        assertThat(password).isEqualTo(Credential.password("secret"));
        password.bytes()[0] = 'Y';
        assertThat(password).isEqualTo(Credential.password("secret"));
        assertThatThrownBy(() -> new Credential.NativeHash(new byte[19]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sha1: 19 bytes (expected: 20)");
    }
}
