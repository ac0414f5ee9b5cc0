package io.fluxdb.engine.mysql.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fluxdb.engine.mysql.testing.TestOperator;
import io.fluxdb.testkit.MariaDbExtension;
import io.fluxdb.testkit.MariaDbProcess;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Row;
import io.r2dbc.spi.RowMetadata;
import io.r2dbc.spi.Statement;
import io.r2dbc.spi.ValidationDepth;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reactive drivers (R2DBC) through the operator: asyncer's r2dbc-mysql and MariaDB's r2dbc-mariadb,
 * each with client-side and server-side prepared statements. One scenario runs directly against
 * MariaDB, through the operator in plain TCP and through the operator over TLS (the test engine has
 * no certificate); what the application observes must be equal, and the direct run must show every
 * step at work. The drivers are used through their blocking bridges, each call with a timeout.
 */
@ExtendWith(MariaDbExtension.class)
class R2dbcClientIT {
    private static final String DATABASE = "r2dbc";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int STREAMED_ROWS = 1000;
    private static final String UNICODE = "caf\u00e9 \u65e5\u672c \uD83D\uDE00\uD83D\uDC2C";
    private static final byte[] BLOB = blob();
    private static final LocalDateTime WHEN = LocalDateTime.of(2026, 2, 28, 23, 59, 58, 123_456_000);

    private static MariaDbProcess db;
    private static TestOperator operator;

    /** A driver and its options for plain TCP, TLS without verification, and server-side prepares. */
    enum Client {
        R2DBC_MYSQL("mysql", "DISABLED", "REQUIRED", "useServerPrepareStatement", false),
        R2DBC_MYSQL_SERVER_PREPARE("mysql", "DISABLED", "REQUIRED", "useServerPrepareStatement", true),
        R2DBC_MARIADB("mariadb", "disable", "trust", "useServerPrepStmts", false),
        R2DBC_MARIADB_SERVER_PREPARE("mariadb", "disable", "trust", "useServerPrepStmts", true);

        final String driver;
        final String plain;
        final String tls;
        final String serverPrepareOption;
        final boolean serverPrepare;

        Client(String driver, String plain, String tls, String serverPrepareOption, boolean serverPrepare) {
            this.driver = driver;
            this.plain = plain;
            this.tls = tls;
            this.serverPrepareOption = serverPrepareOption;
            this.serverPrepare = serverPrepare;
        }

        Connection connect(String host, int port, String sslMode, String password) {
            ConnectionFactoryOptions options = ConnectionFactoryOptions.builder()
                    .option(ConnectionFactoryOptions.DRIVER, driver)
                    .option(ConnectionFactoryOptions.HOST, host)
                    .option(ConnectionFactoryOptions.PORT, port)
                    .option(ConnectionFactoryOptions.USER, "root")
                    .option(ConnectionFactoryOptions.PASSWORD, password)
                    .option(ConnectionFactoryOptions.DATABASE, DATABASE)
                    .option(ConnectionFactoryOptions.CONNECT_TIMEOUT, TIMEOUT)
                    .option(Option.valueOf("sslMode"), sslMode)
                    .option(Option.valueOf(serverPrepareOption), serverPrepare)
                    .build();
            return Mono.from(ConnectionFactories.get(options).create()).block(TIMEOUT);
        }
    }

    @BeforeAll
    static void start(MariaDbProcess server) {
        db = server;
        operator = TestOperator.start(db);
    }

