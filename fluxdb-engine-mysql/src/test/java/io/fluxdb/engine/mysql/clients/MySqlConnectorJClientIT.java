package io.fluxdb.engine.mysql.clients;

import static io.fluxdb.engine.mysql.clients.JdbcQueries.row;
import static io.fluxdb.engine.mysql.clients.JdbcQueries.scalar;
import static io.fluxdb.engine.mysql.clients.JdbcQueries.sessionStatus;
import static io.fluxdb.engine.mysql.clients.JdbcQueries.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** MySQL Connector/J (com.mysql.cj) through the operator, alone and behind HikariCP. */
@ExtendWith(MariaDbExtension.class)
class MySqlConnectorJClientIT {
    private static final String DATABASE = "cj";
    /** MySQL 8+ clients start with this plugin; the engine's accounts are mysql_native_password. */
    private static final String CACHING_SHA2 = "defaultAuthenticationPlugin=caching_sha2_password";
    /**
     * The transports of the caching_sha2_password tests: TLS, and plain TCP with and without
     * allowPublicKeyRetrieval (which a caching_sha2 full authentication over plain TCP needs). The
     * test engine has no TLS, so directly the first one runs over plain TCP.
     */
    private static final List<List<String>> SHA2_TRANSPORTS = List.of(
            List.of("sslMode=REQUIRED", "trustServerCertificate=true"),
            List.of("sslMode=DISABLED"),
            List.of("sslMode=DISABLED", "allowPublicKeyRetrieval=true"));
    private static final String SHA2_USER = "cj_sha2";
    private static final List<String> ACCOUNTS = List.of(SHA2_USER, "cj_pool");
    /** What HikariCP resets on a returned connection, and the user variable that names the session. */
    private static final String SESSION_STATE =
            "SELECT @@autocommit, @@tx_isolation, @@tx_read_only, DATABASE(), @marker";

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
            for (String account : ACCOUNTS) {
                s.execute("CREATE USER '" + account + "'@'%' IDENTIFIED BY '" + passwordOf(account) + "'");
                s.execute("GRANT ALL ON " + DATABASE + ".* TO '" + account + "'@'%'");
            }
        }
    }

    private static String passwordOf(String account) {
        return "pw-" + account;
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

    /**
     * A client that starts with caching_sha2_password against a mysql_native_password account is
     * switched to mysql_native_password with an AuthSwitchRequest, by MariaDB and by the operator
     * alike, so it logs in over every transport, every time, as directly. (Before, the operator ran
     * caching_sha2_password itself: the driver then needed allowPublicKeyRetrieval over plain TCP,
     * and in front of MariaDB 10.x, which announces {@code 5.5.5-10.x}, it misread the exchange
     * with "Unknown server response after fast auth.")
     */
    @Test
    void cachingSha2ClientOfANativeAccountLogsInAsDirectly() throws SQLException {
        try (Connection c = directRoot()) {
            assertThat(text(c, "SELECT plugin FROM mysql.user WHERE user = '" + SHA2_USER + "'"))
                    .isEqualTo("mysql_native_password");
        }
        String query = "SELECT CURRENT_USER(), COUNT(*) FROM items";
        for (List<String> transport : SHA2_TRANSPORTS) {
            for (int i = 0; i < 2; i++) {
                List<String> direct;
                try (Connection c = sha2Connect(db.port(), passwordOf(SHA2_USER), directly(transport))) {
                    direct = row(c, query);
                }
                try (Connection c = sha2Connect(operator.port(), passwordOf(SHA2_USER), transport)) {
                    assertThat(row(c, query)).as("%s", transport).isEqualTo(direct)
                            .containsExactly(SHA2_USER + "@%", "100");
                }
            }
        }
    }

    /**
     * A wrong password is 1045 / 28000 with MariaDB's own message over every transport, as
     * directly, also after the account has logged in (nothing is cached for it).
     */
    @Test
    void cachingSha2WrongPasswordIsError1045AsDirectly() throws SQLException {
        for (int round = 0; round < 2; round++) {
            for (List<String> transport : SHA2_TRANSPORTS) {
                SQLException direct = sha2LoginError(db.port(), directly(transport));
                assertThat(direct.getErrorCode()).isEqualTo(1045);
                assertThat(direct.getSQLState()).isEqualTo("28000");
                assertThat(direct.getMessage()).startsWith("Access denied for user '" + SHA2_USER + "'@");
                assertSameError(sha2LoginError(operator.port(), transport), direct);
            }
            try (Connection c = sha2Connect(operator.port(), passwordOf(SHA2_USER), SHA2_TRANSPORTS.get(1))) {
                assertThat(text(c, "SELECT CURRENT_USER()")).isEqualTo(SHA2_USER + "@%");
            }
        }
    }

    /** The test engine has no TLS: a TLS transport of the operator's is compared with plain TCP directly. */
    private static List<String> directly(List<String> transport) {
        return transport.contains("sslMode=REQUIRED") ? List.of("sslMode=DISABLED") : transport;
    }

    private static Connection sha2Connect(int port, String password, List<String> transport) throws SQLException {
        List<String> properties = new ArrayList<>(transport);
        properties.add(CACHING_SHA2);
        return connect(port, SHA2_USER, password, properties.toArray(String[]::new));
    }

    private static SQLException sha2LoginError(int port, List<String> transport) {
        try {
            sha2Connect(port, "wrong", transport).close();
        } catch (SQLException e) {
            return e;
        }
        throw new AssertionError("logged in with a wrong password on port " + port + " with " + transport);
    }

    private static void assertSameError(SQLException actual, SQLException expected) {
        assertThat(actual.getErrorCode()).as(actual.toString()).isEqualTo(expected.getErrorCode());
        assertThat(actual.getSQLState()).as(actual.toString()).isEqualTo(expected.getSQLState());
        assertThat(actual.getMessage()).isEqualTo(expected.getMessage());
    }

    /**
     * HikariCP in front of the driver, through the operator and directly, must observe the same:
     * every borrow of 16 threads lands on one of the pool's few sessions, and a connection given
     * back with its state changed comes out again reset by the pool.
     */
    @Test
    void hikariPoolInFront() throws Exception {
        PoolRun direct = runPool(db.port(), "pool_direct");
        PoolRun proxied = runPool(operator.port(), "pool_proxied");
        assertThat(direct.rows()).isEqualTo(16 * 25);
        // Dirty: autocommit off, SERIALIZABLE, in information_schema. Borrowed again: the same session
        // (its user variable is still set), back to autocommit, REPEATABLE-READ and the pool's database,
        // and the open transaction rolled back.
        assertThat(direct.resetState().get(0)).startsWith("0", "SERIALIZABLE").contains("information_schema", "marked");
        assertThat(direct.resetState().get(1)).startsWith("1", "REPEATABLE-READ").contains(DATABASE, "marked");
        assertThat(direct.resetState().get(2)).containsExactly("0");
        assertThat(proxied.rows()).isEqualTo(direct.rows());
        assertThat(proxied.resetState()).isEqualTo(direct.resetState());
        // 400 borrows served by at most the pool's four sessions; how many of them depends on timing.
        assertThat(direct.sessionsUsed()).isBetween(1, 4);
        assertThat(proxied.sessionsUsed()).isBetween(1, 4);
        // The pool's sessions ended at shutdown: the engine serves no connection of the account in the
        // database any more (the operator parks the engine connections it keeps elsewhere).
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            try (Connection c = directRoot()) {
                assertThat(scalar(c, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = 'cj_pool'"
                        + " AND DB = '" + DATABASE + "'")).isZero();
            }
        });
    }

    /** What one pool run saw. */
    private record PoolRun(long rows, int sessionsUsed, List<List<String>> resetState) {
    }

    private static PoolRun runPool(int port, String table) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url(port, "sslMode=DISABLED", "allowPublicKeyRetrieval=true"));
        config.setUsername("cj_pool");
        config.setPassword(passwordOf("cj_pool"));
        config.setMaximumPoolSize(4);
        config.setPoolName(table);
        // Without a configured catalog HikariCP leaves a changed one as it is.
        config.setCatalog(DATABASE);
        HikariDataSource pool = new HikariDataSource(config);
        long rows;
        Set<Long> sessions = new HashSet<>();
        List<List<String>> resetState;
        try (pool) {
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, worker INT, session BIGINT)");
            }
            // Each session gets a number in a user variable the first time it is borrowed; user variables
            // survive a return to the pool, so the numbers tell which session served each borrow.
            try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> done = new ArrayList<>();
                for (int w = 0; w < 16; w++) {
                    int worker = w;
                    done.add(workers.submit(() -> {
                        for (int i = 0; i < 25; i++) {
                            try (Connection c = pool.getConnection();
                                    PreparedStatement p = c.prepareStatement("INSERT INTO " + table
                                            + " VALUES (?, ?, @session := COALESCE(@session, ?))")) {
                                p.setInt(1, worker * 1000 + i);
                                p.setInt(2, worker);
                                p.setLong(3, worker * 1000L + i);
                                p.executeUpdate();
                                assertThat(scalar(c, "SELECT COUNT(*) FROM items")).isEqualTo(100);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            }
            try (Connection c = pool.getConnection();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT DISTINCT session FROM " + table)) {
                while (rs.next()) {
                    sessions.add(rs.getLong(1));
                }
                rows = scalar(c, "SELECT COUNT(*) FROM " + table);
            }
            resetState = returnDirtyAndBorrowAgain(pool, table);
            assertThat(pool.getHikariPoolMXBean().getTotalConnections()).isBetween(1, 4);
        }
        assertThat(pool.isClosed()).isTrue();
        return new PoolRun(rows, sessions.size(), resetState);
    }

    /**
     * Borrows one connection, changes everything HikariCP resets (autocommit with an open
     * transaction, isolation, read-only, catalog), gives it back, then borrows every connection of
     * the pool at once to find that session again by its user variable. Returns the session's
     * state while dirty, its state when borrowed again, and whether the uncommitted row survived.
     */
    private static List<List<String>> returnDirtyAndBorrowAgain(HikariDataSource pool, String table)
            throws SQLException {
        List<String> dirty;
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("SET @marker = 'marked'");
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            s.execute("INSERT INTO " + table + " VALUES (-1, -1, -1)");
            c.setCatalog("information_schema");
            c.setReadOnly(true);
            dirty = row(c, SESSION_STATE);
        }
        List<Connection> all = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                all.add(pool.getConnection());
            }
            for (Connection c : all) {
                List<String> again = row(c, SESSION_STATE);
                if ("marked".equals(again.get(4))) {
                    return List.of(dirty, again,
                            row(c, "SELECT COUNT(*) FROM " + DATABASE + "." + table + " WHERE id = -1"));
                }
            }
            throw new AssertionError("the returned session was not handed out again");
        } finally {
            for (Connection c : all) {
                c.close();
            }
        }
    }

    private static Connection directRoot() throws SQLException {
        return DriverManager.getConnection(db.jdbcUrl(""), "root", db.rootPassword());
    }

    private static String url(int port, String... properties) {
        return "jdbc:mysql://127.0.0.1:" + port + "/" + DATABASE + "?" + String.join("&", properties);
    }

    private static Connection connect(int port, String user, String password, String... properties)
            throws SQLException {
        return DriverManager.getConnection(url(port, properties), user, password);
    }
}
