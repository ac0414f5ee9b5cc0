package io.fluxdb.testkit;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * PEM files for servers and clients that take a certificate and key as files, such as {@code mariadbd --ssl-cert}.
 * Made with the JDK's own {@code keytool}, so that tests need no {@code openssl}.
 */
public final class PemFiles {
    private static final String ALIAS = "fluxdb-test";
    private static final String PASSWORD = "fluxdb-test";

    private PemFiles() {
    }

    /** A certificate and its private key. */
    public record CertificateAndKey(Path certificate, Path privateKey) {
        public CertificateAndKey {
            requireNonNull(certificate, "certificate is null");
            requireNonNull(privateKey, "privateKey is null");
        }
    }

    /**
     * Writes a new self-signed RSA certificate for {@code CN=localhost} ({@code cert.pem}) and its PKCS#8 key
     * ({@code key.pem}) into {@code dir}, valid for one day.
     */
    public static CertificateAndKey selfSigned(Path dir) throws IOException {
        requireNonNull(dir, "dir is null");
        Files.createDirectories(dir);
        Path store = dir.resolve("self-signed.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = List.of(keytool.toString(), "-genkeypair", "-alias", ALIAS, "-keyalg", "RSA",
                "-keysize", "2048", "-validity", "1", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IOException("keytool could not make a self-signed certificate: " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while making a self-signed certificate", e);
        }
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(in, PASSWORD.toCharArray());
            Path certificate = write(dir.resolve("cert.pem"), "CERTIFICATE", keyStore.getCertificate(ALIAS).getEncoded());
            Path key = write(dir.resolve("key.pem"), "PRIVATE KEY",
                    keyStore.getKey(ALIAS, PASSWORD.toCharArray()).getEncoded());
            return new CertificateAndKey(certificate, key);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the keystore keytool wrote: " + store, e);
        }
    }

    /** Writes {@code der} to {@code file} as PEM of {@code type} ({@code CERTIFICATE}, {@code PRIVATE KEY}). */
    public static Path write(Path file, String type, byte[] der) throws IOException {
        requireNonNull(file, "file is null");
        requireNonNull(type, "type is null");
        requireNonNull(der, "der is null");
        String pem = "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
        return Files.writeString(file, pem, StandardCharsets.US_ASCII);
    }
}
