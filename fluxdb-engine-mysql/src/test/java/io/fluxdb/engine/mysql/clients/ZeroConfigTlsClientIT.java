package io.fluxdb.engine.mysql.clients;

import static io.fluxdb.engine.mysql.clients.JdbcQueries.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fluxdb.engine.mysql.testing.TestOperator;
import io.fluxdb.testkit.MariaDbBinaries;
import io.fluxdb.testkit.MariaDbExtension;
import io.fluxdb.testkit.MariaDbProcess;
import io.fluxdb.testkit.Requirements;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * MariaDB 11.4's zero-configuration TLS (MDEV-31855) directly and through the operator, with the
 * clients that verify the server's certificate by default: Connector/J 4.0.0 and the
 * {@code mariadb} command-line client of 11.4 (Connector/C 3.4). The engine is MariaDB 11.4.5 with
 * the self-signed certificate it generates at start; the operator has a self-signed certificate of
 * its own. Both prove, in the OK that ends a password login, that they know the password hash, and
 * the clients accept their certificates. MariaDB 10.11 with a self-signed certificate (the
 * operator's) sends no proof: the same clients refuse it, which shows they do verify. That control
 * needs the system's MariaDB before 11.4 (Debian 12's mariadb-server); without one, the tests that
 * use it are skipped.
 */
class ZeroConfigTlsClientIT {
    /** The engine: the bundled MariaDB 11.4.5 with TLS on (the test kit turns it off by default). */
    @RegisterExtension
    static final MariaDbExtension MARIADB_114 = new MariaDbExtension(b -> b.binaries(MariaDbBinaries.bundled())
            .flag("ssl"));

    private static final String SELF_SIGNED = "Self signed certificates. Either set sslMode=trust, use password"
            + " with a MitM-Proof authentication plugin or provide server certificate to client";
    private static final String NOT_TRUSTED = "Certificate verification failure: The certificate is NOT trusted.";

    @TempDir
    static Path tlsDir;

    private static MariaDbProcess db114;
    private static MariaDbProcess db1011;
    private static TestOperator operator;
    private static ConnectorJ4 connectorJ4;
    private static String cli;

