package io.fluxdb.protocol.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mysql.cj.protocol.ExportControlled;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.mariadb.jdbc.plugin.authentication.standard.CachingSha2PasswordPlugin;

class RsaKeyPairTest {
    private static String resource(String name) throws IOException {
        try (InputStream in = RsaKeyPairTest.class.getResourceAsStream("/auth/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void publicKeyPemIsWhatOpenSslPrintsForPkcs1AndPkcs8() throws IOException {
        String expected = resource("test-rsa-public.pem");
        assertThat(RsaKeyPair.fromPem(resource("test-rsa-pkcs1.pem")).publicKeyPem()).isEqualTo(expected);
        assertThat(RsaKeyPair.fromPem(resource("test-rsa-pkcs8.pem")).publicKeyPem()).isEqualTo(expected);
    }

    @Test
    void generatedKeyIs2048BitsAndRoundTripsThroughPem() {
        RsaKeyPair keys = RsaKeyPair.generate();
        assertThat(keys.publicKey().getModulus().bitLength()).isEqualTo(2048);
        RsaKeyPair reloaded = RsaKeyPair.fromPem(keys.privateKeyPem());
        assertThat(reloaded.publicKeyPem()).isEqualTo(keys.publicKeyPem());
        assertThat(RsaKeyPair.parsePublicKeyPem(keys.publicKeyPem())).isEqualTo(keys.publicKey());
    }

    @Test
    void bothConnectorsParseThePublicKeyPem() throws Exception {
        RsaKeyPair keys = RsaKeyPair.generate();
        String pem = keys.publicKeyPem();
        assertThat(ExportControlled.decodeRSAPublicKey(pem)).isEqualTo(keys.publicKey());
        assertThat(CachingSha2PasswordPlugin.generatePublicKey(pem.getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(keys.publicKey());
    }

    @Test
    void toStringShowsNoKeyMaterial() {
        RsaKeyPair keys = RsaKeyPair.generate();
        assertThat(keys.toString()).isEqualTo("RsaKeyPair[2048 bits]");
    }

    @Test
    void rejectsWhatIsNotAPrivateKey() throws IOException {
        String publicPem = resource("test-rsa-public.pem");
        assertThatThrownBy(() -> RsaKeyPair.fromPem(publicPem))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no -----BEGIN PRIVATE KEY-----");
        assertThatThrownBy(() -> RsaKeyPair.parsePublicKeyPem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"))
                .isInstanceOf(AuthException.class)
                .hasMessageContaining("not a PEM RSA public key");
    }
}
