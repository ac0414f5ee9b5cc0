package io.fluxdb.engine.mysql.clients;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.mysql.cj.jdbc.JdbcConnection;
import io.fluxdb.engine.mysql.testing.TestOperator;
import io.fluxdb.protocol.constant.CapabilityFlags;
import io.fluxdb.testkit.MariaDbExtension;
import io.fluxdb.testkit.MariaDbProcess;
import io.fluxdb.testkit.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The compressed protocol (CLIENT_COMPRESS, zlib) between real clients and the operator: MySQL
 * Connector/J with {@code useCompression=true}, with and without TLS, MariaDB Connector/J, and
 * {@code mariadb --compress}, whose output must equal that of the same command run directly
 * against the engine. The engine leg stays uncompressed.
 */
@ExtendWith(MariaDbExtension.class)
class CompressionClientIT {
    private static final String DATABASE = "compressed";
    private static final int BLOB_BYTES = 5 * 1024 * 1024;

    private static MariaDbProcess db;
    private static TestOperator operator;

    @TempDir
    Path work;

    @BeforeAll
    static void start(MariaDbProcess server) throws SQLException {
        db = server;
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(""), "root", db.rootPassword());
                Statement s = c.createStatement()) {
            // Room for values over 16 MiB; set before the operator opens its engine connections.
            s.execute("SET GLOBAL max_allowed_packet = 64 * 1024 * 1024");
            s.execute("CREATE DATABASE IF NOT EXISTS " + DATABASE);
            s.execute("USE " + DATABASE);
            s.execute("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40), price DECIMAL(8,2))");
            s.execute("INSERT INTO items SELECT seq, CONCAT('item ', seq), seq / 4 FROM seq_1_to_100");
            s.execute("CREATE USER IF NOT EXISTS 'zipper'@'%' IDENTIFIED BY 'zipper-pw'");
            s.execute("GRANT SELECT ON " + DATABASE + ".* TO 'zipper'@'%'");
        }
        operator = TestOperator.start(db, Map.of("local-infile", "true"));
    }

    @AfterAll
    static void stop() {
        if (operator != null) {
            operator.close();
        }
    }

    /** MySQL Connector/J through the operator with compression requested. */
    private static Connection connect(String... properties) throws SQLException {
        String url = "jdbc:mysql://127.0.0.1:" + operator.port() + "/" + DATABASE + "?useCompression=true&"
                + String.join("&", properties);
        return DriverManager.getConnection(url, "root", db.rootPassword());
    }

    private static boolean negotiatedCompression(Connection c) throws SQLException {
        long clientParam = c.unwrap(JdbcConnection.class).getSession().getServerSession().getClientParam();
        return CapabilityFlags.has(clientParam, CapabilityFlags.CLIENT_COMPRESS);
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void queriesBlobsPreparedStatementsAndBatches(boolean tls) throws Exception {
        try (Connection c = connect(tls ? "sslMode=REQUIRED&trustServerCertificate=true" : "sslMode=DISABLED",
                "useServerPrepStmts=true", "cachePrepStmts=false");
                Statement s = c.createStatement()) {
            assertThat(negotiatedCompression(c)).isTrue();
            assertThat(c.unwrap(JdbcConnection.class).getSession().isSSLEstablished()).isEqualTo(tls);
            String table = "blobs_" + (tls ? "tls" : "plain");

            try (ResultSet rs = s.executeQuery("SELECT COUNT(*), SUM(price), GROUP_CONCAT(name ORDER BY id) FROM items")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(100);
                assertThat(rs.getBigDecimal(2)).isEqualByComparingTo("1262.50");
                assertThat(rs.getString(3)).startsWith("item 1,item 2,item 3,").endsWith(",item 100");
            }

            // A 5 MiB BLOB, half random (stored when it does not shrink) and half text, as a
            // parameter of a server prepared statement and back in a binary result row.
            byte[] blob = blob();
            s.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, data LONGBLOB)");
            try (PreparedStatement p = c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?)")) {
                p.setInt(1, 1);
                p.setBytes(2, blob);
                assertThat(p.executeUpdate()).isEqualTo(1);
            }
            try (PreparedStatement p = c.prepareStatement("SELECT data, LENGTH(data), SHA2(data, 256) FROM " + table
                    + " WHERE id = ?")) {
                p.setInt(1, 1);
                try (ResultSet rs = p.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getBytes(1)).isEqualTo(blob);
                    assertThat(rs.getInt(2)).isEqualTo(BLOB_BYTES);
                    assertThat(rs.getString(3)).isEqualTo(sha256(blob));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT data FROM " + table)) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBytes(1)).isEqualTo(blob);
            }

            // A batch of server-side executions, then the rows it wrote.
            s.execute("CREATE TABLE batch_" + table + " (id INT PRIMARY KEY, v VARCHAR(40))");
            try (PreparedStatement p = c.prepareStatement("INSERT INTO batch_" + table + " VALUES (?, ?)")) {
                for (int i = 0; i < 500; i++) {
                    p.setInt(1, i);
                    p.setString(2, "value " + i);
                    p.addBatch();
                }
                assertThat(p.executeBatch()).hasSize(500).containsOnly(1);
            }
            try (PreparedStatement p = c.prepareStatement("SELECT COUNT(*), MAX(v) FROM batch_" + table + " WHERE id >= ?")) {
                p.setInt(1, 0);
                try (ResultSet rs = p.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(500);
                    assertThat(rs.getString(2)).isEqualTo("value 99");
                }
            }
            assertThat(sessionStatus(s, "Com_stmt_execute")).isGreaterThanOrEqualTo(502);
        }
    }

    @Test
    void aLargeResultStreamsThroughCompressed() throws SQLException {
        // About 25 MB of rows, read as a stream: the operator relays them with backpressure.
        try (Connection c = connect("sslMode=DISABLED");
                Statement s = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            s.setFetchSize(Integer.MIN_VALUE);
            long rows = 0;
            long sum = 0;
            try (ResultSet rs = s.executeQuery("SELECT seq, REPEAT(CHAR(65 + seq % 26), 250) FROM seq_1_to_100000")) {
                while (rs.next()) {
                    rows++;
                    sum += rs.getLong(1);
                    if (rows % 25_000 == 0) {
                        assertThat(rs.getString(2)).hasSize(250).matches("([A-Z])\\1*");
                    }
                }
            }
            assertThat(rows).isEqualTo(100_000);
            assertThat(sum).isEqualTo(100_000L * 100_001 / 2);
            try (ResultSet rs = s.executeQuery("SELECT 42")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(42);
            }
        }
    }

    @Test
    void aValueOverSixteenMebibytesBothWays() throws Exception {
        // Split into two packets, and each way into two compressed packets of at most 16 MiB - 1.
        byte[] value = new byte[20 * 1024 * 1024];
        byte[] half = blob();
        for (int i = 0; i < value.length; i += half.length) {
            System.arraycopy(half, 0, value, i, Math.min(half.length, value.length - i));
        }
        try (Connection c = connect("sslMode=DISABLED", "useServerPrepStmts=true");
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE huge (id INT PRIMARY KEY, data LONGBLOB)");
            try (PreparedStatement p = c.prepareStatement("INSERT INTO huge VALUES (1, ?)")) {
                p.setBytes(1, value);
                assertThat(p.executeUpdate()).isEqualTo(1);
            }
            assertThat(scalar(s, "SELECT SHA2(data, 256) FROM huge")).isEqualTo(sha256(value));
            try (PreparedStatement p = c.prepareStatement("SELECT data FROM huge WHERE id = ?")) {
                p.setInt(1, 1);
                try (ResultSet rs = p.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getBytes(1)).isEqualTo(value);
                }
            }
        }
    }

    @Test
    void changeUserAndLocalInfileStayCompressed() throws Exception {
        StringBuilder csv = new StringBuilder();
        for (int i = 1; i <= 20_000; i++) {
            csv.append(i).append(",row ").append(i).append('\n');
        }
        Path file = Files.writeString(work.resolve("rows.csv"), csv, UTF_8);
        try (Connection c = connect("sslMode=DISABLED", "allowLoadLocalInfile=true");
                Statement s = c.createStatement()) {
            assertThat(negotiatedCompression(c)).isTrue();
            s.execute("CREATE TEMPORARY TABLE loaded (id INT PRIMARY KEY, name VARCHAR(40))");
            assertThat(s.executeUpdate("LOAD DATA LOCAL INFILE '" + file + "' INTO TABLE loaded"
                    + " FIELDS TERMINATED BY ','")).isEqualTo(20_000);
            assertThat(scalar(s, "SELECT CONCAT(COUNT(*), ' ', MAX(id), ' ', MIN(name)) FROM loaded"))
                    .isEqualTo("20000 20000 row 1");

            JdbcConnection jdbc = c.unwrap(JdbcConnection.class);
            jdbc.changeUser("zipper", "zipper-pw");
            assertThat(scalar(s, "SELECT CURRENT_USER()")).isEqualTo("zipper@%");
            assertThat(scalar(s, "SELECT COUNT(*) FROM items")).isEqualTo("100");
            jdbc.changeUser("root", db.rootPassword());
            assertThat(scalar(s, "SELECT CURRENT_USER()")).startsWith("root@");
            assertThat(negotiatedCompression(c)).isTrue();
        }
    }

    @Test
    void mariaDbConnectorJWithCompression() throws Exception {
        try (Connection c = DriverManager.getConnection(operator.jdbcUrl(DATABASE, "sslMode=disable",
                "useCompression=true"), "root", db.rootPassword());
                Statement s = c.createStatement()) {
            assertThat(scalar(s, "SELECT GROUP_CONCAT(name ORDER BY id) FROM items")).endsWith("item 99,item 100");
            byte[] blob = blob();
            try (PreparedStatement p = c.prepareStatement("SELECT ?, SHA2(?, 256)")) {
                p.setBytes(1, blob);
                p.setBytes(2, blob);
                try (ResultSet rs = p.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getBytes(1)).isEqualTo(blob);
                    assertThat(rs.getString(2)).isEqualTo(sha256(blob));
                }
            }
        }
    }

    @Test
    void mariadbCompressGivesTheSameOutputAsTheEngine() throws Exception {
        String sql = "SELECT id, name, price FROM items WHERE id % 9 = 0 ORDER BY id;"
                + " SELECT REPEAT('compress me ', 20000) AS big, NULL AS n, 'x\ty' AS tab;"
                + " SELECT @@autocommit, DATABASE()";
        for (String format : List.of("--batch", "--table")) {
            var direct = mariadb(db.port(), null, "--compress", format, "-e", sql).assertSuccess();
            var proxied = mariadb(operator.port(), null, "--compress", format, "-e", sql).assertSuccess();
            assertThat(proxied.stdout()).as(format).isEqualTo(direct.stdout()).contains("compress me compress me");
        }

        StringBuilder csv = new StringBuilder();
        for (int i = 1; i <= 5000; i++) {
            csv.append(i).append("\tline ").append(i).append('\n');
        }
        Path data = Files.writeString(work.resolve("lines.tsv"), csv, UTF_8);
        Path script = Files.writeString(work.resolve("script.sql"), """
                CREATE TEMPORARY TABLE tsv (id INT PRIMARY KEY, text VARCHAR(40));
                LOAD DATA LOCAL INFILE '%s' INTO TABLE tsv;
                SELECT COUNT(*), SUM(id), MAX(text) FROM tsv;
                SELECT id, text FROM tsv WHERE id %% 1000 = 0 ORDER BY id;
                SELECT * FROM no_such_table;
                """.formatted(data), UTF_8);
        var direct = mariadb(db.port(), script, "--compress", "--local-infile=1", "--force");
        var proxied = mariadb(operator.port(), script, "--compress", "--local-infile=1", "--force");
        assertThat(direct.stdout()).as(direct.output()).contains("5000\t12502500\tline 999");
        assertThat(proxied.stdout()).as(proxied.output()).isEqualTo(direct.stdout());
        assertThat(proxied.stderr()).isEqualTo(direct.stderr()).contains("ERROR 1146 (42S02)");
        assertThat(proxied.exitCode()).isEqualTo(direct.exitCode());
    }

    /**
     * libmariadb (here under Debian's mysqlclient for Python) numbers the packets of a LOCAL INFILE
     * file from the compressed sequence. When the request follows other results of one multi-statement
     * command, those numbers differ from what the engine expects; the operator renumbers them.
     */
    @Test
    void localInfileAfterOtherResultsOfOneMultiStatementCommand() throws Exception {
        Path data = Files.writeString(work.resolve("after.tsv"), "1\tone\n2\ttwo\n3\tthree\n", UTF_8);
        Path program = Files.writeString(work.resolve("after.py"), """
                import sys, MySQLdb
                from MySQLdb.constants import CLIENT
                port, password, database, data, compress = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
                options = {"compress": 1} if compress == "1" else {}
                c = MySQLdb.connect(host="127.0.0.1", port=int(port), user="root", passwd=password, db=database,
                                    local_infile=1, client_flag=CLIENT.MULTI_STATEMENTS, **options)
                cur = c.cursor()
                cur.execute("CREATE TEMPORARY TABLE after_results (id INT, name VARCHAR(10))")
                cur.execute("DO 1; SELECT 2; LOAD DATA LOCAL INFILE '%s' INTO TABLE after_results; SELECT 4" % data)
                results = []
                while True:
                    results.append(list(cur.fetchall() or []))
                    if not cur.nextset():
                        break
                cur.execute("SELECT id, name FROM after_results ORDER BY id")
                print(results, cur.fetchall())
                """, UTF_8);
        // Debian's interpreter, which has Debian's python3-mysqldb (another python3 may come first on PATH).
        String python = Requirements.executable(Path.of("/usr/bin/python3"), "apt-get install -y python3 python3-mysqldb");
        Requirements.commandSucceeds("Python's MySQLdb (mysqlclient)", "apt-get install -y python3-mysqldb",
                List.of(python, "-c", "import MySQLdb"));
        for (String compress : List.of("0", "1")) {
            List<String> direct = List.of(python, program.toString(), Integer.toString(db.port()), db.rootPassword(),
                    DATABASE, data.toString(), compress);
            List<String> proxied = new ArrayList<>(direct);
            proxied.set(2, Integer.toString(operator.port()));
            var expected = ClientProcess.run(direct).assertSuccess();
            assertThat(expected.stdout()).contains("(1, 'one'), (2, 'two'), (3, 'three')");
            var actual = ClientProcess.run(proxied);
            assertThat(actual.stdout()).as("compress=" + compress + ": " + actual.output()).isEqualTo(expected.stdout());
        }
    }

    @Test
    void mariadbStatusShowsTheCompressedProtocolWithAndWithoutTls() {
        var plain = mariadb(operator.port(), null, "--compress", "--skip-ssl", "-e", "status").assertSuccess();
        assertThat(plain.stdout()).as(plain.output()).containsPattern("Protocol:\\s+Compressed")
                .containsPattern("SSL:\\s+Not in use");
        var tls = mariadb(operator.port(), null, "--compress", "--ssl", "--ssl-verify-server-cert=0", "-e", "status")
                .assertSuccess();
        assertThat(tls.stdout()).as(tls.output()).containsPattern("Protocol:\\s+Compressed")
                .containsPattern("SSL:\\s+Cipher in use is \\S+");
        var uncompressed = mariadb(operator.port(), null, "--skip-ssl", "-e", "status").assertSuccess();
        assertThat(uncompressed.stdout()).doesNotContainPattern("Protocol:\\s+Compressed");
    }

    /** Runs {@code mariadb} against {@code port} in the test database as root, reading {@code script} (or nothing). */
    private static ClientProcess.Result mariadb(int port, Path script, String... options) {
        List<String> command = new ArrayList<>(List.of(ClientProcess.require("mariadb", "mariadb-client"),
                "--no-defaults", "--protocol=TCP", "-h127.0.0.1", "-P" + port, "-uroot",
                "--password=" + db.rootPassword(), "--default-character-set=utf8mb4"));
        command.addAll(List.of(options));
        command.add(DATABASE);
        return ClientProcess.run(command, script);
    }

    /** Half random bytes, half repeated text: deterministic. */
    private static byte[] blob() {
        byte[] blob = new byte[BLOB_BYTES];
        new Random(7).nextBytes(blob);
        byte[] text = "FluxDB compressed protocol. ".getBytes(UTF_8);
        for (int i = BLOB_BYTES / 2; i < BLOB_BYTES; i++) {
            blob[i] = text[i % text.length];
        }
        return blob;
    }

    private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static String scalar(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    private static long sessionStatus(Statement s, String variable) throws SQLException {
        try (ResultSet rs = s.executeQuery("SHOW SESSION STATUS LIKE '" + variable + "'")) {
            assertThat(rs.next()).as(variable).isTrue();
            return rs.getLong(2);
        }
    }
}
