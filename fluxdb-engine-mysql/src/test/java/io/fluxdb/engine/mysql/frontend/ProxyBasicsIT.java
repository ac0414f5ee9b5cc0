package io.fluxdb.engine.mysql.frontend;

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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The operator in front of a real MariaDB, driven by MariaDB Connector/J. */
@ExtendWith(MariaDbExtension.class)
class ProxyBasicsIT {
    private static TestOperator operator;
    private static String password;

    @BeforeAll
    static void start(MariaDbProcess db) throws SQLException {
        password = db.rootPassword();
        operator = TestOperator.start(db);
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(""), "root", password);
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS basics");
        }
    }

    @AfterAll
    static void stop() {
        if (operator != null) {
            operator.close();
        }
    }

    @Test
    void queriesAndPreparedStatementsGoThrough() throws SQLException {
        try (Connection c = DriverManager.getConnection(operator.jdbcUrl("basics", "sslMode=disable",
                "useServerPrepStmts=true"), "root", password);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(20))");
            assertThat(s.executeUpdate("INSERT INTO t (v) VALUES ('a'), ('b')")).isEqualTo(2);
            try (PreparedStatement p = c.prepareStatement("SELECT v FROM t WHERE id = ?")) {
                p.setInt(1, 2);
                try (ResultSet rs = p.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("b");
                }
            }
        }
    }

    @Test
    void wrongPasswordIsAccessDenied() {
        assertThatThrownBy(() -> DriverManager.getConnection(operator.jdbcUrl("basics"), "root", "wrong"))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getErrorCode()).isEqualTo(1045);
                    assertThat(e.getSQLState()).isEqualTo("28000");
                });
    }

    @Test
    void tlsIsOfferedAndUsed() throws SQLException {
        try (Connection c = DriverManager.getConnection(operator.jdbcUrl("basics", "sslMode=trust"), "root", password);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
    }
}
