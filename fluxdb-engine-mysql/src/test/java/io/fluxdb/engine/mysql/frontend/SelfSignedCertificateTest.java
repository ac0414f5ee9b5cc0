package io.fluxdb.engine.mysql.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SelfSignedCertificateTest {
    @Test
    void theJdkReadsAndVerifiesTheCertificate() throws Exception {
        SelfSignedCertificate.Generated g = SelfSignedCertificate.generate("FluxDB", Duration.ofDays(3650));
        X509Certificate c = g.certificate();
        c.verify(g.keyPair().getPublic());
        assertThat(c.getVersion()).isEqualTo(3);
        assertThat(c.getSubjectX500Principal().getName()).isEqualTo("CN=FluxDB");
        assertThat(c.getIssuerX500Principal()).isEqualTo(c.getSubjectX500Principal());
        assertThat(c.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(c.getBasicConstraints()).as("not a CA").isEqualTo(-1);
        assertThat(c.getSubjectAlternativeNames()).containsExactlyInAnyOrder(List.of(2, "localhost"), List.of(7, "127.0.0.1"));
        c.checkValidity();
        assertThat(c.getNotAfter().toInstant()).isAfter(Instant.now().plus(Duration.ofDays(3600)));
        assertThat(c.getSerialNumber().signum()).isPositive();
    }

    @Test
    void validityPast2049UsesGeneralizedTime() throws Exception {
        // 30 years from now ends after 2049: the JDK must still read the end date (GeneralizedTime).
        X509Certificate c = SelfSignedCertificate.generate("x", Duration.ofDays(30 * 366)).certificate();
        assertThat(c.getNotAfter().toInstant()).isAfter(Instant.now().plus(Duration.ofDays(29 * 365)));
    }
}
