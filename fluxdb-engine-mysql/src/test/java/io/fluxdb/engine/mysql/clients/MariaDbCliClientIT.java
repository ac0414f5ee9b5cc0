package io.fluxdb.engine.mysql.clients;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MariaDB command-line tools (Debian's mariadb-client: {@code mariadb}, {@code mariadb-dump},
 * {@code mariadb-admin}, {@code mariadb-slap}) through the operator. Where output is deterministic, the same command runs
 * directly against the engine and the two outputs must be identical.
 */
@ExtendWith(MariaDbExtension.class)
class MariaDbCliClientIT {
    private static final String CLIENT_PACKAGE = "mariadb-client";
    /** A mysql_native_password account for the caching_sha2_password client plugin. */
    private static final String SHA2_USER = "sha2_cli";

    private static MariaDbProcess db;
    private static TestOperator operator;
    private static String mariadb;

    @TempDir
    Path work;

    @BeforeAll
    static void start(MariaDbProcess server) throws SQLException {
        db = server;
        try (Connection c = direct(""); Statement s = c.createStatement()) {
            s.execute("CREATE USER '" + SHA2_USER + "'@'%' IDENTIFIED BY 'pw-" + SHA2_USER + "'");
        }
        operator = TestOperator.start(db);
    }

    /** Per test, not per class: a skipped test then counts as skipped in the build's summary. */
    @BeforeEach
    void requireClient() {
        mariadb = ClientProcess.require("mariadb", CLIENT_PACKAGE);
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

    /**
     * mysqlslap's generated load: four clients, two iterations, 200 queries. Its report must name
     * the same clients and queries per client as a direct run (only the timings differ), and it
     * drops its schema afterwards.
     */
    @Test
    void slapAutoGeneratedLoad() throws SQLException {
        List<String> options = List.of("--concurrency=4", "--iterations=2", "--auto-generate-sql",
                "--number-of-queries=200");
        var direct = ClientProcess.run(concat(slap(db.port()), options.toArray(String[]::new))).assertSuccess();
        var proxied = ClientProcess.run(concat(slap(operator.port()), options.toArray(String[]::new)))
                .assertSuccess();
        assertThat(proxied.stdout()).as(proxied.output())
                .contains("Number of clients running queries: 4", "Average number of queries per client: 50")
                .containsPattern("Average number of seconds to run all queries: \\d+\\.\\d+ seconds");
        assertThat(withoutTimings(proxied.stdout())).isEqualTo(withoutTimings(direct.stdout()));
        assertThat(proxied.stderr()).isEqualTo(direct.stderr());
        assertThat(rows("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'mysqlslap'"))
                .containsExactly(List.of("0"));
    }

    /**
     * mysqlslap with its own schema, table and a two-statement query (an INSERT and a SELECT),
     * kept with {@code --no-drop}: the rows written through the operator equal those of a direct run.
     */
    @Test
    void slapCustomCreateAndQuery() throws SQLException {
        List<List<String>> tables = new ArrayList<>();
        for (int port : new int[] {db.port(), operator.port()}) {
            String schema = port == db.port() ? "slap_direct" : "slap_operator";
            var result = ClientProcess.run(concat(slap(port), "--create-schema=" + schema, "--no-drop",
                    "--create=CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(20));"
                            + " INSERT INTO t (v) VALUES ('seed')",
                    "--query=INSERT INTO t (v) VALUES ('slap'); SELECT COUNT(*) FROM t",
                    "--concurrency=4", "--iterations=1", "--number-of-queries=100")).assertSuccess();
            assertThat(result.stdout()).as(result.output()).contains("Number of clients running queries: 4");
            tables.add(rows("SELECT v, COUNT(*) FROM " + schema + ".t GROUP BY v ORDER BY v").stream()
                    .map(row -> String.join("=", row)).toList());
        }
        assertThat(tables.get(0)).hasSize(2).contains("seed=1");
        assertThat(tables.get(1)).isEqualTo(tables.get(0));
    }

    private static List<String> slap(int port) {
        return List.of(ClientProcess.require("mariadb-slap", CLIENT_PACKAGE), "--no-defaults", "--protocol=TCP",
                "-h127.0.0.1", "-P" + port, "-uroot", "--password=" + db.rootPassword());
    }

    private static String withoutTimings(String report) {
        return report.replaceAll("\\d+\\.\\d+ seconds", "N seconds");
    }

    /**
     * {@code mariadb-admin kill} with the operator connection id of another session that is running
     * a statement: {@code mariadb-admin processlist} shows the statement before and not after, and
     * the victim's driver sees its connection broken, as a victim killed directly on the engine.
     */
    @Test
    void adminKillsAnotherSessionShownByProcesslist() throws Exception {
        SQLException killedDirectly = killWithAdmin(db.port(), "kill_direct");
        SQLException killedThroughOperator = killWithAdmin(operator.port(), "kill_operator");
        // Either way the victim's driver reports a broken connection (SQLSTATE class 08). Directly the
        // engine closes the socket without a packet; the operator says why before it closes.
        assertThat(killedDirectly.getSQLState()).as(killedDirectly.toString()).startsWith("08");
        assertThat(killedThroughOperator.getSQLState()).as(killedThroughOperator.toString()).startsWith("08");
        assertThat(killedThroughOperator.getMessage()).endsWith("Lost connection to the database engine during the query");
        // An id that names no session: the same refusal as the engine's.
        var direct = ClientProcess.run(concat(admin(db.port()), "kill", "4000000000"));
        var proxied = ClientProcess.run(concat(admin(operator.port()), "kill", "4000000000"));
        assertThat(direct.exitCode()).as(direct.output()).isEqualTo(1);
        assertThat(direct.stderr()).contains("Unknown thread id: 4000000000");
        assertThat(proxied.exitCode()).isEqualTo(direct.exitCode());
        assertThat(proxied.stderr()).isEqualTo(direct.stderr());
    }

    /**
     * A MariaDB Connector/J session on {@code port} runs a long statement tagged with
     * {@code marker}; mariadb-admin on the same port lists it, kills it by the id the session's
     * handshake announced, and lists it no more. Returns what the victim's statement failed with.
     */
    private static SQLException killWithAdmin(int port, String marker) throws Exception {
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
                Connection victim = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/?sslMode=disable",
                        "root", db.rootPassword())) {
            long id = victim.unwrap(org.mariadb.jdbc.Connection.class).getThreadId();
            Future<?> statement = threads.submit(() -> {
                try (Statement s = victim.createStatement()) {
                    s.executeQuery("SELECT SLEEP(60) AS " + marker);
                }
                return null;
            });
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    ClientProcess.run(concat(admin(port), "processlist")).assertSuccess().stdout())
                    .contains("SELECT SLEEP(60) AS " + marker));
            var kill = ClientProcess.run(concat(admin(port), "kill", Long.toString(id))).assertSuccess();
            assertThat(kill.stdout() + kill.stderr()).isEmpty();
            ExecutionException failed = catchThrowableOfType(ExecutionException.class,
                    () -> statement.get(30, TimeUnit.SECONDS));
            assertThat(failed).as("the victim's statement was not interrupted").isNotNull();
            assertThat(failed.getCause()).isInstanceOf(SQLException.class);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    ClientProcess.run(concat(admin(port), "processlist")).assertSuccess().stdout())
                    .doesNotContain(marker));
            return (SQLException) failed.getCause();
        }
    }

    private static List<String> admin(int port) {
        return List.of(ClientProcess.require("mariadb-admin", CLIENT_PACKAGE), "--no-defaults", "--protocol=TCP",
                "-h127.0.0.1", "-P" + port, "-uroot", "--password=" + db.rootPassword());
    }

    /**
     * libmariadb's caching_sha2_password client plugin ({@code --default-auth}) against a
     * mysql_native_password account: it sends no auth data after a greeting naming another plugin,
     * and MariaDB and the operator alike switch it to mysql_native_password. Over TLS and plain
     * TCP, twice (nothing is cached), right and wrong passwords and an unknown user: stdout, stderr
     * and exit code as directly (the test engine has no TLS, so directly it is plain TCP).
     */
    @Test
    void cachingSha2ClientPluginIsSwitchedToNativeAsByTheEngine() {
        String plain = "--skip-ssl";
        List<List<String>> logins = List.of(
                List.of(SHA2_USER, "pw-" + SHA2_USER),
                List.of(SHA2_USER, "wrong"),
                List.of("sha2_cli_never", "pw"));
        for (List<String> login : logins) {
            var direct = sha2Cli(db.port(), login.get(0), login.get(1), plain);
            for (String transport : List.of("--ssl --ssl-verify-server-cert=0", plain, plain)) {
                var proxied = sha2Cli(operator.port(), login.get(0), login.get(1), transport);
                assertThat(proxied.stdout()).as(login + " " + transport + "\n" + proxied.output())
                        .isEqualTo(direct.stdout());
                assertThat(proxied.stderr()).as(login + " " + transport).isEqualTo(direct.stderr());
                assertThat(proxied.exitCode()).as(login + " " + transport).isEqualTo(direct.exitCode());
            }
        }
        assertThat(sha2Cli(db.port(), SHA2_USER, "pw-" + SHA2_USER, plain).assertSuccess().stdout().strip())
                .isEqualTo(SHA2_USER + "@%");
        assertThat(sha2Cli(db.port(), SHA2_USER, "wrong", plain).stderr())
                .contains("ERROR 1045 (28000): Access denied for user '" + SHA2_USER + "'@");
    }

    /**
     * A client that starts with a plugin the operator does not verify (libmariadb's
     * {@code --default-auth}) is switched to mysql_native_password and logs in, as MariaDB
     * itself does; so is caching_sha2_password, above.
     */
    @Test
    void otherClientPluginsAreSwitchedToNativeAsByTheEngine() {
        for (String plugin : List.of("client_ed25519", "sha256_password", "dialog")) {
            var direct = pluginCli(db.port(), plugin, db.rootPassword(), "--skip-ssl").assertSuccess();
            assertThat(direct.stdout().strip()).isEqualTo("root@127.0.0.1");
            for (String transport : List.of("--skip-ssl", "--ssl --ssl-verify-server-cert=0")) {
                var proxied = pluginCli(operator.port(), plugin, db.rootPassword(), transport);
                assertThat(proxied.stdout()).as(plugin + " " + transport + "\n" + proxied.output())
                        .isEqualTo(direct.stdout());
                assertThat(proxied.exitCode()).isZero();
            }
            var wrongDirect = pluginCli(db.port(), plugin, "wrong", "--skip-ssl");
            var wrong = pluginCli(operator.port(), plugin, "wrong", "--skip-ssl");
            assertThat(wrongDirect.stderr()).contains("ERROR 1045 (28000)", "(using password: YES)");
            assertThat(wrong.stderr()).as(plugin).isEqualTo(wrongDirect.stderr());
            assertThat(wrong.exitCode()).isEqualTo(wrongDirect.exitCode());
        }
    }

    private static ClientProcess.Result pluginCli(int port, String plugin, String password, String transport) {
        List<String> command = new ArrayList<>(List.of(mariadb, "--no-defaults", "--protocol=TCP", "-h127.0.0.1",
                "-P" + port, "-uroot", "--password=" + password, "--default-auth=" + plugin, "--skip-column-names"));
        command.addAll(List.of(transport.split(" ")));
        command.addAll(List.of("-e", "SELECT CURRENT_USER()"));
        return ClientProcess.run(command);
    }

    private static ClientProcess.Result sha2Cli(int port, String user, String password, String transport) {
        List<String> command = new ArrayList<>(List.of(mariadb, "--no-defaults", "--protocol=TCP", "-h127.0.0.1",
                "-P" + port, "-u" + user, "--password=" + password, "--default-auth=caching_sha2_password",
                "--skip-column-names"));
        command.addAll(List.of(transport.split(" ")));
        command.addAll(List.of("-e", "SELECT CURRENT_USER()"));
        return ClientProcess.run(command);
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
