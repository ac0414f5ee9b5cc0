package io.fluxdb.engine.mysql.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.SslContext;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsMaterialIT {
    @Test
    void generatesOnceAndKeepsTheCertificate(@TempDir Path dir) throws Exception {
        SslContext first = TlsMaterial.selfSigned(dir, "fluxdb-test").context();
        assertThat(first.isServer()).isTrue();
        byte[] stored = Files.readAllBytes(dir.resolve(TlsMaterial.KEYSTORE));

        SslContext second = TlsMaterial.selfSigned(dir, "fluxdb-test").context();
        assertThat(second.isServer()).isTrue();
        assertThat(Files.readAllBytes(dir.resolve(TlsMaterial.KEYSTORE))).isEqualTo(stored);
        assertThat(Files.getPosixFilePermissions(dir.resolve(TlsMaterial.KEYSTORE_PASSWORD)).toString())
                .isEqualTo("[OWNER_READ, OWNER_WRITE]");
    }

    @Test
    void warmUpCompletesAHandshakeWithTheOperatorsCertificate(@TempDir Path dir) throws Exception {
        assertThat(TlsWarmUp.run(TlsMaterial.selfSigned(dir, "fluxdb-test").context())).isTrue();
    }

    @Test
    void corruptKeystoreIsAClearError(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(TlsMaterial.KEYSTORE), "garbage");
        Files.writeString(dir.resolve(TlsMaterial.KEYSTORE_PASSWORD), "x");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TlsMaterial.selfSigned(dir, "x"))
                .hasMessageContaining("cannot load the TLS keystore")
                .hasMessageContaining("delete it");
    }
}
