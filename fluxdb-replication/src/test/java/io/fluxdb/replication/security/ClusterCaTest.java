package io.fluxdb.replication.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterCaTest {
    private static final String SECRET = "a-cluster-secret-of-some-length";

    @Test
    void theSameSecretDerivesTheSameCaAndGroupOnEveryNode() {
        ClusterCa one = ClusterCa.derive(SECRET);
        ClusterCa two = ClusterCa.derive(SECRET);
        assertThat(two.certificate().getPublicKey()).isEqualTo(one.certificate().getPublicKey());
        assertThat(two.certificate().getSubjectX500Principal()).isEqualTo(one.certificate().getSubjectX500Principal());
        assertThat(SecretDerivation.groupId(SECRET)).isEqualTo(SecretDerivation.groupId(SECRET));
        assertThat(SecretDerivation.groupId(SECRET).version()).isEqualTo(8);
    }

    @Test
    void anotherSecretDerivesAnotherCaAndGroup() {
        ClusterCa one = ClusterCa.derive(SECRET);
        ClusterCa other = ClusterCa.derive(SECRET + "x");
        assertThat(other.certificate().getPublicKey()).isNotEqualTo(one.certificate().getPublicKey());
        assertThat(other.certificate().getSubjectX500Principal())
                .isNotEqualTo(one.certificate().getSubjectX500Principal());
        assertThat(SecretDerivation.groupId(SECRET + "x")).isNotEqualTo(SecretDerivation.groupId(SECRET));
    }

    @Test
    void aNodeCertificateIsSignedByTheCaAndNamesTheNode() throws Exception {
        ClusterCa ca = ClusterCa.derive(SECRET);
        NodeIdentity node = ca.issue("10.0.0.2_7072", List.of("10.0.0.2", "db1.example"));
        X509Certificate certificate = node.certificate();
        certificate.verify(ca.certificate().getPublicKey());
        certificate.checkValidity();
        assertThat(certificate.getSubjectX500Principal().getName()).contains("CN=10.0.0.2_7072");
        assertThat(certificate.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(certificate.getBasicConstraints()).isEqualTo(-1);
        Collection<List<?>> names = certificate.getSubjectAlternativeNames();
        assertThat(names).contains(List.of(7, "10.0.0.2"), List.of(2, "db1.example"));
        assertThat(node.toString()).doesNotContain("PRIVATE").contains("10.0.0.2_7072");
    }

    @Test
    void theTrustManagerAcceptsTheClustersCertificatesOnlyAndLogsTheRest() throws Exception {
        ClusterCa ca = ClusterCa.derive(SECRET);
        long[] now = {0};
        RefusalLog refusals = new RefusalLog(java.time.Duration.ofSeconds(10), () -> now[0]);
        int[] clientRefusals = {0};
        ClusterTrustManager trust = new ClusterTrustManager(ca.certificate(), refusals, () -> clientRefusals[0]++);
        NodeIdentity member = ca.issue("member", List.of("127.0.0.1"));
        trust.checkClientTrusted(new X509Certificate[] {member.certificate(), ca.certificate()}, "EC");
        trust.checkServerTrusted(new X509Certificate[] {member.certificate()}, "UNKNOWN");

        NodeIdentity stranger = ClusterCa.derive("another-secret-entirely").issue("member", List.of("127.0.0.1"));
        assertThatThrownBy(() -> trust.checkClientTrusted(
                new X509Certificate[] {stranger.certificate(), stranger.ca()}, "EC"))
                .isInstanceOf(CertificateException.class);
        assertThatThrownBy(() -> trust.checkServerTrusted(new X509Certificate[0], "UNKNOWN"))
                .isInstanceOf(CertificateException.class);
        // both were logged: a second untrusted certificate within the window is not
        assertThat(refusals.refused(RefusalLog.Kind.UNTRUSTED_CERTIFICATE, "again")).isFalse();
        assertThat(refusals.refused(RefusalLog.Kind.NO_MUTUAL_TLS, "again")).isFalse();
        assertThat(clientRefusals[0]).isEqualTo(1);
        assertThat(trust.getAcceptedIssuers()).containsExactly(ca.certificate());
    }
}
