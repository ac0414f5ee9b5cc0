package io.fluxdb.engine.mysql.frontend;

import static java.util.Objects.requireNonNull;

import java.net.Socket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts exactly one server certificate, named by its SHA-256 fingerprint: the one the leader reported over the
 * cluster's authenticated channel. Issuer, validity, host name and key usage do not matter: the fingerprint says
 * the peer holds the leader's private key, which is all a forwarded session needs to know (the client-facing
 * certificate is usually self-signed, or names a host the follower does not connect by).
 */
final class PinnedCertificate extends X509ExtendedTrustManager {
    private final String expectedSha256;
    private final String nodeId;

    /**
     * @param expectedSha256 the fingerprint to accept, hex (case and colons ignored)
     * @param nodeId the member that reported it, for messages
     */
    PinnedCertificate(String expectedSha256, String nodeId) {
        this.expectedSha256 = normalize(requireNonNull(expectedSha256, "expectedSha256 is null"));
        this.nodeId = requireNonNull(nodeId, "nodeId is null");
        if (this.expectedSha256.length() != 64 || !this.expectedSha256.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("SHA-256 fingerprint of node " + nodeId + ": '" + expectedSha256
                    + "' (expected: 64 hex digits)");
        }
    }

    /** The SHA-256 fingerprint of {@code certificate}'s DER encoding, lowercase hex. */
    static String sha256(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint a certificate: " + e.getMessage(), e);
        }
    }

    String expectedSha256() {
        return expectedSha256;
    }

    /** Accepts {@code chain} if its first certificate is the pinned one, else says what was presented instead. */
    void verify(X509Certificate[] chain) throws Mismatch {
        if (chain == null || chain.length == 0) {
            throw new Mismatch("the server presented no TLS certificate; node " + nodeId + " reported one with SHA-256 "
                    + expectedSha256);
        }
        String presented = sha256(chain[0]);
        if (!MessageDigest.isEqual(presented.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                expectedSha256.getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
            throw new Mismatch("the server presented a TLS certificate with SHA-256 " + presented + " ("
                    + chain[0].getSubjectX500Principal().getName() + "), not the one node " + nodeId
                    + " reported (SHA-256 " + expectedSha256 + ")");
        }
    }

    private static String normalize(String hex) {
        return hex.replace(":", "").trim().toLowerCase(Locale.ROOT);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a pinned leader certificate verifies servers only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }

    /** The server's certificate is not the pinned one. */
    static final class Mismatch extends CertificateException {
        private static final long serialVersionUID = 1L;

        Mismatch(String message) {
            super(message);
        }
    }
}
