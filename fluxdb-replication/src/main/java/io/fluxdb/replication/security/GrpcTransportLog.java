package io.fluxdb.replication.security;

import java.util.Locale;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes over the connection log of the gRPC server inside Ratis (java.util.logging), which would print a stack trace
 * to standard error for every connection that fails its TLS handshake. Handshake failures become one rate-limited
 * line in {@link RefusalLog}; everything else goes to slf4j at DEBUG.
 */
final class GrpcTransportLog extends Handler {
    private static final Logger log = LoggerFactory.getLogger(GrpcTransportLog.class);
    private static final String CONNECTIONS =
            "org.apache.ratis.thirdparty.io.grpc.netty.NettyServerTransport.connections";
    // java.util.logging holds loggers weakly: keep the configured one alive
    private static final java.util.logging.Logger CONNECTION_LOG = java.util.logging.Logger.getLogger(CONNECTIONS);
    private static final RefusalLog REFUSALS = RefusalLog.standard();

    private GrpcTransportLog() {
    }

    /** Installs the handler once per JVM; later calls do nothing. */
    static synchronized void install() {
        for (Handler handler : CONNECTION_LOG.getHandlers()) {
            if (handler instanceof GrpcTransportLog) {
                return;
            }
        }
        CONNECTION_LOG.setUseParentHandlers(false);
        CONNECTION_LOG.addHandler(new GrpcTransportLog());
    }

    @Override
    public void publish(LogRecord record) {
        Throwable thrown = record.getThrown();
        Throwable tls = tlsFailure(thrown);
        if (tls == null) {
            log.debug("raft port - {}: {}", record.getMessage(), String.valueOf(thrown));
            return;
        }
        String message = String.valueOf(tls.getMessage());
        if (untrustedCertificate(message)) {
            // ClusterTrustManager has logged this refusal with the certificate's names already
            log.debug("raft port - TLS handshake failed after a certificate was refused: {}", message);
        } else if (tls.getClass().getSimpleName().equals("NotSslRecordException")) {
            REFUSALS.refused(RefusalLog.Kind.NOT_TLS, "a peer sent data that is not TLS (plaintext?)");
        } else if (noCertificate(message)) {
            REFUSALS.refused(RefusalLog.Kind.NO_CERTIFICATE, "a connecting peer showed no certificate: " + message);
        } else {
            REFUSALS.refused(RefusalLog.Kind.HANDSHAKE_FAILED, "TLS handshake failed: " + message);
        }
    }

    private static Throwable tlsFailure(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof SSLException || t.getClass().getSimpleName().equals("NotSslRecordException")) {
                return t;
            }
        }
        return null;
    }

    private static boolean untrustedCertificate(String message) {
        return message.contains("PKIX") || message.contains("certification path")
                || message.contains("CERTIFICATE_VERIFY_FAILED") || message.contains("certificate_unknown")
                || message.contains("not by this cluster's CA");
    }

    private static boolean noCertificate(String message) {
        String lower = message.toLowerCase(Locale.ROOT);
        return lower.contains("empty client certificate") || lower.contains("did_not_return_a_certificate")
                || lower.contains("no certificate") || lower.contains("certificate_required");
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
