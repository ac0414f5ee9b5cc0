package io.fluxdb.protocol.auth;

import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_PLUGIN_AUTH;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_PROTOCOL_41;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_SECURE_CONNECTION;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_SESSION_TRACK;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_SSL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fluxdb.protocol.Packets;
import io.fluxdb.protocol.message.server.HandshakeV10;
import io.fluxdb.protocol.message.server.OkPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.mariadb.jdbc.plugin.authentication.standard.NativePasswordPlugin;

/**
 * The proof against what a real MariaDB 11.4.5 sent: handshake, OK and certificate of one TLS
 * login as {@code 'zc'@'%'} identified by {@code zc-secret} (fixtures/mariadb-11.4).
 */
class TlsCertificateProofTest {
    private static final String SERVER = "mariadb-11.4";
    private static final long CAPS = CLIENT_SSL | CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH
            | CLIENT_SESSION_TRACK;
    private static final byte[] PASSWORD = "zc-secret".getBytes(StandardCharsets.UTF_8);

    private static byte[] scramble() {
        byte[] payload = Packets.payloads(SERVER, "handshake-v10-tls").get(0);
        return HandshakeV10.decode(Unpooled.wrappedBuffer(payload), 0).scramble();
    }

    private static byte[] okPayload() {
        return Packets.payloads(SERVER, "ok-login-tls-proof").get(0);
    }

    private static byte[] certificateDer() throws Exception {
        try (InputStream in = TlsCertificateProofTest.class.getResourceAsStream(
                "/fixtures/" + SERVER + "/tls-proof-server-cert.pem")) {
            return CertificateFactory.getInstance("X.509").generateCertificate(in).getEncoded();
        }
    }

    private static byte[] storedHash() {
        return NativePassword.parseStoredHash(NativePassword.storedHash(PASSWORD));
    }

    @Test
    void knownAnswerFromMariaDb114() throws Exception {
        OkPacket ok = OkPacket.decode(Unpooled.wrappedBuffer(okPayload()), CAPS);
        assertThat(ok.info()).startsWith("\u0001").hasSize(65);

        assertThat(TlsCertificateProof.okInfo(storedHash(), scramble(), certificateDer())).isEqualTo(ok.info());
    }

    @Test
    void theOkTheOperatorBuildsIsByteForByteTheServers() throws Exception {
        String info = TlsCertificateProof.okInfo(storedHash(), scramble(), certificateDer());
        ByteBuf out = Unpooled.buffer();
        try {
            new OkPacket(0, 0, 0x0002, 0, info).encode(out, CAPS);
            assertThat(ByteBufUtil.getBytes(out)).isEqualTo(okPayload());
        } finally {
            out.release();
        }
    }

    @Test
    void fingerprintIsSha256OfTheDerCertificate() throws Exception {
        // openssl x509 -in tls-proof-server-cert.pem -noout -fingerprint -sha256
        assertThat(HexFormat.of().withUpperCase().formatHex(TlsCertificateProof.fingerprint(certificateDer())))
                .isEqualTo("6869DA928AD5314B46852802ADB1018A53B864E048EC7DA92BFA5C2B63A77740");
    }

    @Test
    void digestBindsTheHashTheScrambleAndTheCertificate() throws Exception {
        byte[] fingerprint = TlsCertificateProof.fingerprint(certificateDer());
        byte[] digest = TlsCertificateProof.digest(storedHash(), scramble(), fingerprint);
        byte[] otherScramble = scramble();
        otherScramble[0] ^= 1;
        byte[] otherFingerprint = fingerprint.clone();
        otherFingerprint[31] ^= 1;
        byte[] otherHash = NativePassword.parseStoredHash(
                NativePassword.storedHash("zc-secreT".getBytes(StandardCharsets.UTF_8)));

        assertThat(digest).hasSize(32);
        assertThat(TlsCertificateProof.digest(storedHash(), otherScramble, fingerprint)).isNotEqualTo(digest);
        assertThat(TlsCertificateProof.digest(storedHash(), scramble(), otherFingerprint)).isNotEqualTo(digest);
        assertThat(TlsCertificateProof.digest(otherHash, scramble(), fingerprint)).isNotEqualTo(digest);
        // The trailing NUL of HandshakeV10's plugin data is not part of the scramble.
        assertThat(TlsCertificateProof.digest(storedHash(), Scrambles.withNul(scramble()), fingerprint))
                .isEqualTo(digest);
    }

    @Test
    void nativePasswordHashIsTheStoredHashWhateverTheOperatorHolds() {
        byte[] sha1 = NativePassword.sha1(PASSWORD);
        assertThat(TlsCertificateProof.passwordHash(NativePassword.NAME, new Credential.NativeHash(sha1)))
                .hasValueSatisfying(h -> assertThat(h).isEqualTo(storedHash()));
        assertThat(TlsCertificateProof.passwordHash(NativePassword.NAME, Credential.password("zc-secret")))
                .hasValueSatisfying(h -> assertThat(h).isEqualTo(storedHash()));
        // What MariaDB Connector/J hashes on its side before comparing.
        byte[] connectorJ = new NativePasswordPlugin("zc-secret", scramble())
                .hash(new org.mariadb.jdbc.plugin.Credential("zc", "zc-secret"));
        assertThat(storedHash()).isEqualTo(connectorJ);
    }

    @Test
    void noProofForTheEmptyPasswordOrOtherPlugins() {
        assertThat(TlsCertificateProof.passwordHash(NativePassword.NAME, Credential.password(""))).isEmpty();
        assertThat(TlsCertificateProof.passwordHash(CachingSha2Password.NAME, Credential.password("zc-secret")))
                .isEmpty();
        assertThat(TlsCertificateProof.passwordHash("mysql_clear_password", Credential.password("zc-secret")))
                .isEmpty();
    }

    @Test
    void badArgumentsAreRefused() throws Exception {
        byte[] fingerprint = TlsCertificateProof.fingerprint(certificateDer());
        assertThatThrownBy(() -> TlsCertificateProof.digest(new byte[0], scramble(), fingerprint))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("passwordHash is empty");
        assertThatThrownBy(() -> TlsCertificateProof.digest(storedHash(), scramble(), new byte[20]))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("fingerprint: 20 bytes (expected: 32)");
        assertThatThrownBy(() -> TlsCertificateProof.digest(storedHash(), new byte[8], fingerprint))
                .isInstanceOf(AuthException.class).hasMessage("scramble: 8 bytes (expected: >= 20)");
        assertThatThrownBy(() -> TlsCertificateProof.fingerprint(new byte[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("certificateDer is empty");
        assertThatThrownBy(() -> TlsCertificateProof.okInfo(null, scramble(), certificateDer()))
                .isInstanceOf(NullPointerException.class).hasMessage("passwordHash is null");
        assertThatThrownBy(() -> TlsCertificateProof.passwordHash(NativePassword.NAME, null))
                .isInstanceOf(NullPointerException.class).hasMessage("credential is null");
    }
}
