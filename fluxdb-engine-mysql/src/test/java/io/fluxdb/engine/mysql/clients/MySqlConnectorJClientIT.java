package io.fluxdb.engine.mysql.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** MySQL Connector/J (com.mysql.cj) through the operator. */
@ExtendWith(MariaDbExtension.class)
class MySqlConnectorJClientIT {
    private static final String DATABASE = "cj";

    private static MariaDbProcess db;
    private static TestOperator operator;

    @BeforeAll
    static void start(MariaDbProcess server) throws SQLException {
        db = server;
        operator = TestOperator.start(db);
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(""), "root", db.rootPassword());
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS " + DATABASE);
            s.execute("CREATE TABLE " + DATABASE + ".items (id INT PRIMARY KEY, name VARCHAR(40), price DECIMAL(8,2))");
            s.execute("INSERT INTO " + DATABASE + ".items WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1"
                    + " FROM n WHERE i < 100) SELECT i, CONCAT('item ', i), i / 4 FROM n");
        }
    }

    @AfterAll
    static void stop() {
        if (operator != null) {
            operator.close();
        }
    }

    private static Connection connect(String... properties) throws SQLException {
        String url = "jdbc:mysql://127.0.0.1:" + operator.port() + "/" + DATABASE + "?"
                + String.join("&", properties);
        return DriverManager.getConnection(url, "root", db.rootPassword());
    }

    @ParameterizedTest(name = "useServerPrepStmts={0}")
    @ValueSource(booleans = {true, false})
    void preparedStatements(boolean serverSide) throws SQLException {
        try (Connection c = connect("sslMode=DISABLED", "useServerPrepStmts=" + serverSide);
                PreparedStatement p = c.prepareStatement("SELECT id, name, price FROM items WHERE id BETWEEN ? AND ? ORDER BY id")) {
            for (int from = 1; from <= 91; from += 10) {
                p.setInt(1, from);
                p.setInt(2, from + 2);
                try (ResultSet rs = p.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(from);
                    assertThat(rs.getString(2)).isEqualTo("item " + from);
                    assertThat(rs.getBigDecimal(3)).isEqualByComparingTo(String.valueOf(from / 4.0));
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.next()).isFalse();
                }
            }
            // Server-side: one COM_STMT_PREPARE and ten COM_STMT_EXECUTEs; client-side: text queries only.
            assertThat(sessionStatus(c, "Com_stmt_prepare") > 0).isEqualTo(serverSide);
            assertThat(sessionStatus(c, "Com_stmt_execute")).isEqualTo(serverSide ? 10 : 0);
        }
    }

    @Test
    void rewrittenBatchesOfThousandInserts() throws SQLException {
        try (Connection c = connect("sslMode=DISABLED", "rewriteBatchedStatements=true");
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE batch_ps (id INT PRIMARY KEY, v VARCHAR(20))");
            s.execute("CREATE TABLE batch_st (id INT PRIMARY KEY, v VARCHAR(20))");
            long insertsBefore = sessionStatus(c, "Com_insert");
            try (PreparedStatement p = c.prepareStatement("INSERT INTO batch_ps (id, v) VALUES (?, ?)")) {
                for (int i = 0; i < 1000; i++) {
                    p.setInt(1, i);
                    p.setString(2, "v" + i);
                    p.addBatch();
                }
                int[] counts = p.executeBatch();
                assertThat(counts).hasSize(1000);
            }
            // Rewritten into multi-row INSERTs: far fewer statements than rows.
            assertThat(sessionStatus(c, "Com_insert") - insertsBefore).isBetween(1L, 10L);
            // Plain statements are sent as multi-statement queries, wrapped in COM_SET_OPTION on/off.
            for (int i = 0; i < 1000; i++) {
                s.addBatch("INSERT INTO batch_st (id, v) VALUES (" + i + ", 'w" + i + "')");
            }
            int[] counts = s.executeBatch();
            assertThat(counts).hasSize(1000).containsOnly(1);
            assertThat(scalar(c, "SELECT COUNT(*) FROM batch_ps")).isEqualTo(1000);
            assertThat(scalar(c, "SELECT COUNT(*) FROM batch_st")).isEqualTo(1000);
            // Multi-statements were switched off again: a multi-statement query is now refused by the engine.
            assertThatThrownBy(() -> s.executeQuery("SELECT 1; SELECT 2"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1064));
            assertThat(scalar(c, "SELECT 7")).isEqualTo(7);
        }
    }

    @Test
    void cursorFetchReadsHundredRowsTenAtATime() throws SQLException {
        try (Connection c = connect("sslMode=DISABLED", "useCursorFetch=true", "defaultFetchSize=10")) {
            long fetchesBefore = sessionStatus(c, "Com_stmt_fetch");
            List<Integer> ids = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT id FROM items WHERE id > ? ORDER BY id")) {
                p.setInt(1, 0);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getInt(1));
                    }
                }
            }
            assertThat(ids).hasSize(100).startsWith(1, 2, 3).endsWith(99, 100);
            assertThat(sessionStatus(c, "Com_stmt_fetch") - fetchesBefore).isGreaterThanOrEqualTo(10);
            // An empty result through a cursor must end, not hang.
            try (PreparedStatement p = c.prepareStatement("SELECT id FROM items WHERE id > ?")) {
                p.setInt(1, 1000);
                try (ResultSet rs = p.executeQuery()) {
                    assertThat(rs.next()).isFalse();
                }
            }
        }
    }

    @Test
    void tlsRequiredAndDisabled() throws SQLException {
        // REQUIRED fails the connection unless the TLS upgrade succeeds.
        try (Connection c = connect("sslMode=REQUIRED", "trustServerCertificate=true")) {
            assertThat(scalar(c, "SELECT COUNT(*) FROM items")).isEqualTo(100);
        }
        try (Connection c = connect("sslMode=DISABLED", "allowPublicKeyRetrieval=true")) {
            assertThat(scalar(c, "SELECT COUNT(*) FROM items")).isEqualTo(100);
        }
    }

    @Test
    void transactionsCommitAndRollBack() throws SQLException {
        try (Connection c = connect("sslMode=DISABLED"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE tx (id INT PRIMARY KEY)");
            c.setAutoCommit(false);
            s.execute("INSERT INTO tx VALUES (1)");
            c.commit();
            s.execute("INSERT INTO tx VALUES (2)");
            c.rollback();
            c.setAutoCommit(true);
            try (Connection other = connect("sslMode=DISABLED")) {
                assertThat(scalar(other, "SELECT GROUP_CONCAT(id) FROM tx")).isEqualTo(1);
            }
        }
    }

    @Test
    void errorsCarryCodeAndSqlState() throws SQLException {
        try (Connection c = connect("sslMode=DISABLED", "useServerPrepStmts=true"); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute("SELECT * FROM no_such_table"))
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getErrorCode()).isEqualTo(1146);
                        assertThat(e.getSQLState()).isEqualTo("42S02");
                        assertThat(e.getMessage()).isEqualTo("Table 'cj.no_such_table' doesn't exist");
                    });
            assertThatThrownBy(() -> s.execute("INSERT INTO items (id) VALUES (1)"))
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getErrorCode()).isEqualTo(1062);
                        assertThat(e.getSQLState()).isEqualTo("23000");
                    });
            // The engine refuses to prepare it; the driver then falls back to a client-side statement,
            // and executing that gets the engine's syntax error.
            try (PreparedStatement p = c.prepareStatement("SELEC ?")) {
                p.setInt(1, 1);
                assertThatThrownBy(p::execute).isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getErrorCode()).isEqualTo(1064);
                    assertThat(e.getSQLState()).isEqualTo("42000");
                });
            }
            // The session survives its errors.
            assertThat(scalar(c, "SELECT 42")).isEqualTo(42);
        }
        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + operator.port()
                + "/" + DATABASE + "?sslMode=DISABLED", "root", "wrong"))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getErrorCode()).isEqualTo(1045);
                    assertThat(e.getSQLState()).isEqualTo("28000");
                });
    }

    private static long sessionStatus(Connection c, String variable) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW SESSION STATUS LIKE '" + variable + "'")) {
            assertThat(rs.next()).as(variable).isTrue();
            return rs.getLong(2);
        }
    }

    private static long scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getLong(1);
        }
    }
}
