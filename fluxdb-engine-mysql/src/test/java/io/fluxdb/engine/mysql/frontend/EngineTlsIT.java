package io.fluxdb.engine.mysql.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.engine.mysql.frontend.RawClient.RawPacket;
import io.fluxdb.engine.mysql.testing.TestOperator;
import io.fluxdb.protocol.message.server.ErrPacket;
import io.fluxdb.testkit.MariaDbProcess;
import io.fluxdb.testkit.PemFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding 9 of issue 11: accounts that require TLS. REQUIRE SSL is met by TLS on both legs; REQUIRE
 * X509 is refused with an error that says why; a client without TLS is refused as MariaDB refuses it.
 */
@Timeout(120)
class EngineTlsIT {
    private static final String SSL_USER = "tls_only";
    private static final String X509_USER = "cert_only";
    private static final String PASSWORD = "tls-password";
    /** The engine's own view of the session's transport: empty for plain connections. */
    private static final String SSL_VERSION =
            "SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'Ssl_version'";

    @TempDir
    static Path dir;

    private static MariaDbProcess db;
    private static PemFiles.CertificateAndKey engineCertificate;

    @BeforeAll
    static void start() throws Exception {
        engineCertificate = PemFiles.selfSigned(dir.resolve("engine"));
        db = MariaDbProcess.builder()
                .option("ssl-cert", engineCertificate.certificate().toString())
                .option("ssl-key", engineCertificate.privateKey().toString())
                .start();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(""), "root", db.rootPassword());
                Statement s = c.createStatement()) {
            s.execute("CREATE USER '" + SSL_USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "' REQUIRE SSL");
            s.execute("CREATE USER '" + X509_USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "' REQUIRE X509");
        }
    }

    @AfterAll
    static void stop() {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void requireSslAccountLogsInOverTlsAndTheEngineLegIsTlsToo() throws IOException {
        try (TestOperator operator = TestOperator.start(db); RawClient client = RawClient.connect(operator.port())) {
            RawPacket reply = client.authenticateOverTls(SSL_USER, PASSWORD);
            assertThat(reply.isOk()).as("%s", reply).isTrue();
            assertThat(client.query("SELECT CURRENT_USER()").value()).isEqualTo(SSL_USER + "@%");
            assertThat(client.query(SSL_VERSION).value()).startsWith("TLSv1.");
        }
    }

    @Test
    void requireSslAccountWithoutTlsIsRefusedAsMariaDbRefusesIt() throws IOException {
        try (TestOperator operator = TestOperator.start(db); RawClient client = RawClient.connect(operator.port())) {
            ErrPacket err = client.authenticate(SSL_USER, PASSWORD, null).err();
            assertThat(err.errorCode()).isEqualTo(1045);
            assertThat(err.sqlState()).isEqualTo("28000");
        }
    }

    @Test
    void requireX509AccountIsRefusedWithTheReason() throws IOException {
        try (TestOperator operator = TestOperator.start(db); RawClient client = RawClient.connect(operator.port())) {
            ErrPacket err = client.authenticateOverTls(X509_USER, PASSWORD).err();
            assertThat(err.errorCode()).isEqualTo(1235);
            assertThat(err.message()).contains("REQUIRE X509").contains("use REQUIRE SSL");
        }
    }

    @Test
    void engineCertificateIsVerifiedAgainstTheConfiguredCa() throws IOException {
        Map<String, String> trusted = Map.of("engine-tls", "on",
                "engine-tls-ca", engineCertificate.certificate().toString());
        try (TestOperator operator = TestOperator.start(db, trusted);
                RawClient client = RawClient.login(operator.port(), "root", db.rootPassword())) {
            assertThat(client.query(SSL_VERSION).value()).startsWith("TLSv1.");
        }
        Path otherCa = PemFiles.selfSigned(Files.createDirectories(dir.resolve("other"))).certificate();
        Map<String, String> untrusted = Map.of("engine-tls", "on", "engine-tls-ca", otherCa.toString());
        try (TestOperator operator = TestOperator.start(db, untrusted); RawClient client = RawClient.connect(operator.port())) {
            ErrPacket err = client.authenticate("root", db.rootPassword(), null).err();
            assertThat(err.errorCode()).isEqualTo(1105);
            assertThat(err.message()).contains("cannot reach its database engine");
        }
    }
}
