package io.fluxdb.server.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/**
 * Writing through a follower: its client's writes run on the leader over a forwarded session logged in as the same
 * user, with the session state the client set on the follower, and the answers reach the client as from MariaDB
 * directly. Every node ends with the same rows.
 */
@Timeout(300)
class ForwardedSessionIT {
    private static TestCluster cluster;
    private static int leader;
    private static int follower;
    private static int third;

    @RegisterExtension
    static final SharedCluster nodes = SharedCluster.withAppAccount(
            "CREATE USER 'reader'@'%' IDENTIFIED BY 'reader-password'",
            "GRANT SELECT ON app.* TO 'reader'@'%'",
            "CREATE DATABASE other",
            "GRANT ALL ON other.* TO 'app'@'%'",
            "GRANT ALL ON `used%`.* TO 'app'@'%'",
            "GRANT ALL ON `selected%`.* TO 'app'@'%'");

    @BeforeAll
    static void roles() {
        cluster = nodes.cluster();
        leader = nodes.leader();
        follower = nodes.follower();
        third = nodes.third();
    }

    @BeforeEach
    void table() throws Exception {
        try (Connection c = cluster.connectRoot(leader); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS app.t");
            s.execute("CREATE TABLE app.t (id INT AUTO_INCREMENT PRIMARY KEY, v INT, u VARCHAR(64), tz VARCHAR(16),"
                    + " mode VARCHAR(200), short_text VARCHAR(3))");
        }
        cluster.awaitConverged();
    }

    @Test
    void anAutocommitWriteOnAFollowerRunsOnceOnTheLeaderAndItsClientReadsItAtOnce() throws Exception {
        try (Connection c = app(follower); Statement s = c.createStatement()) {
            assertThat(s.executeUpdate("INSERT INTO t (v) VALUES (1), (2)", Statement.RETURN_GENERATED_KEYS))
                    .isEqualTo(2);
            try (ResultSet keys = s.getGeneratedKeys()) {
                assertThat(keys.next()).isTrue();
                assertThat(keys.getLong(1)).isEqualTo(1);
            }
            // read-your-writes: the follower waits until it has applied the write the leader ran
            assertThat(count(s, "SELECT COUNT(*) FROM t")).isEqualTo(2);
            assertThat(count(s, "SELECT LAST_INSERT_ID()")).as("the leader's per-connection state").isEqualTo(1);
            assertThat(s.executeUpdate("UPDATE t SET v = v + 10")).isEqualTo(2);
            assertThat(count(s, "SELECT SUM(v) FROM t")).isEqualTo(23);
            long token = count(s, "SELECT @@fluxdb_last_commit");
            assertThat(token).isPositive();
        }
        cluster.assertSameEverywhere("SELECT CONCAT(id, ':', v) FROM app.t ORDER BY id", List.of("1:11", "2:12"));
    }

    @Test
    void theSessionStateSetOnTheFollowerIsTheOneTheLeaderRunsWith() throws Exception {
        String uuid;
        try (Connection c = app(follower); Statement s = c.createStatement()) {
            s.execute("SET @id = UUID()");
            s.execute("SET time_zone = '+05:00', sql_mode = 'NO_ENGINE_SUBSTITUTION,ANSI_QUOTES'");
            try (ResultSet rs = s.executeQuery("SELECT @id")) {
                rs.next();
                uuid = rs.getString(1);
            }
            assertThat(s.executeUpdate("INSERT INTO t (v, u, tz, mode) VALUES (1, @id, @@session.time_zone,"
                    + " @@session.sql_mode)")).isEqualTo(1);
            // ANSI_QUOTES reached the leader: "t" is an identifier there too
            assertThat(s.executeUpdate("UPDATE \"t\" SET v = 2")).isEqualTo(1);
            s.execute("USE other");
            s.execute("CREATE TABLE IF NOT EXISTS o (k INT PRIMARY KEY)");
            assertThat(s.executeUpdate("INSERT INTO o VALUES (7)")).isEqualTo(1);
            assertThat(count(s, "SELECT k FROM o")).isEqualTo(7);
        }
        cluster.assertSameEverywhere("SELECT CONCAT_WS('|', v, u, tz, mode) FROM app.t",
                List.of("2|" + uuid + "|+05:00|ANSI_QUOTES,NO_ENGINE_SUBSTITUTION"));
        cluster.assertSameEverywhere("SELECT k FROM other.o", List.of("7"));
    }

