package io.fluxdb.engine.mysql.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fluxdb.engine.mysql.frontend.RawClient.RawPacket;
import io.fluxdb.engine.mysql.testing.TestOperator;
import io.fluxdb.protocol.message.server.ErrPacket;
import io.fluxdb.testkit.MariaDbExtension;
import io.fluxdb.testkit.MariaDbProcess;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Who may connect: the operator's admission rules run before authentication, and authentication
 * follows the engine's own accounts, host patterns included, as they change.
 */
@ExtendWith(MariaDbExtension.class)
class AccessIT {
    private static TestOperator open;
    private static TestOperator refusing;
    private static String password;

    @BeforeAll
    static void start(MariaDbProcess db) throws SQLException {
        password = db.rootPassword();
        open = TestOperator.start(db);
        refusing = TestOperator.start(db, Map.of(),
                address -> address.isLoopbackAddress() ? Optional.of("not on the WHITELIST") : Optional.empty());
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(""), "root", password);
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS access");
            // The first matching account decides: the specific host wins over '%', as on the engine.
            s.execute("CREATE USER IF NOT EXISTS 'hosted'@'127.0.0.1' IDENTIFIED BY 'loopback-pw'");
            s.execute("CREATE USER IF NOT EXISTS 'hosted'@'%' IDENTIFIED BY 'anywhere-pw'");
            s.execute("CREATE USER IF NOT EXISTS 'elsewhere'@'10.1.2.%' IDENTIFIED BY 'elsewhere-pw'");
        }
    }

    @AfterAll
    static void stop() {
        if (open != null) {
            open.close();
        }
        if (refusing != null) {
            refusing.close();
        }
    }

    @AfterEach
    void othersAreStillServed() throws SQLException {
        RawClient.assertServes(open, password);
    }

    @Test
    void refusedAddressGetsTheReasonInsteadOfAHandshake() throws IOException {
        try (RawClient client = RawClient.connect(refusing.port())) {
            RawPacket first = client.readPacket();
            ErrPacket err = first.err();
            assertThat(err.errorCode()).isEqualTo(1130);
            assertThat(err.message()).contains("127.0.0.1").contains("not on the WHITELIST");
            assertThat(first.sequenceId()).isZero();
            assertThat(client.closedByServer(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void refusedAddressIsReportedToConnectorJ() {
        assertThatThrownBy(() -> DriverManager.getConnection(refusing.jdbcUrl(""), "root", password))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getErrorCode()).isEqualTo(1130);
                    assertThat(e.getMessage()).contains("not on the WHITELIST");
                });
    }

    @Test
    void wrongPasswordIsAccessDeniedAndClosed() throws IOException {
        try (RawClient client = RawClient.connect(open.port())) {
            RawPacket reply = client.authenticate("root", "not-the-password", null);
            ErrPacket err = reply.err();
            assertThat(err.errorCode()).isEqualTo(1045);
            assertThat(err.sqlState()).isEqualTo("28000");
            assertThat(err.message()).isEqualTo("Access denied for user 'root'@'127.0.0.1' (using password: YES)");
            assertThat(reply.sequenceId()).isEqualTo(2);
            assertThat(client.closedByServer(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void unknownUserIsAccessDenied() {
        assertThatThrownBy(() -> DriverManager.getConnection(open.jdbcUrl(""), "nobody", "whatever"))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getErrorCode()).isEqualTo(1045);
                    assertThat(e.getSQLState()).isEqualTo("28000");
                });
    }

    @Test
    void emptyPasswordSaysSo() throws IOException {
        try (RawClient client = RawClient.connect(open.port())) {
            ErrPacket err = client.authenticate("root", "", null).err();
            assertThat(err.errorCode()).isEqualTo(1045);
            assertThat(err.message()).endsWith("(using password: NO)");
        }
    }

    @Test
    void hostPatternsChooseTheAccount() throws SQLException {
        // From 127.0.0.1 'hosted'@'127.0.0.1' applies, so only its password works.
        assertThat(currentUser(open, "hosted", "loopback-pw")).isEqualTo("hosted@127.0.0.1");
        assertThatThrownBy(() -> currentUser(open, "hosted", "anywhere-pw"))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1045));
        // No account of 'elsewhere' matches the loopback.
        assertThatThrownBy(() -> currentUser(open, "elsewhere", "elsewhere-pw"))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1045));
    }

    @Test
    void accountCreatedThroughTheOperatorLogsInRightAway() throws SQLException {
        // Log in once first, so the operator's account cache is warm and must be refreshed.
        RawClient.assertServes(open, password);
        try (Connection root = DriverManager.getConnection(open.jdbcUrl(""), "root", password);
                Statement s = root.createStatement()) {
            s.execute("CREATE USER 'fresh'@'%' IDENTIFIED BY 'fresh-pw'");
            assertThat(currentUser(open, "fresh", "fresh-pw")).isEqualTo("fresh@%");

            s.execute("ALTER USER 'fresh'@'%' IDENTIFIED BY 'changed-pw'");
            assertThat(currentUser(open, "fresh", "changed-pw")).isEqualTo("fresh@%");
            assertThatThrownBy(() -> currentUser(open, "fresh", "fresh-pw"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1045));

            s.execute("DROP USER 'fresh'@'%'");
            assertThatThrownBy(() -> currentUser(open, "fresh", "changed-pw"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1045));
        }
    }

    private static String currentUser(TestOperator operator, String user, String pw) throws SQLException {
        try (Connection c = DriverManager.getConnection(operator.jdbcUrl(""), user, pw);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT CURRENT_USER()")) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }
}
