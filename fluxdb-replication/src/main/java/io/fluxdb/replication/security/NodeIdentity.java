package io.fluxdb.replication.security;

import static java.util.Objects.requireNonNull;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * A node's TLS identity on the Raft port: its key and the certificate the cluster CA issued for it.
 *
 * @param privateKey the node's private key, generated at start and never stored
 * @param certificate the node's certificate
 * @param ca the CA certificate that issued it
 */
public record NodeIdentity(PrivateKey privateKey, X509Certificate certificate, X509Certificate ca) {

    public NodeIdentity {
        requireNonNull(privateKey, "privateKey is null");
        requireNonNull(certificate, "certificate is null");
        requireNonNull(ca, "ca is null");
    }

    @Override
    public String toString() {
        return "NodeIdentity[" + certificate.getSubjectX500Principal().getName() + "]";
    }
}