    @Test
    void aTransactionOnAFollowerRunsOnTheLeaderFromItsFirstStatement() throws Exception {
        try (Connection c = app(follower); Statement s = c.createStatement()) {
            s.execute("BEGIN");
            assertThat(count(s, "SELECT COUNT(*) FROM t FOR UPDATE")).isZero();
            s.executeUpdate("INSERT INTO t (v) VALUES (5)");
            assertThat(count(s, "SELECT COUNT(*) FROM t")).as("sees its own uncommitted row").isEqualTo(1);
            s.execute("COMMIT");
            s.execute("START TRANSACTION");
            s.executeUpdate("INSERT INTO t (v) VALUES (6)");
            s.execute("ROLLBACK");
            assertThat(count(s, "SELECT COUNT(*) FROM t")).isEqualTo(1);

            c.setAutoCommit(false);
            s.executeUpdate("INSERT INTO t (v) VALUES (7)");
            assertThat(count(s, "SELECT SUM(v) FROM t")).isEqualTo(12);
            c.commit();
            c.setAutoCommit(true);
            assertThat(count(s, "SELECT SUM(v) FROM t")).isEqualTo(12);
        }
        cluster.assertSameEverywhere("SELECT v FROM app.t ORDER BY v", List.of("5", "7"));
    }

