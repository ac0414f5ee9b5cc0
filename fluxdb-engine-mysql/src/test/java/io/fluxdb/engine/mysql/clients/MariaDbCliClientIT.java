package io.fluxdb.engine.mysql.clients;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.engine.mysql.testing.TestOperator;
import io.fluxdb.testkit.MariaDbExtension;
import io.fluxdb.testkit.MariaDbProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MariaDB command-line tools (Debian's mariadb-client: {@code mariadb}, {@code mariadb-dump},
 * {@code mariadb-admin}) through the operator. Where output is deterministic, the same command runs
 * directly against the engine and the two outputs must be identical.
 */
@ExtendWith(MariaDbExtension.class)
class MariaDbCliClientIT {
    private static final String CLIENT_PACKAGE = "mariadb-client";

    private static MariaDbProcess db;
    private static TestOperator operator;
    private static String mariadb;

    @TempDir
    Path work;

    @BeforeAll
    static void start(MariaDbProcess server) throws SQLException {
        db = server;
        mariadb = ClientProcess.require("mariadb", CLIENT_PACKAGE);
        operator = TestOperator.start(db);
    }

    @AfterAll
    static void stop() {
        if (operator != null) {
            operator.close();
        }
    }

    @Test
    void executeOptionGivesTheSameOutputAsTheEngine() throws SQLException {
        recreate("cli_e");
        String sql = "SELECT 1 + 1 AS two, 'x\ty' AS s, NULL AS n, CAST('2024-05-06' AS DATE) AS d;"
                + " SELECT @@autocommit, DATABASE()";
        for (String format : List.of("--batch", "--table", "--skip-column-names")) {
            var direct = cli(db.port(), "cli_e", format, "-e", sql).assertSuccess();
            var proxied = cli(operator.port(), "cli_e", format, "-e", sql).assertSuccess();
            assertThat(proxied.stdout()).as(format).isEqualTo(direct.stdout()).contains("cli_e");
        }
    }

    @Test
    void scriptOnStandardInputGivesTheSameOutputAsTheEngine() throws Exception {
        Path script = work.resolve("script.sql");
        Files.writeString(script, """
                CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40), price DECIMAL(8,2), created DATE, note TEXT);
                INSERT INTO items VALUES (1, 'apple', 1.20, '2024-01-02', NULL), (2, 'pear', 0.80, '2024-02-03', 'ripe'),
                    (3, 'naïve ☕', 12.50, '2024-03-04', 'tab\there');
                SELECT COUNT(*), SUM(price) FROM items;
                DELIMITER //
                CREATE PROCEDURE add_item(IN p_id INT, IN p_name VARCHAR(40))
                BEGIN
                    INSERT INTO items (id, name, price, created) VALUES (p_id, p_name, 0, '2024-04-05');
                    SELECT COUNT(*) AS total FROM items;
                END //
                SELECT 'first' AS a; SELECT 'second' AS b; UPDATE items SET price = price * 2 WHERE id < 3 //
                DELIMITER ;
                CALL add_item(4, 'plum');
                SELECT * FROM items ORDER BY id;
                SELECT ROW_COUNT(), DATABASE();
                INSERT INTO items (id) VALUES (1);
                """, UTF_8);
        recreate("cli_script");
        var direct = cli(db.port(), "cli_script", "--force").run(script);
        recreate("cli_script");
        var proxied = cli(operator.port(), "cli_script", "--force").run(script);
        assertThat(direct.stdout()).contains("first", "second", "total", "naïve ☕", "plum");
        assertThat(proxied.stdout()).as(proxied.output()).isEqualTo(direct.stdout());
        // The duplicate key at the end is reported identically.
        assertThat(direct.stderr()).contains("ERROR 1062 (23000)");
        assertThat(proxied.stderr()).isEqualTo(direct.stderr());
        assertThat(proxied.exitCode()).isEqualTo(direct.exitCode());
    }

    @Test
    void wrongPasswordIsError1045() {
        var result = ClientProcess.run(List.of(mariadb, "--no-defaults", "--protocol=TCP", "-h127.0.0.1",
                "-P" + operator.port(), "-uroot", "--password=wrong", "-e", "SELECT 1"));
        assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
        assertThat(result.stderr()).contains("ERROR 1045 (28000): Access denied for user 'root'@")
                .contains("(using password: YES)");
    }

    @Test
    void tlsIsNegotiatedAndStatusShowsTheCipher() {
        var result = cli(operator.port(), "", "--ssl", "--ssl-verify-server-cert=0", "-e", "status").assertSuccess();
        assertThat(result.stdout()).as(result.output()).containsPattern("SSL:\\s+Cipher in use is \\S+");
        var plain = cli(operator.port(), "", "--skip-ssl", "-e", "status").assertSuccess();
        assertThat(plain.stdout()).as(plain.output()).containsPattern("SSL:\\s+Not in use");
    }

