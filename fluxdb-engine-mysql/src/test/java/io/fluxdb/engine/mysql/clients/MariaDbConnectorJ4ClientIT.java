package io.fluxdb.engine.mysql.clients;

import static io.fluxdb.engine.mysql.clients.JdbcQueries.scalar;
import static io.fluxdb.engine.mysql.clients.JdbcQueries.sessionStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fluxdb.engine.mysql.testing.TestOperator;
import io.fluxdb.testkit.MariaDbExtension;
import io.fluxdb.testkit.MariaDbProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * MariaDB Connector/J 4.x next to the 3.x the build uses, through the operator and directly
 * against the engine; 4.x is loaded in a class loader of its own ({@link ConnectorJ4}).
 */
@ExtendWith(MariaDbExtension.class)
class MariaDbConnectorJ4ClientIT {
    private static final String DATABASE = "mcj4";

    private static MariaDbProcess db;
    private static TestOperator operator;
    private static ConnectorJ4 isolated;
    private static Driver version4;

    @TempDir
    static Path tlsDir;

    @BeforeAll
    static void start(MariaDbProcess server) throws Exception {
        db = server;
        isolated = ConnectorJ4.load();
        version4 = isolated.driver();
        // A TLS directory of this test's own, to give the drivers the certificate the operator generates there.
        operator = TestOperator.start(db, Map.of("tls-dir", tlsDir.toString()));
        try (Connection c = connect(new org.mariadb.jdbc.Driver(), db.port(), ""); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS " + DATABASE);
            s.execute("CREATE TABLE " + DATABASE + ".items (id INT PRIMARY KEY, name VARCHAR(40))");
            s.execute("INSERT INTO " + DATABASE + ".items WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1"
                    + " FROM n WHERE i < 100) SELECT i, CONCAT('item ', i) FROM n");
            s.execute("CREATE USER IF NOT EXISTS 'nopw'@'%'");
            s.execute("GRANT SELECT ON " + DATABASE + ".* TO 'nopw'@'%'");
        }
    }

    @AfterAll
    static void stop() throws IOException {
        if (operator != null) {
            operator.close();
        }
        if (isolated != null) {
            isolated.close();
        }
    }

