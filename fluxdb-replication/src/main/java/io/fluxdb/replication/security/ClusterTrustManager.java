package io.fluxdb.replication.security;

import static java.util.Objects.requireNonNull;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Trusts exactly the certificates the cluster CA issued, in both directions (a node accepting a peer, a node
 * connecting to one), and logs every refusal. Host names are not checked: every node holds the secret, and a
 * certificate from the CA is the proof of that, wherever the node runs.
 */
final class ClusterTrustManager extends X509ExtendedTrustManager {
    private final X509TrustManager pkix;
    private final RefusalLog refusals;
    private final Runnable onClientRefused;

    /**
     * @param onClientRefused told when a connecting peer's certificate is refused (after the refusal is logged)
     */
    ClusterTrustManager(X509Certificate ca, RefusalLog refusals, Runnable onClientRefused) {
        this.refusals = requireNonNull(refusals, "refusals is null");
        this.onClientRefused = requireNonNull(onClientRefused, "onClientRefused is null");
        try {
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            anchors.setCertificateEntry("cluster-ca", ca);
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(anchors);
            X509TrustManager found = null;
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    found = x509;
                }
            }
            this.pkix = requireNonNull(found, "no X.509 trust manager in " + factory.getProvider());
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build the Raft trust manager: " + e.getMessage(), e);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, authType, true, null);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, authType, false, null);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        check(chain, authType, true, socket == null ? null : String.valueOf(socket.getRemoteSocketAddress()));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        check(chain, authType, false, socket == null ? null : String.valueOf(socket.getRemoteSocketAddress()));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        check(chain, authType, true, peer(engine));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        check(chain, authType, false, peer(engine));
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return pkix.getAcceptedIssuers();
    }

    private void check(X509Certificate[] chain, String authType, boolean client, String peer)
            throws CertificateException {
        if (chain == null || chain.length == 0) {
            refusals.refused(RefusalLog.Kind.NO_MUTUAL_TLS, (client ? "a connecting peer" : "the peer")
                    + at(peer) + " showed no certificate");
            refusedClient(client);
            throw new CertificateException("no certificate");
        }
        try {
            if (client) {
                pkix.checkClientTrusted(chain, authType);
            } else {
                pkix.checkServerTrusted(chain, authType);
            }
        } catch (CertificateException e) {
            refusals.refused(RefusalLog.Kind.UNTRUSTED_CERTIFICATE, (client ? "a connecting peer" : "the peer")
                    + at(peer) + " showed a certificate for '" + chain[0].getSubjectX500Principal().getName()
                    + "' issued by '" + chain[0].getIssuerX500Principal().getName()
                    + "', not by this cluster's CA (a stranger, or a node with another CLUSTER_SECRET): "
                    + e.getMessage());
            refusedClient(client);
            throw e;
        }
    }

    private void refusedClient(boolean client) {
        if (client) {
            onClientRefused.run();
        }
    }

    private static String peer(SSLEngine engine) {
        return engine == null || engine.getPeerHost() == null ? null : engine.getPeerHost() + ":" + engine.getPeerPort();
    }

    private static String at(String peer) {
        return peer == null ? "" : " at " + peer;
    }
}