    @AfterAll
    static void stop() {
        if (operator != null) {
            operator.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Client.class)
    void scenarioObservesTheSameThroughTheOperatorPlainAndTlsAsDirectly(Client client) throws SQLException {
        Observed direct = runScenario(() -> client.connect(db.host(), db.port(), client.plain, db.rootPassword()));
        Observed plain = runScenario(
                () -> client.connect(operator.host(), operator.port(), client.plain, db.rootPassword()));
        Observed tls = runScenario(
                () -> client.connect(operator.host(), operator.port(), client.tls, db.rootPassword()));

        assertScenarioDidItsJob(direct);
        // Server-side prepares only where asked for: the parameters really took both paths.
        assertThat(direct.preparedOnTheServer()).isEqualTo(client.serverPrepare);
        assertThat(plain).isEqualTo(direct);
        assertThat(tls).isEqualTo(direct);
    }

    /** The TLS mode really asks for TLS: the test engine, which has none, refuses it directly. */
    @ParameterizedTest
    @EnumSource(value = Client.class, names = {"R2DBC_MYSQL", "R2DBC_MARIADB"})
    void tlsModeIsRefusedByTheEngineWithoutTls(Client client) {
        assertThatThrownBy(() -> client.connect(db.host(), db.port(), client.tls, db.rootPassword()))
                .satisfies(e -> assertThat(chain(e)).containsIgnoringCase("ssl"));
    }

    @ParameterizedTest
    @EnumSource(value = Client.class, names = {"R2DBC_MYSQL", "R2DBC_MARIADB"})
    void wrongPasswordIsAccessDeniedAsDirectly(Client client) {
        String direct = connectError(() -> client.connect(db.host(), db.port(), client.plain, "wrong"));
        String throughOperator =
                connectError(() -> client.connect(operator.host(), operator.port(), client.plain, "wrong"));
        assertThat(direct).startsWith("1045 28000 Access denied for user 'root'@");
        assertThat(throughOperator).isEqualTo(direct);
    }

    /** What the application saw, step by step; compared as a whole between the runs. */
    record Observed(
            List<Long> generatedIds,
            List<String> typedRows,
            boolean preparedOnTheServer,
            int streamedRows,
            long streamedSum,
            String firstStreamed,
            String lastStreamed,
            List<Long> rowsAfterTransactions,
            List<String> errors,
            long afterErrors,
            boolean validBeforeClose,
            boolean validAfterClose) {}

    private static void assertScenarioDidItsJob(Observed o) {
        assertThat(o.generatedIds()).containsExactly(1L, 2L, 3L);
        assertThat(o.typedRows()).containsExactly(
                "1|2147483647|9223372036854775807|12345678901234.567890|" + UNICODE + "|"
                        + HexFormat.of().formatHex(BLOB) + "|" + WHEN,
                "2|-2147483648|-9223372036854775808|-0.000001|" + UNICODE + UNICODE + "|00|" + WHEN.withNano(0),
                "3|null|null|null|null|null|null");
        assertThat(o.streamedRows()).isEqualTo(STREAMED_ROWS);
        assertThat(o.streamedSum()).isEqualTo(STREAMED_ROWS * (STREAMED_ROWS + 1L) / 2);
        assertThat(o.firstStreamed()).isEqualTo("1 row 1");
        assertThat(o.lastStreamed()).isEqualTo(STREAMED_ROWS + " row " + STREAMED_ROWS);
        // After the committed transaction one more row; after the rolled back one, still the same.
        assertThat(o.rowsAfterTransactions()).containsExactly(4L, 4L);
        assertThat(o.errors()).hasSize(2);
        assertThat(o.errors().get(0)).startsWith("1062 23000 Duplicate entry '1' for key 'PRIMARY'");
        assertThat(o.errors().get(1)).startsWith("1146 42S02 Table 'r2dbc.missing' doesn't exist");
        assertThat(o.afterErrors()).isEqualTo(1);
        assertThat(o.validBeforeClose()).isTrue();
        assertThat(o.validAfterClose()).isFalse();
    }

    /** Runs the scenario in an empty database on a connection that {@code connect} opens. */
    private static Observed runScenario(Supplier<Connection> connect) throws SQLException {
        recreateDatabase();
        Connection c = connect.get();
        try {
            update(c, "CREATE TABLE typed (id BIGINT AUTO_INCREMENT PRIMARY KEY, i INT, big BIGINT,"
                    + " dec_value DECIMAL(20, 6), text VARCHAR(100), data BLOB, at DATETIME(6))"
                    + " CHARACTER SET utf8mb4");
            update(c, "CREATE TABLE streamed (n INT PRIMARY KEY, label VARCHAR(20))");

            List<Long> ids = new ArrayList<>();
            ids.add(insertTyped(c, s -> s.bind(0, Integer.MAX_VALUE).bind(1, Long.MAX_VALUE)
                    .bind(2, new BigDecimal("12345678901234.567890")).bind(3, UNICODE)
                    .bind(4, ByteBuffer.wrap(BLOB)).bind(5, WHEN)));
            ids.add(insertTyped(c, s -> s.bind(0, Integer.MIN_VALUE).bind(1, Long.MIN_VALUE)
                    .bind(2, new BigDecimal("-0.000001")).bind(3, UNICODE + UNICODE)
                    .bind(4, ByteBuffer.wrap(new byte[1])).bind(5, WHEN.withNano(0))));
            ids.add(insertTyped(c, s -> s.bindNull(0, Integer.class).bindNull(1, Long.class)
                    .bindNull(2, BigDecimal.class).bindNull(3, String.class)
                    .bindNull(4, ByteBuffer.class).bindNull(5, LocalDateTime.class)));
            Statement select = c.createStatement("SELECT id, i, big, dec_value, text, data, at FROM typed"
                    + " WHERE id >= ? ORDER BY id").bind(0, 1);
            List<String> typedRows = query(select, (row, unused) -> typedRow(row));
            boolean prepared = Long.parseLong(query(c.createStatement("SHOW SESSION STATUS LIKE 'Com_stmt_prepare'"),
                    (row, unused) -> row.get(1, String.class)).getFirst()) > 0;

            update(c, "INSERT INTO streamed SELECT seq, CONCAT('row ', seq) FROM seq_1_to_" + STREAMED_ROWS);
            List<String> streamed = query(c.createStatement("SELECT n, label FROM streamed ORDER BY n"),
                    (row, unused) -> row.get(0, Integer.class) + " " + row.get(1, String.class));
            long sum = streamed.stream().mapToLong(line -> Long.parseLong(line.split(" ")[0])).sum();

            List<Long> afterTransactions = new ArrayList<>();
            Mono.from(c.beginTransaction()).block(TIMEOUT);
            update(c, "INSERT INTO typed (i) VALUES (100)");
            Mono.from(c.commitTransaction()).block(TIMEOUT);
            afterTransactions.add(count(c, "SELECT COUNT(*) FROM typed"));
            Mono.from(c.beginTransaction()).block(TIMEOUT);
            update(c, "INSERT INTO typed (i) VALUES (200)");
            Mono.from(c.rollbackTransaction()).block(TIMEOUT);
            afterTransactions.add(count(c, "SELECT COUNT(*) FROM typed"));

            List<String> errors = new ArrayList<>();
            errors.add(error(() -> update(c.createStatement("INSERT INTO typed (id, i) VALUES (?, ?)")
                    .bind(0, 1L).bind(1, 1))));
            errors.add(error(() -> count(c, "SELECT COUNT(*) FROM missing")));
            long afterErrors = count(c, "SELECT 1");

            boolean validBefore = Mono.from(c.validate(ValidationDepth.REMOTE)).block(TIMEOUT);
            Mono.from(c.close()).block(TIMEOUT);
            boolean validAfter = Mono.from(c.validate(ValidationDepth.REMOTE)).block(TIMEOUT);
            return new Observed(ids, typedRows, prepared, streamed.size(), sum, streamed.getFirst(), streamed.getLast(),
                    afterTransactions, errors, afterErrors, validBefore, validAfter);
        } finally {
            Mono.from(c.close()).block(TIMEOUT);
        }
    }

    /** Inserts one row into {@code typed} with six bound parameters and returns the generated id. */
    private static long insertTyped(Connection c, UnaryOperator<Statement> bind) {
        Statement insert = bind.apply(c.createStatement(
                        "INSERT INTO typed (i, big, dec_value, text, data, at) VALUES (?, ?, ?, ?, ?, ?)"))
                .returnGeneratedValues("id");
        List<Long> ids = query(insert, (row, unused) -> row.get(0, Long.class));
        assertThat(ids).hasSize(1);
        return ids.getFirst();
    }

    private static String typedRow(Row row) {
        ByteBuffer data = row.get(5, ByteBuffer.class);
        String hex = data == null ? null : HexFormat.of().formatHex(bytes(data));
        return row.get(0, Long.class) + "|" + row.get(1, Integer.class) + "|" + row.get(2, Long.class) + "|"
                + row.get(3, BigDecimal.class) + "|" + row.get(4, String.class) + "|" + hex + "|"
                + row.get(6, LocalDateTime.class);
    }

    private static <T> List<T> query(Statement statement, BiFunction<Row, RowMetadata, T> mapper) {
        return Flux.from(statement.execute())
                .concatMap(result -> result.map(mapper))
                .collectList()
                .block(TIMEOUT);
    }

    private static long count(Connection c, String sql) {
        return query(c.createStatement(sql), (row, unused) -> row.get(0, Long.class)).getFirst();
    }

    private static long update(Connection c, String sql) {
        return update(c.createStatement(sql));
    }

    private static long update(Statement statement) {
        return Flux.from(statement.execute())
                .concatMap(Result::getRowsUpdated)
                .reduce(0L, Long::sum)
                .block(TIMEOUT);
    }

    /** The R2DBC error {@code work} raises, as "code SQLSTATE message". */
    private static String error(Runnable work) {
        try {
            work.run();
            return "no error";
        } catch (R2dbcException e) {
            return e.getErrorCode() + " " + e.getSqlState() + " " + e.getMessage();
        }
    }

    /**
     * The server's error that {@code connect} fails with, as "code SQLSTATE message": the innermost
     * R2DBC error of the chain, since r2dbc-mariadb wraps it in one of its own (9000 H1000) that
     * names the address, which differs between the engine and the operator.
     */
    private static String connectError(Runnable connect) {
        try {
            connect.run();
            return "connected";
        } catch (RuntimeException e) {
            R2dbcException innermost = null;
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof R2dbcException r) {
                    innermost = r;
                }
            }
            return innermost == null ? e.toString()
                    : innermost.getErrorCode() + " " + innermost.getSqlState() + " " + innermost.getMessage();
        }
    }

    private static void recreateDatabase() throws SQLException {
        try (java.sql.Connection c = DriverManager.getConnection(db.jdbcUrl(""), "root", db.rootPassword());
                java.sql.Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + DATABASE);
            s.execute("CREATE DATABASE " + DATABASE + " CHARACTER SET utf8mb4");
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    /** Every byte value, then UTF-8 text, so that no byte is mangled unnoticed. */
    private static byte[] blob() {
        byte[] text = UNICODE.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[256 + text.length];
        for (int i = 0; i < 256; i++) {
            out[i] = (byte) i;
        }
        System.arraycopy(text, 0, out, 256, text.length);
        return out;
    }

    private static String chain(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t).append('\n');
        }
        return all.toString();
    }
}