    static Stream<Named<Driver>> drivers() {
        return Stream.of(Named.of("3.x (class path)", new org.mariadb.jdbc.Driver()),
                Named.of("4.x (isolated)", version4));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("drivers")
    void driverIsTheGenerationItClaims(Driver driver) throws SQLException {
        try (Connection c = connect(driver, operator.port(), DATABASE, "sslMode=trust")) {
            String version = c.getMetaData().getDriverVersion();
            if (driver == version4) {
                assertThat(version).isEqualTo(ConnectorJ4.expectedVersion());
                assertThat(driver.getClass().getClassLoader()).isSameAs(isolated.classLoader());
            } else {
                assertThat(version).startsWith("3.");
            }
        }
    }

    /** Without options 3.x connects in plain TCP, directly and through the operator. */
    @Test
    void version3DefaultIsPlainTcp() throws SQLException {
        for (int port : new int[] {db.port(), operator.port()}) {
            try (Connection c = connect(new org.mariadb.jdbc.Driver(), port, DATABASE)) {
                assertThat(scalar(c, "SELECT COUNT(*) FROM items")).isEqualTo(100);
            }
        }
    }

    /**
     * Without options 4.x asks for TLS with full verification of the server's certificate and name
     * (its default sslMode is verify-full): the test engine, which has no TLS, is refused. The
     * operator's certificate is self-signed and 4.x has no CA for it, but, as with MariaDB 11.4,
     * the OK that ends a password login proves that the operator knows the password hash and binds
     * the proof to that certificate ("zero-configuration TLS", {@code TlsProof}), so 4.x accepts it
     * whatever engine the operator fronts (this one has no TLS at all). ZeroConfigTlsClientIT compares
     * with MariaDB 11.4 and 10.11 directly.
     */
    @Test
    void version4DefaultIsVerifiedTls() throws SQLException {
        assertThatThrownBy(() -> connect(version4, db.port(), DATABASE))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("ssl not enabled in the server");
        try (Connection c = connect(version4, operator.port(), DATABASE)) {
            assertThat(scalar(c, "SELECT COUNT(*) FROM items")).isEqualTo(100);
        }
    }

    /** The proof comes only after the password was checked: a wrong one is refused as by the server. */
    @Test
    void version4DefaultWithAWrongPasswordIsAccessDenied() {
        Properties wrong = new Properties();
        wrong.setProperty("user", "root");
        wrong.setProperty("password", "not-" + db.rootPassword());
        assertThatThrownBy(() -> version4.connect(operatorUrl(), wrong))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getErrorCode()).isEqualTo(1045);
                    assertThat(e.getSQLState()).isEqualTo("28000");
                });
    }

    /**
     * Without a password there is nothing to prove: 4.x refuses the self-signed certificate itself,
     * as soon as it is asked for the password, as against MariaDB 11.4.
     */
    @Test
    void version4DefaultWithoutAPasswordRefusesTheCertificate() {
        Properties nopw = new Properties();
        nopw.setProperty("user", "nopw");
        assertThatThrownBy(() -> version4.connect(operatorUrl(), nopw))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("42000");
                    assertThat(e.getMessage()).contains("Cannot use authentication plugin mysql_native_password with a"
                            + " Self signed certificates. Either set sslMode=trust, use password with a MitM-Proof"
                            + " authentication plugin or provide server certificate");
                });
    }

    private static String operatorUrl() {
        return "jdbc:mariadb://127.0.0.1:" + operator.port() + "/" + DATABASE;
    }

    /**
     * Full verification (4.x's default, 3.x's verify-full) succeeds with the operator's certificate
     * given to the driver: it names localhost and 127.0.0.1.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("drivers")
    void verifyFullWithTheOperatorCertificate(Driver driver) throws Exception {
        String certificate = "serverSslCert=" + OperatorTls.certificatePem(tlsDir);
        try (Connection c = driver == version4
                ? connect(driver, operator.port(), DATABASE, certificate)
                : connect(driver, operator.port(), DATABASE, "sslMode=verify-full", certificate)) {
            assertThat(scalar(c, "SELECT COUNT(*) FROM items")).isEqualTo(100);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("drivers")
    void tlsWithTrust(Driver driver) throws SQLException {
        try (Connection c = connect(driver, operator.port(), DATABASE, "sslMode=trust")) {
            assertThat(scalar(c, "SELECT COUNT(*) FROM items")).isEqualTo(100);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("drivers")
    void serverSidePreparedStatementsAsDirectly(Driver driver) throws SQLException {
        List<String> direct = preparedScenario(connect(driver, db.port(), DATABASE, "sslMode=disable",
                "useServerPrepStmts=true"));
        List<String> proxied = preparedScenario(connect(driver, operator.port(), DATABASE, "sslMode=trust",
                "useServerPrepStmts=true"));
        assertThat(direct).hasSize(11).startsWith("item 1", "item 12");
        assertThat(proxied).isEqualTo(direct);
    }

    /** Ten executions of one prepared SELECT; the engine's counters prove it was prepared on the server. */
    private static List<String> preparedScenario(Connection connection) throws SQLException {
        try (Connection c = connection;
                PreparedStatement p = c.prepareStatement("SELECT name FROM items WHERE id = ?")) {
            long preparesBefore = sessionStatus(c, "Com_stmt_prepare");
            long executesBefore = sessionStatus(c, "Com_stmt_execute");
            List<String> names = new ArrayList<>();
            for (int id = 1; id <= 100; id += 11) {
                p.setInt(1, id);
                try (ResultSet rs = p.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    names.add(rs.getString(1));
                    assertThat(rs.next()).isFalse();
                }
            }
            names.add(String.valueOf(sessionStatus(c, "Com_stmt_execute") - executesBefore));
            assertThat(sessionStatus(c, "Com_stmt_prepare") - preparesBefore).isPositive();
            return names;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("drivers")
    void batchOfThousandInsertsAsDirectly(Driver driver) throws SQLException {
        String table = "batch_" + (driver == version4 ? 4 : 3);
        List<Long> direct = batchScenario(connect(driver, db.port(), DATABASE, "sslMode=disable"), table);
        List<Long> proxied = batchScenario(connect(driver, operator.port(), DATABASE, "sslMode=trust"),
                table + "_proxied");
        assertThat(direct).containsExactly(1000L, 100L, 999L * 1000 / 2);
        assertThat(proxied).isEqualTo(direct);
    }

    /** A 1000-row prepared batch; the engine must see far fewer executions than rows (bulk or rewritten). */
    private static List<Long> batchScenario(Connection connection, String table) throws SQLException {
        try (Connection c = connection; Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, v VARCHAR(20), d DOUBLE)");
            long before = sessionStatus(c, "Com_stmt_execute") + sessionStatus(c, "Com_insert");
            try (PreparedStatement p = c.prepareStatement("INSERT INTO " + table + " (id, v, d) VALUES (?, ?, ?)")) {
                for (int i = 0; i < 1000; i++) {
                    p.setInt(1, i);
                    p.setString(2, i % 10 == 0 ? null : "v" + i);
                    p.setDouble(3, i / 8.0);
                    p.addBatch();
                }
                assertThat(p.executeBatch()).hasSize(1000);
            }
            assertThat(sessionStatus(c, "Com_stmt_execute") + sessionStatus(c, "Com_insert") - before)
                    .isLessThan(10);
            return List.of(scalar(c, "SELECT COUNT(*) FROM " + table),
                    scalar(c, "SELECT COUNT(*) FROM " + table + " WHERE v IS NULL"),
                    scalar(c, "SELECT SUM(d) * 8 FROM " + table));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("drivers")
    void errorsCarryCodeAndSqlStateAsDirectly(Driver driver) throws SQLException {
        List<String> direct = errorScenario(connect(driver, db.port(), DATABASE, "sslMode=disable"));
        List<String> proxied = errorScenario(connect(driver, operator.port(), DATABASE, "sslMode=trust"));
        assertThat(direct).containsExactly(
                "1062 23000 Duplicate entry '1' for key 'PRIMARY'",
                "1064 42000 You have an error in your SQL syntax; check the manual that corresponds to your"
                        + " MariaDB server version for the right syntax to use near 'SELEC 1' at line 1",
                "1146 42S02 Table 'mcj4.missing_table' doesn't exist",
                "42");
        assertThat(proxied).isEqualTo(direct);
    }

    private static List<String> errorScenario(Connection connection) throws SQLException {
        try (Connection c = connection; Statement s = c.createStatement()) {
            List<String> seen = new ArrayList<>();
            for (String sql : List.of("INSERT INTO items VALUES (1, 'dup')", "SELEC 1", "SELECT * FROM missing_table")) {
                assertThatThrownBy(() -> s.execute(sql)).isInstanceOfSatisfying(SQLException.class, e ->
                        seen.add(e.getErrorCode() + " " + e.getSQLState() + " " + serverMessage(e)));
            }
            // The session survives its errors.
            seen.add(String.valueOf(scalar(c, "SELECT 42")));
            return seen;
        }
    }

    /** The server's text: Connector/J prefixes it with "(conn=N) ", N differing between runs. */
    private static String serverMessage(SQLException e) {
        return e.getMessage().replaceFirst("^\\(conn=\\d+\\) ", "");
    }

    private static Connection connect(Driver driver, int port, String database, String... properties)
            throws SQLException {
        Properties credentials = new Properties();
        credentials.setProperty("user", "root");
        credentials.setProperty("password", db.rootPassword());
        String url = "jdbc:mariadb://127.0.0.1:" + port + "/" + database
                + (properties.length == 0 ? "" : "?" + String.join("&", properties));
        Connection c = driver.connect(url, credentials);
        assertThat(c).as(url).isNotNull();
        return c;
    }
}
