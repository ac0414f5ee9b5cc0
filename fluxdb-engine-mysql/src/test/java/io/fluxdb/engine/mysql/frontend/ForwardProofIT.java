package io.fluxdb.engine.mysql.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fluxdb.engine.mysql.backend.BackendConnection;
import io.fluxdb.engine.mysql.backend.BackendKey;
import io.fluxdb.engine.mysql.backend.BackendLoginException;
import io.fluxdb.engine.spi.PeerCertificates;
import io.fluxdb.testkit.MariaDbExtension;
import io.fluxdb.engine.mysql.testing.ScriptedCluster;
import io.fluxdb.engine.mysql.testing.TestOperator;
import io.fluxdb.engine.mysql.transport.Transport;
import io.fluxdb.protocol.auth.Credential;
import io.fluxdb.protocol.constant.CapabilityFlags;
import io.fluxdb.testkit.MariaDbProcess;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A leader whose address rules refuse everyone still admits another node's forwarded session, because its login
 * carries an HMAC of this connection's scramble under the key derived from the cluster secret; a client without the
 * proof, or with one made with another key, is refused with the address error. The connector accepts only the
 * certificate the leader reported: another fingerprint, none known, or a server that offers no TLS is refused
 * before the credential is sent.
 */
@ExtendWith(MariaDbExtension.class)
@org.junit.jupiter.api.Timeout(120)
class ForwardProofIT {
    private static final byte[] KEY = new byte[32];
    private static final long CAPABILITIES = CapabilityFlags.CLIENT_PROTOCOL_41 | CapabilityFlags.CLIENT_SECURE_CONNECTION
            | CapabilityFlags.CLIENT_PLUGIN_AUTH | CapabilityFlags.CLIENT_TRANSACTIONS | CapabilityFlags.CLIENT_LONG_PASSWORD
            | CapabilityFlags.CLIENT_DEPRECATE_EOF;
    private static TestOperator leader;
    private static EventLoopGroup loop;

    @BeforeAll
    static void start(MariaDbProcess db) throws SQLException {
        Arrays.fill(KEY, (byte) 7);
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(""), "root", db.rootPassword());
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS fwd");
            s.execute("CREATE USER IF NOT EXISTS 'app'@'%' IDENTIFIED BY 'app-password'");
            s.execute("GRANT ALL ON fwd.* TO 'app'@'%'");
        }
        ScriptedCluster cluster = new ScriptedCluster();
        cluster.leader();
        leader = TestOperator.start(db, Map.of("forward-key", HexFormat.of().formatHex(KEY)),
                address -> Optional.of("the address is not in WHITELIST"), cluster);
        loop = Transport.chosen().newGroup(1, "forward-proof-test");
    }

    @AfterAll
    static void stop() {
        if (leader != null) {
            leader.close();
        }
        if (loop != null) {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    @Test
    void aClientWithoutTheProofIsRefusedByTheAddressRules() {
        assertThatThrownBy(() -> DriverManager.getConnection(leader.jdbcUrl("fwd"), "app", "app-password").close())
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getErrorCode()).isEqualTo(1130);
                    assertThat(e.getMessage()).contains("WHITELIST");
                });
    }

    @Test
    void aForwardedSessionSignedWithTheClusterKeyIsAdmittedAsItsUser() throws Exception {
        BackendConnection connection = connect(KEY, "app-password").get(20, TimeUnit.SECONDS);
        try {
            List<EngineStatements.Outcome> outcomes = EngineStatements.runAll(connection,
                    List.of("SELECT CURRENT_USER()")).get(20, TimeUnit.SECONDS);
            assertThat(outcomes.getFirst().text(0)).isEqualTo("app@%");
        } finally {
            connection.close();
        }
    }

    @Test
    void aProofMadeWithAnotherKeyIsRefusedAndTheRightKeyDoesNotReplaceThePassword() {
        byte[] other = KEY.clone();
        other[0] ^= 1;
        assertThatThrownBy(() -> connect(other, "app-password").join()).isInstanceOf(CompletionException.class)
                .cause().isInstanceOfSatisfying(BackendLoginException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(1130));
        assertThatThrownBy(() -> connect(KEY, "wrong").join()).isInstanceOf(CompletionException.class)
                .cause().isInstanceOfSatisfying(BackendLoginException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(1045));
    }

    @Test
    void aLeaderPresentingAnotherCertificateIsRefusedBeforeTheLogin() {
        String other = (leader.certificateSha256().startsWith("0") ? "1" : "0") + leader.certificateSha256().substring(1);
        assertThatThrownBy(() -> connect(KEY, "app-password", id -> CompletableFuture.completedFuture(other),
                new InetSocketAddress(leader.host(), leader.port())).join())
                .cause().isInstanceOfSatisfying(LeaderNotVerifiedException.class, e -> assertThat(e.getMessage())
                        .contains("is not verified as node node-1", "not the one node node-1 reported",
                                "SHA-256 " + leader.certificateSha256(), "credential was not sent"));
    }

    @Test
    void aLeaderWhoseCertificateIsUnknownIsRefused() {
        assertThatThrownBy(() -> connect(KEY, "app-password", PeerCertificates.NONE,
                new InetSocketAddress(leader.host(), leader.port())).join())
                .cause().isInstanceOfSatisfying(LeaderNotVerifiedException.class, e -> assertThat(e.getMessage())
                        .contains("its certificate is not known to this node"));
    }

    @Test
    void aServerThatIsNotTheLeaderIsRefused(MariaDbProcess db) {
        // The engine itself at the leader's address: whether it offers TLS (with its own certificate) or not, it
        // is not the leader's operator.
        assertThatThrownBy(() -> connect(KEY, "app-password", id -> CompletableFuture.completedFuture(
                leader.certificateSha256()), new InetSocketAddress(db.host(), db.port())).join())
                .cause().isInstanceOfSatisfying(LeaderNotVerifiedException.class, e -> assertThat(e.getMessage())
                        .containsAnyOf("does not offer TLS", "not the one node node-1 reported"));
    }

    private static CompletableFuture<BackendConnection> connect(byte[] key, String password) {
        return connect(key, password, id -> CompletableFuture.completedFuture(leader.certificateSha256()),
                new InetSocketAddress(leader.host(), leader.port()));
    }

    private static CompletableFuture<BackendConnection> connect(byte[] key, String password,
            PeerCertificates certificates, InetSocketAddress at) {
        LeaderConnector connector = new LeaderConnector(Transport.chosen(), certificates, "node-2",
                new ForwardProof(key));
        return connector.connect("node-1", at, new BackendKey("app", CAPABILITIES, 45, "fwd"),
                Credential.password(password), loop.next());
    }
}
