package io.fluxdb.engine.mysql.clients;

import static io.fluxdb.engine.mysql.clients.JdbcQueries.scalar;
import static io.fluxdb.engine.mysql.clients.JdbcQueries.sessionStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.fluxdb.engine.mysql.testing.TestOperator;
import io.fluxdb.testkit.MariaDbExtension;
import io.fluxdb.testkit.MariaDbProcess;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** MariaDB Connector/J (org.mariadb.jdbc) through the operator, alone and behind HikariCP. */
@ExtendWith(MariaDbExtension.class)
class MariaDbConnectorJClientIT {
    private static final String DATABASE = "mcj";

    private static MariaDbProcess db;
    private static TestOperator operator;

    @BeforeAll
    static void start(MariaDbProcess server) throws SQLException {
        db = server;
        operator = TestOperator.start(db);
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(""), "root", db.rootPassword());
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS " + DATABASE);
            s.execute("CREATE USER IF NOT EXISTS 'nopw'@'%'");
            s.execute("GRANT SELECT ON " + DATABASE + ".* TO 'nopw'@'%'");
            s.execute("CREATE TABLE " + DATABASE + ".items (id INT PRIMARY KEY, name VARCHAR(40))");
            s.execute("INSERT INTO " + DATABASE + ".items WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1"
                    + " FROM n WHERE i < 100) SELECT i, CONCAT('item ', i) FROM n");
        }
    }

    @AfterAll
    static void stop() {
        if (operator != null) {
            operator.close();
        }
    }

    private static String url(String... properties) {
        return "jdbc:mariadb://127.0.0.1:" + operator.port() + "/" + DATABASE + "?" + String.join("&", properties);
    }

    private static Connection connect(String... properties) throws SQLException {
        return DriverManager.getConnection(url(properties), "root", db.rootPassword());
    }

    @Test
    void tlsWithTrustAcceptsTheSelfSignedCertificate() throws SQLException {
        try (Connection c = connect("sslMode=trust")) {
            assertThat(scalar(c, "SELECT COUNT(*) FROM items")).isEqualTo(100);
        }
    }

    /**
     * Full verification without a CA accepts the self-signed certificate only through MariaDB 11.4's
     * password proof in the login's OK packet, which the operator sends; without a password there is
     * no proof, and the driver refuses the certificate.
     */
    @Test
    void tlsWithVerifyFullAcceptsTheSelfSignedCertificateByThePasswordProofOnly() throws SQLException {
        try (Connection c = connect("sslMode=verify-full")) {
            assertThat(scalar(c, "SELECT COUNT(*) FROM items")).isEqualTo(100);
        }
        assertThatThrownBy(() -> DriverManager.getConnection(url("sslMode=verify-full"), "nopw", ""))
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(chain(e)).containsIgnoringCase("certificate"));
    }

    @Test
    void serverSidePreparedStatements() throws SQLException {
        try (Connection c = connect("sslMode=disable", "useServerPrepStmts=true");
                PreparedStatement p = c.prepareStatement("SELECT name FROM items WHERE id = ?")) {
            for (int id = 1; id <= 100; id += 11) {
                p.setInt(1, id);
                try (ResultSet rs = p.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("item " + id);
                    assertThat(rs.next()).isFalse();
                }
            }
            assertThat(sessionStatus(c, "Com_stmt_prepare")).isPositive();
            assertThat(sessionStatus(c, "Com_stmt_execute")).isGreaterThanOrEqualTo(10);
        }
    }

    @Test
    void bulkBatchOfThousandInserts() throws SQLException {
        try (Connection c = connect("sslMode=disable", "useBulkStmts=true", "useBulkStmtsForInserts=true");
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE bulk (id INT PRIMARY KEY, v VARCHAR(20), d DOUBLE)");
            long executesBefore = sessionStatus(c, "Com_stmt_execute");
            try (PreparedStatement p = c.prepareStatement("INSERT INTO bulk (id, v, d) VALUES (?, ?, ?)")) {
                for (int i = 0; i < 1000; i++) {
                    p.setInt(1, i);
                    p.setString(2, i % 10 == 0 ? null : "v" + i);
                    p.setDouble(3, i / 8.0);
                    p.addBatch();
                }
                int[] counts = p.executeBatch();
                assertThat(counts).hasSize(1000);
            }
            // COM_STMT_BULK_EXECUTE sends the whole batch in one command, not one execute per row.
            assertThat(sessionStatus(c, "Com_stmt_execute") - executesBefore).isLessThan(10);
            assertThat(scalar(c, "SELECT COUNT(*) FROM bulk")).isEqualTo(1000);
            assertThat(scalar(c, "SELECT COUNT(*) FROM bulk WHERE v IS NULL")).isEqualTo(100);
            assertThat(scalar(c, "SELECT SUM(d) * 8 FROM bulk")).isEqualTo(999 * 1000 / 2);
        }
    }

    @Test
    void errorsCarryCodeAndSqlState() throws SQLException {
        try (Connection c = connect("sslMode=disable"); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute("INSERT INTO items VALUES (1, 'dup')"))
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getErrorCode()).isEqualTo(1062);
                        assertThat(e.getSQLState()).isEqualTo("23000");
                        assertThat(e.getMessage()).contains("Duplicate entry '1' for key 'PRIMARY'");
                    });
            assertThat(scalar(c, "SELECT 1")).isEqualTo(1);
        }
    }

    @Test
    void hikariPoolInFront() throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url("sslMode=disable"));
        config.setUsername("root");
        config.setPassword(db.rootPassword());
        config.setMaximumPoolSize(4);
        config.setPoolName("clients-it");
        try (HikariDataSource pool = new HikariDataSource(config)) {
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE pooled (id INT PRIMARY KEY, worker INT)");
            }
            // A transaction left open when the connection goes back is rolled back by the pool.
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                s.execute("INSERT INTO pooled VALUES (-1, -1)");
            }
            try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Long>> results = new ArrayList<>();
                for (int w = 0; w < 16; w++) {
                    int worker = w;
                    results.add(workers.submit(() -> {
                        long sum = 0;
                        for (int i = 0; i < 25; i++) {
                            try (Connection c = pool.getConnection();
                                    PreparedStatement p = c.prepareStatement("INSERT INTO pooled VALUES (?, ?)");
                                    Statement s = c.createStatement()) {
                                p.setInt(1, worker * 1000 + i);
                                p.setInt(2, worker);
                                p.executeUpdate();
                                sum += scalar(c, "SELECT COUNT(*) FROM items");
                            }
                        }
                        return sum;
                    }));
                }
                for (Future<Long> r : results) {
                    assertThat(r.get()).isEqualTo(25 * 100);
                }
            }
            try (Connection c = pool.getConnection()) {
                assertThat(scalar(c, "SELECT COUNT(*) FROM pooled")).isEqualTo(16 * 25);
                assertThat(scalar(c, "SELECT COUNT(*) FROM pooled WHERE id = -1")).isZero();
            }
            assertThat(pool.getHikariPoolMXBean().getTotalConnections()).isBetween(1, 4);
        }
    }

    private static String chain(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t).append('\n');
        }
        return all.toString();
    }
}