    @Test
    void dumpThroughTheOperatorRestoresThroughTheOperator() throws Exception {
        String dump = ClientProcess.require("mariadb-dump", CLIENT_PACKAGE);
        recreate("dump_src");
        recreate("dump_copy");
        try (Connection c = direct("dump_src"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(50), data BLOB, amount DECIMAL(12,4),"
                    + " at DATETIME(6), flag BIT(1))");
            s.execute("CREATE TABLE audit (id INT AUTO_INCREMENT PRIMARY KEY, t_id INT)");
            s.execute("INSERT INTO t WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)"
                    + " SELECT i, CONCAT('row ', i, IF(i % 7 = 0, ' ☃ \\'quoted\\'', '')), UNHEX(SHA2(i, 256)),"
                    + " i * 1.2345, TIMESTAMP('2024-01-01') + INTERVAL i SECOND, i % 2 FROM n");
            s.execute("INSERT INTO t (id) VALUES (1000)");
            s.execute("CREATE VIEW big AS SELECT id, name FROM t WHERE id > 250");
            s.execute("CREATE TRIGGER t_audit AFTER INSERT ON t FOR EACH ROW INSERT INTO audit (t_id) VALUES (NEW.id)");
            s.execute("CREATE PROCEDURE t_count(OUT n INT) SELECT COUNT(*) INTO n FROM t");
        }
        Path file = work.resolve("dump.sql");
        var dumped = ClientProcess.run(List.of(dump, "--no-defaults", "--protocol=TCP", "-h127.0.0.1",
                "-P" + operator.port(), "-uroot", "--password=" + db.rootPassword(), "--routines", "--triggers",
                "--result-file=" + file, "dump_src")).assertSuccess();
        // Latin-1 reads any byte: BLOB values are written raw.
        assertThat(Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1)).as(dumped.output())
                .contains("INSERT INTO `t` VALUES", "TRIGGER t_audit", "PROCEDURE `t_count`", "-- Dump completed");

        cli(operator.port(), "dump_copy").run(file).assertSuccess();

        for (String query : List.of("SELECT * FROM %s.t ORDER BY id", "SELECT * FROM %s.big ORDER BY id",
                "SELECT ROUTINE_NAME, ROUTINE_DEFINITION FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = '%s'",
                "SELECT TRIGGER_NAME, ACTION_STATEMENT FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = '%s'")) {
            List<List<String>> source = rows(query.formatted("dump_src"));
            assertThat(source).as(query).isNotEmpty();
            assertThat(rows(query.formatted("dump_copy"))).as(query).isEqualTo(source);
        }
        assertThat(rows("SELECT COUNT(*) FROM dump_copy.t")).containsExactly(List.of("501"));
    }

    @Test
    void adminPingStatusAndProcesslist() {
        String admin = ClientProcess.require("mariadb-admin", CLIENT_PACKAGE);
        List<String> base = List.of(admin, "--no-defaults", "--protocol=TCP", "-h127.0.0.1", "-P" + operator.port(),
                "-uroot", "--password=" + db.rootPassword());
        var ping = ClientProcess.run(concat(base, "ping")).assertSuccess();
        assertThat(ping.stdout()).contains("is alive");
        var status = ClientProcess.run(concat(base, "status")).assertSuccess();
        assertThat(status.stdout()).as(status.output()).contains("Uptime:", "Threads:", "Questions:");
        var processlist = ClientProcess.run(concat(base, "processlist")).assertSuccess();
        assertThat(processlist.stdout()).as(processlist.output()).contains("| Id", "| root", "show processlist");
        var version = ClientProcess.run(concat(base, "version")).assertSuccess();
        assertThat(version.stdout()).as(version.output()).contains("Server version", "MariaDB");
    }

    private static List<String> concat(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return all;
    }

    /** A {@code mariadb} invocation against {@code port}, logged in as root. */
    private static Invocation cli(int port, String database, String... options) {
        List<String> command = new ArrayList<>(List.of(mariadb, "--no-defaults", "--protocol=TCP", "-h127.0.0.1",
                "-P" + port, "-uroot", "--password=" + db.rootPassword(), "--default-character-set=utf8mb4"));
        command.addAll(List.of(options));
        if (!database.isEmpty()) {
            command.add(database);
        }
        return new Invocation(command);
    }

    private record Invocation(List<String> command) {
        ClientProcess.Result run(Path stdin) {
            return ClientProcess.run(command, stdin);
        }

        ClientProcess.Result assertSuccess() {
            return ClientProcess.run(command).assertSuccess();
        }
    }

    private static void recreate(String database) throws SQLException {
        try (Connection c = direct(""); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database);
            s.execute("CREATE DATABASE " + database + " CHARACTER SET utf8mb4");
        }
    }

    private static Connection direct(String database) throws SQLException {
        return DriverManager.getConnection(db.jdbcUrl(database), "root", db.rootPassword());
    }

    private static List<List<String>> rows(String query) throws SQLException {
        try (Connection c = direct(""); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            List<List<String>> rows = new ArrayList<>();
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    Object value = rs.getObject(i);
                    row.add(value instanceof byte[] bytes ? java.util.HexFormat.of().formatHex(bytes)
                            : value == null ? null : value.toString());
                }
                rows.add(row);
            }
            return rows;
        }
    }
}
