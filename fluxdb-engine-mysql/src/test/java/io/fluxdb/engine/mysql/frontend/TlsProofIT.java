package io.fluxdb.engine.mysql.frontend;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.engine.mysql.frontend.RawClient.RawPacket;
import io.fluxdb.engine.mysql.testing.TestOperator;
import io.fluxdb.protocol.auth.NativePassword;
import io.fluxdb.protocol.auth.TlsCertificateProof;
import io.fluxdb.protocol.constant.CapabilityFlags;
import io.fluxdb.protocol.message.server.OkPacket;
import io.fluxdb.testkit.MariaDbExtension;
import io.fluxdb.testkit.MariaDbProcess;
import io.netty.buffer.Unpooled;
import java.security.cert.CertificateEncodingException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The OK that ends a login or COM_CHANGE_USER carries MariaDB 11.4's proof over TLS
 * (MDEV-31855): the bytes on the wire, checked against the certificate the client was shown and
 * a hash computed from the password alone, as a client does.
 */
@ExtendWith(MariaDbExtension.class)
class TlsProofIT {
    private static TestOperator operator;

    @BeforeAll
    static void start(MariaDbProcess db) throws SQLException {
        operator = TestOperator.start(db);
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(""), "root", db.rootPassword());
                Statement s = c.createStatement()) {
            s.execute("CREATE USER IF NOT EXISTS 'proof'@'%' IDENTIFIED BY 'proof-pw'");
            s.execute("CREATE USER IF NOT EXISTS 'proof2'@'%' IDENTIFIED BY 'second-pw'");
            s.execute("CREATE USER IF NOT EXISTS 'nopw'@'%'");
        }
    }

    @AfterAll
    static void stop() {
        if (operator != null) {
            operator.close();
        }
    }

    @Test
    void loginOverTlsCarriesTheProofForTheCertificateShown() throws Exception {
        try (RawClient client = RawClient.connect(operator.port())) {
            RawPacket reply = client.authenticateOverTls("proof", "proof-pw");

            assertThat(info(reply)).isEqualTo(expectedProof(client, "proof-pw"));
            assertThat(client.query("SELECT CURRENT_USER()").value()).isEqualTo("proof@%");
        }
    }

    @Test
    void changeUserOverTlsCarriesTheProofForTheNewUser() throws Exception {
        try (RawClient client = RawClient.connect(operator.port())) {
            assertThat(info(client.authenticateOverTls("proof", "proof-pw"))).isNotEmpty();

            client.write(0, client.changeUserPayload("proof2", "second-pw", ""));
            RawPacket reply = client.readPacket();

            // Over the scramble of the original handshake, as the server computes it.
            assertThat(info(reply)).isEqualTo(expectedProof(client, "second-pw"));
            assertThat(client.query("SELECT CURRENT_USER()").value()).isEqualTo("proof2@%");
        }
    }

    @Test
    void noProofForTheEmptyPassword() throws Exception {
        try (RawClient client = RawClient.connect(operator.port())) {
            assertThat(info(client.authenticateOverTls("nopw", ""))).isEmpty();
        }
    }

    @Test
    void noProofOverPlainTcp() throws Exception {
        try (RawClient client = RawClient.connect(operator.port())) {
            assertThat(info(client.authenticate("proof", "proof-pw", null))).isEmpty();
        }
    }

    @Test
    void wrongPasswordOverTlsIsDenied() throws Exception {
        try (RawClient client = RawClient.connect(operator.port())) {
            RawPacket reply = client.authenticateOverTls("proof", "wrong");
            assertThat(reply.err().errorCode()).isEqualTo(1045);
            assertThat(reply.err().sqlState()).isEqualTo("28000");
        }
    }

    /** What a client expects: from the password it knows, the scramble it was sent and the certificate it saw. */
    private static String expectedProof(RawClient client, String password) throws CertificateEncodingException {
        byte[] passwordHash = NativePassword.parseStoredHash(NativePassword.storedHash(password.getBytes(UTF_8)));
        return TlsCertificateProof.okInfo(passwordHash, client.handshake().scramble(),
                client.serverCertificate().getEncoded());
    }

    private static String info(RawPacket reply) {
        assertThat(reply.isOk()).as("reply: %s", reply).isTrue();
        return OkPacket.decode(Unpooled.wrappedBuffer(reply.payload()), CapabilityFlags.CLIENT_PROTOCOL_41).info();
    }
}
