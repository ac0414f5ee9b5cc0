package io.fluxdb.engine.mysql.frontend;

import static java.util.Objects.requireNonNull;

import io.fluxdb.protocol.auth.Credential;
import io.fluxdb.protocol.auth.TlsCertificateProof;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The info of the OK that ends a successful authentication, at login and at COM_CHANGE_USER. Over
 * TLS it is MariaDB 11.4's proof that the operator knows the account's password hash, bound to
 * the certificate this connection presented ({@link TlsCertificateProof}): with it, clients that
 * verify certificates by default (MariaDB Connector/J 4.x, the 11.4 {@code mariadb} client)
 * accept the operator's self-signed certificate when they log in with a password.
 *
 * <p>MariaDB 11.4 sends the proof over plain TCP too; the operator does not, since a client can
 * only use it to check a TLS certificate.
 */
final class TlsProof {
    private static final Logger log = LoggerFactory.getLogger(TlsProof.class);

    private TlsProof() {}

    /**
     * The OK packet's info: the proof, or empty without TLS, for a plugin without a password hash
     * the client can check (only mysql_native_password has one among those the operator verifies)
     * or for the empty password, as MariaDB does.
     *
     * @param scramble the scramble of the connection's handshake
     * @param plugin the plugin the client authenticated with, after any AuthSwitchRequest
     * @param credential what the authentication yielded for the engine login
     */
    static String okInfo(ChannelPipeline pipeline, byte[] scramble, String plugin, Credential credential) {
        requireNonNull(scramble, "scramble is null");
        SslHandler tls = pipeline.get(SslHandler.class);
        if (tls == null) {
            return "";
        }
        Optional<byte[]> passwordHash = TlsCertificateProof.passwordHash(plugin, credential);
        if (passwordHash.isEmpty()) {
            return "";
        }
        Certificate[] presented = tls.engine().getSession().getLocalCertificates();
        if (presented == null || presented.length == 0) {
            return "";
        }
        try {
            return TlsCertificateProof.okInfo(passwordHash.get(), scramble, presented[0].getEncoded());
        } catch (CertificateEncodingException e) {
            // Not expected for a certificate this connection has just sent. Without the proof the
            // login still succeeds; a client that needs it refuses the certificate, as before.
            log.warn("channel={} - cannot encode the TLS certificate for the login proof: {}",
                    pipeline.channel().id(), e.toString());
            return "";
        }
    }
}
