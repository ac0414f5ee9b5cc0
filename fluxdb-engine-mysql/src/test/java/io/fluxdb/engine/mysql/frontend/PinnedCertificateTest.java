package io.fluxdb.engine.mysql.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PinnedCertificateTest {
    private static final X509Certificate LEADER = generate("leader");
    private static final X509Certificate STRANGER = generate("leader");

    private static X509Certificate generate(String name) {
        try {
            return SelfSignedCertificate.generate(name, Duration.ofDays(1)).certificate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void acceptsThePinnedCertificateWhateverItsNameOrIssuer() throws CertificateException {
        PinnedCertificate pin = new PinnedCertificate(PinnedCertificate.sha256(LEADER), "node-1");
        pin.checkServerTrusted(new X509Certificate[] {LEADER}, "ECDHE_ECDSA");
        pin.checkServerTrusted(new X509Certificate[] {LEADER, STRANGER}, "ECDHE_ECDSA", (javax.net.ssl.SSLEngine) null);
    }

    @Test
    void fingerprintsMayBeWrittenWithColonsAndCapitals() throws CertificateException {
        String colons = PinnedCertificate.sha256(LEADER).toUpperCase(java.util.Locale.ROOT).replaceAll("(..)(?!$)", "$1:");
        new PinnedCertificate(colons, "node-1").verify(new X509Certificate[] {LEADER});
    }

    @Test
    void refusesAnotherCertificateWithTheSameSubject() {
        PinnedCertificate pin = new PinnedCertificate(PinnedCertificate.sha256(LEADER), "node-1");
        assertThatThrownBy(() -> pin.checkServerTrusted(new X509Certificate[] {STRANGER, LEADER}, "ECDHE_ECDSA"))
                .isInstanceOf(PinnedCertificate.Mismatch.class)
                .hasMessageContaining(PinnedCertificate.sha256(STRANGER))
                .hasMessageContaining("not the one node node-1 reported (SHA-256 " + PinnedCertificate.sha256(LEADER));
        assertThatThrownBy(() -> pin.verify(new X509Certificate[0])).isInstanceOf(PinnedCertificate.Mismatch.class)
                .hasMessageContaining("no TLS certificate");
    }

    @Test
    void neverTrustsClients() {
        PinnedCertificate pin = new PinnedCertificate(PinnedCertificate.sha256(LEADER), "node-1");
        assertThatThrownBy(() -> pin.checkClientTrusted(new X509Certificate[] {LEADER}, "RSA"))
                .isInstanceOf(CertificateException.class);
    }

    @Test
    void aFingerprintThatIsNotSha256IsAConfigurationError() {
        assertThatThrownBy(() -> new PinnedCertificate("abcd", "node-3")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("node node-3").hasMessageContaining("64 hex digits");
        assertThatThrownBy(() -> new PinnedCertificate("z".repeat(64), "node-3"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