    @Test
    void errorsAndWarningsAreTheLeadersAndPrivilegesAreTheUsersOwn() throws Exception {
        try (Connection c = app(follower); Statement s = c.createStatement()) {
            s.execute("SET sql_mode = ''");
            s.executeUpdate("INSERT INTO t (id, v, short_text) VALUES (1, 1, 'truncated')");
            SQLWarning warning = s.getWarnings();
            assertThat((Object) warning).isNotNull();
            assertThat(warning.getErrorCode()).isEqualTo(1265);
            try (ResultSet rs = s.executeQuery("SHOW WARNINGS")) {
                assertThat(rs.next()).as("SHOW WARNINGS runs where the write ran").isTrue();
                assertThat(rs.getInt("Code")).isEqualTo(1265);
            }
            assertThatThrownBy(() -> s.executeUpdate("INSERT INTO t (id, v) VALUES (1, 2)"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1062));
        }
        cluster.awaitConverged(); // another session's write: only its own session waits for it
        try (Connection c = cluster.connect(follower, "reader", "reader-password"); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.executeUpdate("INSERT INTO t (v) VALUES (9)"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1142));
            assertThat(count(s, "SELECT COUNT(*) FROM t")).isEqualTo(1);
        }
        cluster.assertSameEverywhere("SELECT CONCAT(id, ':', v, ':', short_text) FROM app.t", List.of("1:1:tru"));
    }

    /**
     * ROW_COUNT() and the warning counts describe the client's previous statement, although the operator ran its own
     * statements (XA END, PREPARE, COMMIT, the row-write count) after it, each of which resets the engine's values.
     */
    @Test
    void rowCountAndWarningCountsAfterAWriteAreThoseOfTheWrite() throws Exception {
        for (int node : List.of(leader, follower)) {
            try (Connection c = app(node); Statement s = c.createStatement()) {
                String on = node == leader ? "on the leader" : "on a follower";
                s.execute("SET sql_mode = ''");
                assertThat(s.executeUpdate("INSERT INTO t (v) VALUES (1), (2)")).isEqualTo(2);
                try (ResultSet rs = s.executeQuery("SELECT ROW_COUNT(), ROW_COUNT() AS n")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong(1)).as(on).isEqualTo(2);
                    assertThat(rs.getLong("n")).isEqualTo(2);
                    assertThat(rs.getMetaData().getColumnLabel(1)).isEqualTo("ROW_COUNT()");
                    assertThat(rs.getMetaData().getColumnTypeName(1)).isEqualTo("BIGINT");
                }
                assertThat(count(s, "SELECT ROW_COUNT()")).as("a SELECT leaves -1").isEqualTo(-1);

                s.executeUpdate("INSERT INTO t (v, short_text) VALUES (3, 'truncated')");
                try (ResultSet rs = s.executeQuery("SELECT @@warning_count, @@session.error_count, row_count()")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong(1)).as(on).isEqualTo(1);
                    assertThat(rs.getLong(2)).isZero();
                    assertThat(rs.getLong(3)).isEqualTo(1);
                    assertThat(rs.getMetaData().getColumnLabel(1)).isEqualTo("@@warning_count");
                }
                try (ResultSet rs = s.executeQuery("SHOW WARNINGS")) {
                    assertThat(rs.next()).as("a SELECT of no table keeps the warnings").isTrue();
                    assertThat(rs.getInt("Code")).isEqualTo(1265);
                }

                c.setAutoCommit(false);
                assertThat(s.executeUpdate("UPDATE t SET v = v + 10 WHERE v IN (1, 2)")).isEqualTo(2);
                assertThat(count(s, "SELECT ROW_COUNT()")).as("in a transaction " + on).isEqualTo(2);
                c.commit();
                c.setAutoCommit(true);

                // a negative key: an explicit positive one would move the auto-increment counter for the next node
                s.executeUpdate("INSERT INTO t (id, v) VALUES (" + (-1 - node) + ", 0)");
                assertThatThrownBy(() -> s.executeUpdate("INSERT INTO t (id, v) VALUES (" + (-1 - node) + ", 0)"))
                        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1062));
                assertThat(count(s, "SELECT ROW_COUNT()")).as("after an error " + on).isEqualTo(-1);
            }
        }
    }

    /**
     * USE and COM_INIT_DB run on the follower's engine: they wait, as reads do, until the follower applied the
     * database the session just created through the leader, instead of failing with "Unknown database". So does a
     * new connection that names that database at login.
     */
    @Test
    void aDatabaseCreatedThroughAFollowerCanBeSelectedThereAtOnce() throws Exception {
        try (Connection c = app(follower); Statement s = c.createStatement()) {
            for (int i = 0; i < 5; i++) {
                s.execute("CREATE DATABASE used_" + i);
                s.execute("USE used_" + i);
                assertThat(c.getCatalog()).isEqualTo("used_" + i);
                s.execute("CREATE DATABASE selected_" + i);
                c.setCatalog("selected_" + i); // COM_INIT_DB
                try (ResultSet rs = s.executeQuery("SELECT DATABASE()")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("selected_" + i);
                }
                // a new connection that names it at login: the node catches up with the leader first
                s.execute("CREATE DATABASE used_new_" + i);
                try (Connection fresh = cluster.connect(follower, "used_new_" + i, "app", "app-password");
                        Statement f = fresh.createStatement(); ResultSet rs = f.executeQuery("SELECT DATABASE()")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("used_new_" + i);
                }
            }
            for (int i = 0; i < 5; i++) {
                s.execute("DROP DATABASE used_" + i);
                s.execute("DROP DATABASE selected_" + i);
                s.execute("DROP DATABASE used_new_" + i);
            }
        }
    }

    /**
     * Nodes verify passwords against a cached copy of the engine's accounts: an account change applied from the log
     * refreshes it, so a new password works on every node as soon as the node has applied the change (it used to be
     * refused there for up to 30 s).
     */
    @Test
    void aPasswordChangedThroughTheLeaderWorksOnEveryNodeOnceApplied() throws Exception {
        try (Connection c = cluster.connectRoot(leader); Statement s = c.createStatement()) {
            s.execute("CREATE USER 'carol'@'%' IDENTIFIED BY 'old-password'");
            s.execute("GRANT SELECT ON app.* TO 'carol'@'%'");
        }
        cluster.awaitConverged();
        for (int node : List.of(leader, follower, third)) {
            cluster.connect(node, "carol", "old-password").close(); // each node caches the account now
        }
        try (Connection c = cluster.connectRoot(leader); Statement s = c.createStatement()) {
            s.execute("ALTER USER 'carol'@'%' IDENTIFIED BY 'new-password'");
        }
        cluster.awaitConverged();
        for (int node : List.of(leader, follower, third)) {
            cluster.connect(node, "carol", "new-password").close();
            assertThatThrownBy(() -> cluster.connect(node, "carol", "old-password"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1045));
        }
        try (Connection c = cluster.connectRoot(leader); Statement s = c.createStatement()) {
            s.execute("DROP USER 'carol'@'%'");
        }
    }

    @Test
    void killQueryOnAFollowerStopsAStatementThatRunsOnTheLeader() throws Exception {
        try (Connection c = cluster.connectRoot(leader); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE app.killed (id INT PRIMARY KEY, v INT)");
            s.execute("INSERT INTO app.killed VALUES (1, 0)");
        }
        cluster.awaitConverged();
        try (Connection holder = app(leader); Statement hold = holder.createStatement();
                Connection victim = app(follower); Statement v = victim.createStatement();
                Connection killer = app(follower); Statement k = killer.createStatement()) {
            holder.setAutoCommit(false);
            hold.executeQuery("SELECT * FROM killed WHERE id = 1 FOR UPDATE").close(); // holds the victim's UPDATE
            long victimId = count(v, "SELECT CONNECTION_ID()");
            CompletableFuture<Integer> update = CompletableFuture.supplyAsync(() -> {
                try {
                    return v.executeUpdate("UPDATE killed SET v = 100 WHERE id = 1");
                } catch (SQLException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            Thread.sleep(1_000);
            assertThat(update).as("waiting for the row lock on the leader").isNotDone();
            k.execute("KILL QUERY " + victimId);
            assertThat(update).failsWithin(10, TimeUnit.SECONDS).withThrowableOfType(
                    java.util.concurrent.ExecutionException.class).havingRootCause()
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1317));
            holder.rollback();
            assertThat(count(v, "SELECT COUNT(*) FROM killed")).as("the victim's session goes on").isEqualTo(1);
        }
        cluster.assertSameEverywhere("SELECT v FROM app.killed WHERE id = 1", List.of("0"));
        try (Connection c = cluster.connectRoot(leader); Statement s = c.createStatement()) {
            s.execute("DROP TABLE app.killed");
        }
    }

    @Test
    void sqlPrepareOfAWriteIsRefusedAlikeOnEveryNode() throws Exception {
        for (int node : List.of(leader, follower)) {
            try (Connection c = app(node); Statement s = c.createStatement()) {
                assertThatThrownBy(() -> s.execute("PREPARE w FROM 'INSERT INTO app.t (v) VALUES (?)'"))
                        .as("node " + node).isInstanceOfSatisfying(SQLException.class,
                                e -> assertThat(e.getErrorCode()).isEqualTo(1235))
                        .hasMessageContaining("PREPARE of a write");
            }
        }
    }

    @Test
    void aPasswordChangedThroughTheLeaderWorksOnAFollowerAtOnce() throws Exception {
        try (Connection c = cluster.connectRoot(leader); Statement s = c.createStatement()) {
            s.execute("CREATE USER 'erin'@'%' IDENTIFIED BY 'old-password'");
            s.execute("GRANT SELECT ON app.* TO 'erin'@'%'");
        }
        cluster.awaitConverged();
        cluster.connect(follower, "erin", "old-password").close(); // the follower caches the account now
        try (Connection lock = cluster.engineConnection(follower); Statement locking = lock.createStatement();
                Connection c = cluster.connectRoot(leader); Statement s = c.createStatement()) {
            // the follower cannot apply the change until this lock goes
            locking.execute("LOCK TABLES mysql.global_priv READ");
            s.execute("ALTER USER 'erin'@'%' IDENTIFIED BY 'new-password'");
            CompletableFuture<Void> unlock = CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(700);
                    locking.execute("UNLOCK TABLES");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            cluster.connect(follower, "erin", "new-password").close();
            unlock.get(10, TimeUnit.SECONDS);
        }
        assertThatThrownBy(() -> cluster.connect(follower, "erin", "old-password"))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1045));
        try (Connection c = cluster.connectRoot(leader); Statement s = c.createStatement()) {
            s.execute("DROP USER 'erin'@'%'");
        }
    }

    /**
     * A login with an account created, or a database granted, through the leader a moment before waits until the
     * node has applied it.
     */
    @Test
    void anAccountCreatedThroughTheLeaderCanLogInOnAFollowerAtOnce() throws Exception {
        try (Connection c = cluster.connectRoot(leader); Statement s = c.createStatement()) {
            for (int i = 0; i < 5; i++) {
                s.execute("CREATE USER 'dave" + i + "'@'%' IDENTIFIED BY 'dave-password'");
                s.execute("GRANT SELECT ON app.* TO 'dave" + i + "'@'%'");
                cluster.connect(follower, "dave" + i, "dave-password").close();
            }
            // an account the follower knows, granted a database a moment before: the login waits for the grant
            for (int i = 0; i < 5; i++) {
                s.execute("CREATE DATABASE granted_" + i);
                s.execute("GRANT ALL ON granted_" + i + ".* TO 'dave0'@'%'");
                cluster.connect(follower, "granted_" + i, "dave0", "dave-password").close();
            }
            for (int i = 0; i < 5; i++) {
                s.execute("DROP USER 'dave" + i + "'@'%'");
                s.execute("DROP DATABASE granted_" + i);
            }
        }
    }

    @Test
    void serverSidePreparedWritesOnAFollowerArePreparedOnTheLeader() throws Exception {
        String url = "jdbc:mariadb://127.0.0.1:" + cluster.node(follower).clientAddress().getPort()
                + "/app?sslMode=disable&useServerPrepStmts=true";
        try (Connection c = DriverManager.getConnection(url, "app", "app-password");
                PreparedStatement insert = c.prepareStatement("INSERT INTO t (v, u) VALUES (?, ?)");
                PreparedStatement read = c.prepareStatement("SELECT COUNT(*) FROM t WHERE v >= ?")) {
            for (int i = 1; i <= 5; i++) {
                insert.setInt(1, i);
                insert.setString(2, "row " + i);
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }
            read.setInt(1, 3);
            try (ResultSet rs = read.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(3);
            }
        }
        cluster.assertSameEverywhere("SELECT GROUP_CONCAT(u ORDER BY v) FROM app.t", List.of("row 1,row 2,row 3,row 4,row 5"));
    }

    @Test
    void pipelinedPreparedWritesOnAFollowerEachRunTheirOwnStatement() throws Exception {
        // Connector/J sends COM_STMT_PREPARE and the first COM_STMT_EXECUTE together, the execute naming statement
        // 0xFFFFFFFF ("the one prepared last"); each round's statement is another, on a table of its own, prepared
        // right after the session's DDL ran on the leader.
        String url = "jdbc:mariadb://127.0.0.1:" + cluster.node(follower).clientAddress().getPort()
                + "/app?sslMode=disable&useServerPrepStmts=true";
        try (Connection c = DriverManager.getConnection(url, "app", "app-password"); Statement s = c.createStatement()) {
            for (int i = 0; i < 5; i++) {
                s.execute("CREATE TABLE q" + i + " (k INT PRIMARY KEY)");
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO q" + i + " VALUES (?)")) {
                    insert.setInt(1, i);
                    assertThat(insert.executeUpdate()).isEqualTo(1);
                }
                assertThat(count(s, "SELECT k FROM q" + i)).isEqualTo(i);
                s.execute("DROP TABLE q" + i);
            }
        }
    }

    @Test
    void preparedReadsOfTheLastWriteAndLongDataAndOutParametersFollowTheWritesToTheLeader() throws Exception {
        String url = "jdbc:mariadb://127.0.0.1:" + cluster.node(follower).clientAddress().getPort()
                + "/app?sslMode=disable&useServerPrepStmts=true";
        byte[] big = new byte[300_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) ('a' + i % 26);
        }
        try (Connection root = cluster.connectRoot(leader); Statement s = root.createStatement()) {
            s.execute("ALTER TABLE app.t ADD COLUMN doc MEDIUMTEXT");
            s.execute("CREATE PROCEDURE app.twice(IN x INT, OUT y INT) SET y = 2 * x");
        }
        cluster.awaitConverged();
        try (Connection c = DriverManager.getConnection(url, "app", "app-password");
                PreparedStatement insert = c.prepareStatement("INSERT INTO t (v, doc) VALUES (?, ?)");
                PreparedStatement lastId = c.prepareStatement("SELECT LAST_INSERT_ID()");
                Statement s = c.createStatement()) {
            insert.setInt(1, 1);
            insert.setCharacterStream(2, new java.io.StringReader(new String(big, java.nio.charset.StandardCharsets.US_ASCII)));
            assertThat(insert.executeUpdate()).isEqualTo(1);
            try (ResultSet rs = lastId.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).as("the leader's insert id, through a prepared statement").isEqualTo(1);
            }
            s.execute("SET @y = 0");
            s.execute("CALL twice(21, @y)");
            assertThat(count(s, "SELECT @y")).as("the OUT parameter the leader assigned").isEqualTo(42);
        }
        cluster.assertSameEverywhere("SELECT CONCAT(v, ':', LENGTH(doc), ':', MD5(doc)) FROM app.t",
                List.of("1:300000:" + md5(big)));
    }

    private static String md5(byte[] bytes) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(bytes));
    }

    @Test
    void aCommitTokenFromAFollowersWriteIsHonouredOnAThirdNode() throws Exception {
        long token;
        try (Connection c = app(follower); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO t (v) VALUES (42)");
            token = count(s, "SELECT @@fluxdb_last_commit");
        }
        try (Connection c = app(third); Statement s = c.createStatement()) {
            s.execute("SET @@session.fluxdb_read_after = " + token);
            assertThat(count(s, "SELECT v FROM t")).isEqualTo(42);
            // several of them in one SELECT, with an alias, beside other items
            try (ResultSet rs = s.executeQuery("SELECT @@fluxdb_read_after AS after, @@session.fluxdb_consistency,"
                    + " 1 + 1")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong("after")).isEqualTo(token);
                assertThat(rs.getString(2)).isEqualTo("session");
                assertThat(rs.getMetaData().getColumnLabel(2)).isEqualTo("@@session.fluxdb_consistency");
                assertThat(rs.getInt(3)).isEqualTo(2);
            }
        }
    }

    @Test
    void loadDataLocalInfileOnAFollowerSendsTheClientsFileToTheLeader() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("forwarded", ".csv");
        try {
            java.nio.file.Files.writeString(file, "1,one\n2,two\n3,three\n");
            try (Connection c = app(follower); Statement s = c.createStatement()) {
                assertThat(s.executeUpdate("LOAD DATA LOCAL INFILE '" + file + "' INTO TABLE t"
                        + " FIELDS TERMINATED BY ',' (v, u)")).isEqualTo(3);
                assertThat(count(s, "SELECT SUM(v) FROM t")).isEqualTo(6);
            }
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
        cluster.assertSameEverywhere("SELECT GROUP_CONCAT(u ORDER BY v) FROM app.t", List.of("one,two,three"));
    }

    @Test
    void advisoryLocksTakenOnFollowersAreClusterWide() throws Exception {
        try (Connection a = app(follower); Statement first = a.createStatement();
                Connection b = app(third); Statement second = b.createStatement()) {
            assertThat(count(first, "SELECT GET_LOCK('forwarded-lock', 0)")).isEqualTo(1);
            assertThat(count(second, "SELECT GET_LOCK('forwarded-lock', 0)")).as("held on another node").isZero();
            assertThat(count(first, "SELECT IS_USED_LOCK('forwarded-lock') IS NOT NULL")).isEqualTo(1);
            assertThat(count(first, "SELECT RELEASE_ALL_LOCKS()")).isEqualTo(1);
            assertThat(count(second, "SELECT GET_LOCK('forwarded-lock', 0)")).isEqualTo(1);
            assertThat(count(second, "SELECT RELEASE_LOCK('forwarded-lock')")).isEqualTo(1);
        }
    }

    @Test
    void advisoryLocksAreAskedAboutOnTheLeaderAndPinThroughPreparedStatements() throws Exception {
        try (Connection a = cluster.connectWithOptions(follower, "app", "app-password", "useServerPrepStmts=true");
                Connection b = app(third); Statement second = b.createStatement()) {
            try (PreparedStatement take = a.prepareStatement("SELECT GET_LOCK(?, 0)")) {
                take.setString(1, "prepared-lock");
                assertThat(single(take)).isEqualTo(1);
            }
            // a session on another follower that holds no lock asks the leader, where the lock lives
            assertThat(count(second, "SELECT IS_FREE_LOCK('prepared-lock')")).isZero();
            assertThat(count(second, "SELECT IS_USED_LOCK('prepared-lock') IS NOT NULL")).isEqualTo(1);
            assertThat(count(second, "SELECT RELEASE_LOCK('prepared-lock')")).as("held by another session").isZero();
            // the holder stays on the leader until it releases everything: even its reads run there
            try (PreparedStatement port = a.prepareStatement("SELECT @@port")) {
                assertThat(single(port)).isEqualTo(cluster.engine(leader).port());
            }
            try (PreparedStatement release = a.prepareStatement("SELECT RELEASE_ALL_LOCKS()")) {
                assertThat(single(release)).isEqualTo(1);
            }
            assertThat(count(second, "SELECT IS_FREE_LOCK('prepared-lock')")).isEqualTo(1);
            try (PreparedStatement port = a.prepareStatement("SELECT @@port")) {
                assertThat(single(port)).as("back on its own node").isEqualTo(cluster.engine(follower).port());
            }
        }
    }

    @Test
    void aLockReleasedByNameLetsTheSessionReadOnItsOwnNodeAgain() throws Exception {
        try (Connection a = app(follower); Statement s = a.createStatement()) {
            assertThat(count(s, "SELECT GET_LOCK('named-lock', 0)")).isEqualTo(1);
            assertThat(count(s, "SELECT GET_LOCK('named-lock', 0)")).as("taken twice").isEqualTo(1);
            assertThat(count(s, "SELECT @@port")).isEqualTo(cluster.engine(leader).port());
            assertThat(count(s, "SELECT RELEASE_LOCK('named-lock')")).isEqualTo(1);
            assertThat(count(s, "SELECT @@port")).as("still held once").isEqualTo(cluster.engine(leader).port());
            assertThat(count(s, "SELECT RELEASE_LOCK('named-lock')")).isEqualTo(1);
            assertThat(count(s, "SELECT @@port")).as("back on its own node").isEqualTo(cluster.engine(follower).port());
        }
    }

    @Test
    void aLockTakenInASetOnAFollowerIsTheLeadersAlone() throws Exception {
        try (Connection a = app(follower); Statement s = a.createStatement();
                Connection b = app(third); Statement other = b.createStatement()) {
            s.execute("SET @ok = GET_LOCK('set-lock', 0)");
            assertThat(count(s, "SELECT @ok")).as("the leader's answer").isEqualTo(1);
            assertThat(count(other, "SELECT IS_FREE_LOCK('set-lock')")).isZero();
            try (Connection engine = DriverManager.getConnection(cluster.engine(follower).jdbcUrl(""), "root",
                    cluster.engine(follower).rootPassword()); Statement e = engine.createStatement()) {
                assertThat(count(e, "SELECT IS_USED_LOCK('set-lock') IS NULL"))
                        .as("nobody holds it on the follower's own engine").isEqualTo(1);
            }
            s.execute("SET @released = RELEASE_ALL_LOCKS()");
            assertThat(count(s, "SELECT @released")).isEqualTo(1);
            assertThat(count(other, "SELECT IS_FREE_LOCK('set-lock')")).isEqualTo(1);
        }
    }

    @Test
    void writesThatReadANodeLocalSchemaAreRefusedThroughEveryNodeAndChangeNothing() throws Exception {
        for (int node : new int[] {leader, follower}) {
            try (Connection c = app(node); Statement s = c.createStatement()) {
                assertRefusedAsUnsafe(() -> s.executeUpdate("INSERT INTO t (u) SELECT CONCAT(COUNT(*), 'x')"
                        + " FROM information_schema.processlist"), "information_schema.processlist");
                assertRefusedAsUnsafe(() -> s.execute("CREATE TABLE nd2 AS SELECT variable_name, variable_value"
                        + " FROM INFORMATION_SCHEMA.`GLOBAL_STATUS` WHERE variable_name IN ('Uptime',"
                        + " 'Threads_connected', 'Com_select')"), "INFORMATION_SCHEMA.GLOBAL_STATUS");
                // an unqualified name read in the session's default database
                s.execute("USE information_schema");
                assertRefusedAsUnsafe(() -> s.executeUpdate("INSERT INTO app.t (u) SELECT COUNT(*) FROM processlist"),
                        "default database information_schema");
                s.execute("USE app");
                // reads are reads, and a value read into a user variable is written as that value everywhere
                assertThat(count(s, "SELECT COUNT(*) FROM information_schema.processlist")).isPositive();
                s.execute("SET @n = (SELECT COUNT(*) FROM information_schema.processlist)");
                assertThat(s.executeUpdate("INSERT INTO t (v) VALUES (@n)")).isEqualTo(1);
            }
        }
        String written;
        try (Connection c = app(leader); Statement s = c.createStatement()) {
            cluster.awaitConverged();
            try (ResultSet rs = s.executeQuery("SELECT CONCAT(COUNT(*), ':', COUNT(u), ':', MIN(v) > 0, ':',"
                    + " GROUP_CONCAT(v ORDER BY id)) FROM t")) {
                rs.next();
                written = rs.getString(1);
            }
        }
        assertThat(written).startsWith("2:0:1:");
        cluster.assertSameEverywhere("SELECT CONCAT(COUNT(*), ':', COUNT(u), ':', MIN(v) > 0, ':',"
                + " GROUP_CONCAT(v ORDER BY id)) FROM app.t", List.of(written));
        cluster.assertSameEverywhere("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'app'"
                + " AND table_name = 'nd2'", List.of("0"));
    }

    private static void assertRefusedAsUnsafe(org.assertj.core.api.ThrowableAssert.ThrowingCallable write,
            String named) {
        assertThatThrownBy(write).isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1592))
                .hasMessageContaining(named)
                .hasMessageContaining("user variable");
    }

    private static long single(PreparedStatement statement) throws SQLException {
        try (ResultSet rs = statement.executeQuery()) {
            assertThat(rs.next()).isTrue();
            return rs.getLong(1);
        }
    }

    private static Connection app(int node) throws SQLException {
        return cluster.connect(node, "app", "app-password");
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getLong(1);
        }
    }
}
