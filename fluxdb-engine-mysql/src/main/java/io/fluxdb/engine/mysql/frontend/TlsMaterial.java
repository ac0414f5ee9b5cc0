package io.fluxdb.engine.mysql.frontend;

import static java.util.Objects.requireNonNull;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificate the client port offers for in-band TLS: a configured PEM certificate chain and
 * PKCS#8 key, or else a self-signed one generated at first start and kept in the data directory,
 * so clients that pin it keep working across restarts.
 *
 * <p>The self-signed certificate is made in process ({@link SelfSignedCertificate}), with no crypto
 * provider beyond the JDK's.
 */
public final class TlsMaterial {
    private static final Logger log = LoggerFactory.getLogger(TlsMaterial.class);
    static final String KEYSTORE = "client-tls.p12";
    static final String KEYSTORE_PASSWORD = "client-tls.pass";
    /** Ten years, as the keytool-made certificates of earlier versions. */
    private static final java.time.Duration VALIDITY = java.time.Duration.ofDays(3650);

    private TlsMaterial() {}

    /**
     * A server context and the certificate it presents (the first of its chain).
     *
     * @param context the server context
     * @param certificate the certificate clients see; followers pin its {@link #sha256() fingerprint}
     */
    public record Server(SslContext context, X509Certificate certificate) {
        public Server {
            requireNonNull(context, "context is null");
            requireNonNull(certificate, "certificate is null");
        }

        /** The SHA-256 fingerprint of the certificate's DER encoding, lowercase hex. */
        public String sha256() {
            return PinnedCertificate.sha256(certificate);
        }
    }

    /** A server context from a configured certificate chain and PKCS#8 private key, both PEM. */
    public static Server fromPem(Path certificateChain, Path privateKey) throws IOException {
        requireNonNull(certificateChain, "certificateChain is null");
        requireNonNull(privateKey, "privateKey is null");
        X509Certificate first;
        try (InputStream cert = Files.newInputStream(certificateChain)) {
            first = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(cert);
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IOException("cannot read the TLS certificate " + certificateChain + ": " + e.getMessage(), e);
        }
        try (InputStream cert = Files.newInputStream(certificateChain);
                InputStream key = Files.newInputStream(privateKey)) {
            return new Server(SslContextBuilder.forServer(cert, key).build(), first);
        } catch (IllegalArgumentException e) {
            throw new IOException("cannot use TLS certificate " + certificateChain + " with key " + privateKey
                    + ": " + e.getMessage() + " (the key must be PEM PKCS#8: 'BEGIN PRIVATE KEY')", e);
        }
    }

    /** The self-signed context kept in {@code directory}, generated there on first use. */
    public static Server selfSigned(Path directory, String commonName) throws IOException {
        requireNonNull(directory, "directory is null");
        Path keystore = directory.resolve(KEYSTORE);
        Path passwordFile = directory.resolve(KEYSTORE_PASSWORD);
        if (!Files.exists(keystore) || !Files.exists(passwordFile)) {
            generate(directory, keystore, passwordFile, commonName);
        }
        char[] password = Files.readString(passwordFile, StandardCharsets.US_ASCII).trim().toCharArray();
        KeyStore store;
        try (InputStream in = Files.newInputStream(keystore)) {
            store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
        } catch (IOException | GeneralSecurityException e) {
            throw new IOException("cannot load the TLS keystore " + keystore + ": " + e.getMessage()
                    + " (delete it to generate a new self-signed certificate)", e);
        }
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, password);
            X509Certificate certificate = (X509Certificate) store.getCertificate(store.aliases().nextElement());
            return new Server(SslContextBuilder.forServer(kmf).build(), certificate);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot load the TLS keystore " + keystore + ": " + e.getMessage()
                    + " (delete it to generate a new self-signed certificate)", e);
        }
    }

    private static void generate(Path directory, Path keystore, Path passwordFile, String commonName) throws IOException {
        Files.createDirectories(directory);
        byte[] secret = new byte[18];
        new SecureRandom().nextBytes(secret);
        String password = HexFormat.of().formatHex(secret);
        // Generate into temporary names and move into place, so a crash never leaves half a keystore.
        Path tmpStore = Files.createTempFile(directory, "tls", ".p12");
        Files.delete(tmpStore);
        Path tmpPass = Files.createTempFile(directory, "tls", ".pass");
        restrict(tmpPass);
        Files.writeString(tmpPass, password, StandardCharsets.US_ASCII);
        try {
            SelfSignedCertificate.Generated generated = SelfSignedCertificate.generate(commonName, VALIDITY);
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("fluxdb", generated.keyPair().getPrivate(), password.toCharArray(),
                    new java.security.cert.Certificate[] {generated.certificate()});
            try (var out = Files.newOutputStream(tmpStore)) {
                store.store(out, password.toCharArray());
            }
        } catch (GeneralSecurityException e) {
            Files.deleteIfExists(tmpStore);
            Files.deleteIfExists(tmpPass);
            throw new IOException("cannot generate a self-signed certificate: " + e.getMessage(), e);
        }
        restrict(tmpStore);
        Files.move(tmpStore, keystore, StandardCopyOption.ATOMIC_MOVE);
        Files.move(tmpPass, passwordFile, StandardCopyOption.ATOMIC_MOVE);
        log.info("generated a self-signed TLS certificate for the client port in {}", keystore);
    }

    private static void restrict(Path file) throws IOException {
        Optional.ofNullable(Files.getFileAttributeView(file, java.nio.file.attribute.PosixFileAttributeView.class))
                .ifPresent(v -> {
                    try {
                        v.setPermissions(PosixFilePermissions.fromString("rw-------"));
                    } catch (IOException e) {
                        // Not fatal: the file stays with the directory's permissions; it is logged for operators.
                        log.warn("cannot restrict permissions of {}: {}", file, e.getMessage());
                    }
                });
    }
}