    @BeforeAll
    static void start(MariaDbProcess server) throws Exception {
        db114 = server;
        connectorJ4 = ConnectorJ4.load();
        operator = TestOperator.start(server, Map.of("tls-dir", tlsDir.toString()));
        assertThat(version(db114)).startsWith("11.4.");
        // The system MariaDB (Debian 12's 10.11), serving the operator's certificate and key.
        Optional<MariaDbBinaries> system = MariaDbBinaries.findSystem();
        if (system.isPresent() && system.get().version().startsWith("10.")) {
            db1011 = MariaDbProcess.builder().binaries(system.get()).flag("ssl")
                    .option("ssl-cert", OperatorTls.certificatePem(tlsDir).toString())
                    .option("ssl-key", OperatorTls.privateKeyPem(tlsDir).toString())
                    .start();
        }
        for (MariaDbProcess db : db1011 == null ? List.of(db114) : List.of(db114, db1011)) {
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(""), "root", db.rootPassword());
                    Statement s = c.createStatement()) {
                s.execute("CREATE USER IF NOT EXISTS 'zc'@'%' IDENTIFIED BY 'zc-secret'");
                s.execute("CREATE USER IF NOT EXISTS 'nopw'@'%'");
            }
        }
        cli = MariaDbBinaries.bundled().mariadbd().resolveSibling("mariadb").toString();
    }

    @AfterAll
    static void stop() throws Exception {
        if (operator != null) {
            operator.close();
        }
        if (db1011 != null) {
            db1011.close();
        }
        if (connectorJ4 != null) {
            connectorJ4.close();
        }
    }

    private static String version(MariaDbProcess db) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(""), "root", db.rootPassword());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT VERSION()")) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    @Test
    void connectorJ4DefaultsAcceptMariaDb114AndTheOperator() throws SQLException {
        for (int port : new int[] {db114.port(), operator.port()}) {
            try (Connection c = connectJ4(port, "zc", "zc-secret")) {
                assertThat(scalar(c, "SELECT CURRENT_USER() = 'zc@%'")).as("port %d", port).isEqualTo(1);
            }
        }
    }

    @Test
    void connectorJ4DefaultsRefuseMariaDb1011WhichSendsNoProof() {
        requireMariaDb1011();
        assertThatThrownBy(() -> connectJ4(db1011.port(), "zc", "zc-secret"))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("08000");
                    assertThat(e.getMessage()).contains(SELF_SIGNED);
                });
    }

    @Test
    void connectorJ4WrongPasswordIsAccessDeniedAsByMariaDb114() {
        List<String> failures = connectorJ4Failures("zc", "wrong");
        assertThat(failures.get(0))
                .isEqualTo("1045 28000 Access denied for user 'zc'@'127.0.0.1' (using password: YES)");
        assertThat(failures.get(1)).isEqualTo(failures.get(0));
    }

    /**
     * Without a password there is nothing to prove: 4.x refuses the certificate itself, when the
     * server asks for the password (an AuthSwitchRequest), before any OK.
     */
    @Test
    void connectorJ4WithoutAPasswordRefusesTheCertificateAsWithMariaDb114() {
        List<String> failures = connectorJ4Failures("nopw", "");
        assertThat(failures.get(0)).endsWith(" 42000 Cannot use authentication plugin mysql_native_password with a "
                + SELF_SIGNED);
        assertThat(failures.get(1)).isEqualTo(failures.get(0));
    }

    /** How 4.x fails to log in directly to MariaDB 11.4, then through the operator: code, SQLSTATE, message. */
    private static List<String> connectorJ4Failures(String user, String password) {
        List<String> failures = new ArrayList<>();
        for (int port : new int[] {db114.port(), operator.port()}) {
            assertThatThrownBy(() -> connectJ4(port, user, password))
                    .isInstanceOfSatisfying(SQLException.class, e -> failures.add(e.getErrorCode() + " "
                            + e.getSQLState() + " " + e.getMessage().replaceFirst("^\\(conn=\\d+\\) ", "")));
        }
        return failures;
    }

    /**
     * The 11.4 client verifies by default ({@code --ssl-verify-server-cert} is on) except towards
     * 127.0.0.1 and ::1, which it trusts as local: {@code localhost} over TCP is verified.
     */
    @Test
    void mariadbClient114AcceptsMariaDb114AndTheOperator() {
        for (int port : new int[] {db114.port(), operator.port()}) {
            var result = mariadb(port, "zc", "zc-secret");
            assertThat(result.stdout().strip()).as(result.output()).isEqualTo("zc@%");
            assertThat(result.exitCode()).isZero();
        }
    }

    @Test
    void mariadbClient114RefusesMariaDb1011WhichSendsNoProof() {
        requireMariaDb1011();
        var control = mariadb(db1011.port(), "zc", "zc-secret");
        assertThat(control.exitCode()).as(control.output()).isEqualTo(1);
        assertThat(control.stderr()).contains("ERROR 2026 (HY000)", NOT_TRUSTED);
    }

    @Test
    void mariadbClient114WrongPasswordAsDirectly() {
        var direct = mariadb(db114.port(), "zc", "wrong");
        var proxied = mariadb(operator.port(), "zc", "wrong");
        assertThat(direct.stderr()).contains("ERROR 1045 (28000)", "(using password: YES)");
        assertThat(proxied.stderr()).isEqualTo(direct.stderr());
        assertThat(proxied.exitCode()).isEqualTo(direct.exitCode()).isEqualTo(1);
    }

    /** The control: a MariaDB before 11.4 with a self-signed certificate, which sends no proof. */
    private static void requireMariaDb1011() {
        if (db1011 == null) {
            Requirements.missing("a system MariaDB before 11.4 (the control that sends no proof; found "
                    + MariaDbBinaries.findSystem().map(MariaDbBinaries::version).orElse("none") + ")",
                    "apt-get install -y mariadb-server (Debian 12: MariaDB 10.11)");
        }
    }

    private static Connection connectJ4(int port, String user, String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        Connection c = connectorJ4.driver().connect("jdbc:mariadb://127.0.0.1:" + port + "/", properties);
        assertThat(c).isNotNull();
        return c;
    }

    private static ClientProcess.Result mariadb(int port, String user, String password) {
        return ClientProcess.run(List.of(cli, "--no-defaults", "--protocol=TCP", "-hlocalhost", "-P" + port,
                "-u" + user, "--password=" + password, "--skip-column-names", "-e", "SELECT CURRENT_USER()"));
    }
}
