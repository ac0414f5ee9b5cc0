package io.fluxdb.engine.mysql.clients;

import io.fluxdb.testkit.PemFiles;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;

/**
 * The self-signed certificate and key the operator generates in its TLS directory (a PKCS#12
 * keystore and its password file), written out as PEM for clients and servers that take files.
 */
final class OperatorTls {
    private OperatorTls() {}

    /** The certificate as PEM in {@code tlsDir}/operator.pem, written on first use. */
    static Path certificatePem(Path tlsDir) throws Exception {
        Path pem = tlsDir.resolve("operator.pem");
        if (!Files.exists(pem)) {
            PemFiles.write(pem, "CERTIFICATE", keystore(tlsDir).getCertificate(alias(tlsDir)).getEncoded());
        }
        return pem;
    }

    /** The private key as PKCS#8 PEM in {@code tlsDir}/operator-key.pem, written on first use. */
    static Path privateKeyPem(Path tlsDir) throws Exception {
        Path pem = tlsDir.resolve("operator-key.pem");
        if (!Files.exists(pem)) {
            Key key = keystore(tlsDir).getKey(alias(tlsDir), password(tlsDir));
            PemFiles.write(pem, "PRIVATE KEY", key.getEncoded());
        }
        return pem;
    }

    private static KeyStore keystore(Path tlsDir) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(tlsDir.resolve("client-tls.p12"))) {
            store.load(in, password(tlsDir));
        }
        return store;
    }

    private static String alias(Path tlsDir) throws Exception {
        return keystore(tlsDir).aliases().nextElement();
    }

    private static char[] password(Path tlsDir) throws Exception {
        return Files.readString(tlsDir.resolve("client-tls.pass"), StandardCharsets.US_ASCII).trim().toCharArray();
    }
}
