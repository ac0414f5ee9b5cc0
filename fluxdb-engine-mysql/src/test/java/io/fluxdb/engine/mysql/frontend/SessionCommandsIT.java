package io.fluxdb.engine.mysql.frontend;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fluxdb.engine.mysql.frontend.RawClient.RawPacket;
import io.fluxdb.engine.mysql.frontend.RawClient.Response;
import io.fluxdb.engine.mysql.testing.TestOperator;
import io.fluxdb.protocol.auth.NativePassword;
import io.fluxdb.protocol.constant.CapabilityFlags;
import io.fluxdb.protocol.constant.CommandType;
import io.fluxdb.protocol.message.client.HandshakeResponse41;
import io.fluxdb.protocol.message.server.ErrPacket;
import io.fluxdb.testkit.MariaDbExtension;
import io.fluxdb.testkit.MariaDbProcess;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command phase beyond plain queries: COM_CHANGE_USER, COM_RESET_CONNECTION, KILL with the
 * operator's connection ids, the small commands, commands without a reply, pipelining, LOAD DATA
 * LOCAL INFILE and graceful shutdown.
 */
@ExtendWith(MariaDbExtension.class)
class SessionCommandsIT {
    private static MariaDbProcess db;
    private static TestOperator operator;
    private static String password;

    @BeforeAll
    static void start(MariaDbProcess server) throws SQLException {
        db = server;
        password = server.rootPassword();
        operator = TestOperator.start(server);
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(""), "root", password);
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS sess");
            s.execute("CREATE TABLE IF NOT EXISTS sess.t (a INT, b VARCHAR(5), c DATE)");
            s.execute("CREATE USER IF NOT EXISTS 'other'@'%' IDENTIFIED BY 'other-pw'");
            s.execute("GRANT ALL ON sess.* TO 'other'@'%'");
        }
    }

    @AfterAll
    static void stop() {
        if (operator != null) {
            operator.close();
        }
    }

    @AfterEach
    void othersAreStillServed() throws SQLException {
        RawClient.assertServes(operator, password);
    }

    @Test
    void changeUserSwitchesTheSessionsUser() throws IOException {
        try (RawClient client = RawClient.login(operator.port(), "root", password)) {
            assertThat(client.query("SET @v = 1").isErr()).isFalse();
            client.write(0, client.changeUserPayload("other", "other-pw", "sess"));
            RawPacket reply = client.readPacket();
            assertThat(reply.isOk()).as("reply to COM_CHANGE_USER: %s", reply).isTrue();
            assertThat(client.query("SELECT CURRENT_USER()").value()).isEqualTo("other@%");
            assertThat(client.query("SELECT DATABASE()").value()).isEqualTo("sess");
            // A new session: the old user's variables are gone.
            assertThat(client.query("SELECT @v").value()).isNull();
        }
    }

    @Test
    void changeUserWithTheWrongPasswordIsDeniedAndClosed() throws IOException {
        try (RawClient client = RawClient.login(operator.port(), "root", password)) {
            client.write(0, client.changeUserPayload("other", "wrong", ""));
            ErrPacket err = client.readPacket().err();
            assertThat(err.errorCode()).isEqualTo(1045);
            assertThat(err.sqlState()).isEqualTo("28000");
            assertThat(client.closedByServer(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void resetConnectionClearsUserVariables() throws IOException {
        try (RawClient client = RawClient.login(operator.port(), "root", password)) {
            assertThat(client.query("SET @v = 42").isErr()).isFalse();
            assertThat(client.query("SELECT @v").value()).isEqualTo("42");
            client.write(0, new byte[] {(byte) CommandType.COM_RESET_CONNECTION});
            RawPacket reply = client.readPacket();
            assertThat(reply.isOk()).as("reply to COM_RESET_CONNECTION: %s", reply).isTrue();
            assertThat(client.query("SELECT @v").value()).isNull();
        }
    }

    @Test
    void killQueryInterruptsTheStatementOfTheNamedSession() throws Exception {
        try (Connection victim = DriverManager.getConnection(operator.jdbcUrl(""), "root", password);
                Connection killer = DriverManager.getConnection(operator.jdbcUrl(""), "root", password)) {
            long id = victim.unwrap(org.mariadb.jdbc.Connection.class).getThreadId();
            CompletableFuture<Object> sleeping = CompletableFuture.supplyAsync(() -> {
                try (Statement s = victim.createStatement(); ResultSet rs = s.executeQuery("SELECT SLEEP(30)")) {
                    rs.next();
                    return rs.getInt(1);
                } catch (SQLException e) {
                    return e;
                }
            });
            await().atMost(Duration.ofSeconds(20)).until(() -> engineIsRunning("SELECT SLEEP(30)"));
            try (Statement s = killer.createStatement()) {
                s.execute("KILL QUERY " + id);
            }
            Object outcome = sleeping.get(5, TimeUnit.SECONDS);
            assertThat(outcome).isInstanceOfSatisfying(SQLException.class,
                    e -> assertThat(e.getErrorCode()).isEqualTo(1317));
            // Only the statement was killed: the session goes on.
            try (Statement s = victim.createStatement(); ResultSet rs = s.executeQuery("SELECT 3")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(3);
            }
        }
    }

    @Test
    void killClosesTheSessionWithTheHandshakesConnectionId() throws Exception {
        try (RawClient victim = RawClient.login(operator.port(), "root", password);
                Connection killer = DriverManager.getConnection(operator.jdbcUrl(""), "root", password)) {
            long id = victim.handshake().connectionId();
            try (Statement s = killer.createStatement()) {
                s.execute("KILL " + id);
            }
            // The victim is told (or not) and disconnected; the killer's session goes on.
            await().atMost(Duration.ofSeconds(10)).until(() -> victimGone(victim));
            try (Statement s = killer.createStatement(); ResultSet rs = s.executeQuery("SELECT 4")) {
                assertThat(rs.next()).isTrue();
            }
        }
    }

    /**
     * Clients also meet engine thread ids: CONNECTION_ID() and SHOW PROCESSLIST are answered by the
     * engine. KILL takes those too, and they never name another session: the operator's own ids start
     * at 2^30.
     */
    @Test
    void killTakesTheEngineThreadIdThatConnectionIdAndTheProcessListShow() throws Exception {
        try (RawClient byConnectionId = RawClient.login(operator.port(), "root", password);
                RawClient byProcessList = RawClient.login(operator.port(), "root", password);
                Connection killer = DriverManager.getConnection(operator.jdbcUrl(""), "root", password);
                Statement s = killer.createStatement()) {
            long handshakeId = byConnectionId.handshake().connectionId();
            long threadId = Long.parseLong(byConnectionId.query("SELECT CONNECTION_ID()").value());
            assertThat(handshakeId).isGreaterThanOrEqualTo(SessionRegistry.FIRST_CONNECTION_ID);
            assertThat(threadId).isLessThan(SessionRegistry.FIRST_CONNECTION_ID);

            s.execute("KILL " + threadId);
            await().atMost(Duration.ofSeconds(10)).until(() -> victimGone(byConnectionId));

            long listed;
            try (ResultSet rs = s.executeQuery("SELECT ID FROM information_schema.PROCESSLIST WHERE ID = "
                    + byProcessList.query("SELECT CONNECTION_ID()").value())) {
                assertThat(rs.next()).as("the engine lists the session's thread").isTrue();
                listed = rs.getLong(1);
            }
            s.execute("KILL CONNECTION " + listed);
            await().atMost(Duration.ofSeconds(10)).until(() -> victimGone(byProcessList));
            // The killer's own session goes on.
            try (ResultSet rs = s.executeQuery("SELECT 7")) {
                assertThat(rs.next()).isTrue();
            }
        }
    }

    /** A client from before auth plugins (no CLIENT_PLUGIN_AUTH, no plugin name) logs in as MariaDB lets it. */
    @Test
    void aClientWithoutPluginAuthLogsInWithTheNativeScramble() throws Exception {
        assertThat(preluginLogin(operator.port(), password)).isEqualTo("OK");
        assertThat(preluginLogin(operator.port(), "wrong")).startsWith("ERR 1045").isEqualTo(preluginLogin(db.port(), "wrong"));
        assertThat(preluginLogin(db.port(), password)).isEqualTo("OK");
    }

    private static String preluginLogin(int port, String pw) throws IOException {
        try (RawClient client = RawClient.connect(port)) {
            client.readHandshake();
            long caps = RawClient.CAPABILITIES & ~CapabilityFlags.CLIENT_PLUGIN_AUTH;
            byte[] auth = NativePassword.response(pw.getBytes(UTF_8), client.handshake().scramble());
            HandshakeResponse41 response = new HandshakeResponse41(caps, 0, 33, "root", auth, null, null, Map.of());
            ByteBuf payload = Unpooled.buffer();
            response.encode(payload, caps);
            client.write(1, ByteBufUtil.getBytes(payload));
            RawPacket reply = client.readPacket();
            if (reply.isOk()) {
                return client.query("SELECT 6").value().equals("6") ? "OK" : "OK but the query failed";
            }
            return reply.isErr() ? "ERR " + reply.err().errorCode() + " " + reply.err().sqlState() : reply.toString();
        }
    }

    /** An idle session killed by another sees exactly what a MariaDB client sees: a close, and no packet. */
    @Test
    void aKilledIdleSessionGetsTheEnginesErrorPacket() throws Exception {
        assertThat(killedIdleSessionSees(operator.port(), operator.jdbcUrl("")))
                .isEqualTo(killedIdleSessionSees(db.port(), db.jdbcUrl("")));
    }

    private static String killedIdleSessionSees(int port, String killerUrl) throws Exception {
        try (RawClient victim = RawClient.login(port, "root", password);
                Connection killer = DriverManager.getConnection(killerUrl, "root", password);
                Statement s = killer.createStatement()) {
            s.execute("KILL " + victim.handshake().connectionId());
            RawPacket told;
            try {
                told = victim.readPacket();
            } catch (EOFException | SocketException e) {
                return "closed without a packet";
            }
            assertThat(victim.closedByServer(Duration.ofSeconds(10))).isTrue();
            return told.isErr() ? "ERR " + told.err() : "not an ERR packet: " + told;
        }
    }

    @Test
    void killOfAnUnknownIdIsUnknownThread() throws Exception {
        try (Connection c = DriverManager.getConnection(operator.jdbcUrl(""), "root", password);
                Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute("KILL 987654"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1094));
            assertThatThrownBy(() -> s.execute("KILL QUERY 987654"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1094));
        }
        try (RawClient client = RawClient.login(operator.port(), "root", password)) {
            byte[] processKill = ByteBuffer.allocate(5).order(ByteOrder.LITTLE_ENDIAN)
                    .put((byte) CommandType.COM_PROCESS_KILL).putInt(987654).array();
            client.write(0, processKill);
            assertThat(client.readPacket().err().errorCode()).isEqualTo(1094);
            assertThat(client.query("SELECT 5").value()).isEqualTo("5");
        }
    }

    @Test
    void pingStatisticsAndFieldList() throws IOException {
        try (RawClient client = RawClient.login(operator.port(), "root", password)) {
            client.write(0, new byte[] {(byte) CommandType.COM_PING});
            assertThat(client.readPacket().isOk()).isTrue();

            client.write(0, new byte[] {(byte) CommandType.COM_STATISTICS});
            RawPacket statistics = client.readPacket();
            assertThat(new String(statistics.payload(), UTF_8)).startsWith("Uptime: ");

            assertThat(client.query("USE sess").isErr()).isFalse();
            client.write(0, RawClient.command(CommandType.COM_FIELD_LIST, "t\0".getBytes(UTF_8)));
            int columns = 0;
            for (RawPacket p = client.readPacket(); !p.isEof(); p = client.readPacket()) {
                assertThat(p.isErr()).as("COM_FIELD_LIST reply %s", p).isFalse();
                columns++;
            }
            assertThat(columns).isEqualTo(3);
            assertThat(client.query("SELECT 6").value()).isEqualTo("6");
        }
    }

    @Test
    void unknownCommandIsRefusedAndTheSessionGoesOn() throws IOException {
        try (RawClient client = RawClient.login(operator.port(), "root", password)) {
            client.write(0, new byte[] {0x60, 1, 2, 3});
            RawPacket reply = client.readPacket();
            assertThat(reply.err().errorCode()).isEqualTo(1047);
            assertThat(reply.sequenceId()).isEqualTo(1);
            assertThat(client.query("SELECT 7").value()).isEqualTo("7");
        }
    }

    @Test
    void stmtCloseGetsNoReply() throws IOException {
        try (RawClient client = RawClient.login(operator.port(), "root", password)) {
            client.write(0, RawClient.command(CommandType.COM_STMT_PREPARE, "SELECT ? + 1".getBytes(UTF_8)));
            RawPacket prepared = client.readPacket();
            assertThat(prepared.isOk()).as("COM_STMT_PREPARE reply %s", prepared).isTrue();
            ByteBuffer ok = ByteBuffer.wrap(prepared.payload()).order(ByteOrder.LITTLE_ENDIAN);
            int statementId = ok.getInt(1);
            int columns = ok.getShort(5);
            int params = ok.getShort(7);
            for (int i = 0; i < params + columns + (params > 0 ? 1 : 0) + (columns > 0 ? 1 : 0); i++) {
                client.readPacket();
            }
            byte[] close = ByteBuffer.allocate(5).order(ByteOrder.LITTLE_ENDIAN)
                    .put((byte) CommandType.COM_STMT_CLOSE).putInt(statementId).array();
            client.write(0, close);
            // The next reply is the query's, not something for the close.
            assertThat(client.query("SELECT 8").value()).isEqualTo("8");
            // The statement is gone on the engine.
            byte[] execute = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN)
                    .put((byte) CommandType.COM_STMT_EXECUTE).putInt(statementId).put((byte) 0).putInt(1).array();
            client.write(0, execute);
            assertThat(client.readPacket().err().errorCode()).isEqualTo(1243);
        }
    }

    @Test
    void pipelinedCommandsAreAnsweredInOrder() throws IOException {
        try (RawClient client = RawClient.login(operator.port(), "root", password)) {
            byte[] one = RawClient.frame(0, RawClient.command(CommandType.COM_QUERY, "SELECT 1".getBytes(UTF_8)));
            byte[] ping = RawClient.frame(0, new byte[] {(byte) CommandType.COM_PING});
            byte[] two = RawClient.frame(0, RawClient.command(CommandType.COM_QUERY, "SELECT SLEEP(0.2), 2".getBytes(UTF_8)));
            byte[] three = RawClient.frame(0, RawClient.command(CommandType.COM_QUERY, "SELECT 3".getBytes(UTF_8)));
            ByteBuffer all = ByteBuffer.allocate(one.length + ping.length + two.length + three.length);
            client.writeRaw(all.put(one).put(ping).put(two).put(three).array());
            assertThat(client.readResponse().value()).isEqualTo("1");
            assertThat(client.readPacket().isOk()).isTrue();
            Response second = client.readResponse();
            assertThat(second.rows().getFirst()).containsExactly("0", "2");
            assertThat(client.readResponse().value()).isEqualTo("3");
        }
    }

    @Test
    void localInfileIsRefusedWhenOff(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("rows.csv"), "1,a,2024-01-01\n2,b,2024-01-02\n");
        try (Connection c = DriverManager.getConnection(operator.jdbcUrl("sess", "sslMode=disable",
                "allowLocalInfile=true"), "root", password);
                Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute("LOAD DATA LOCAL INFILE '" + file + "' INTO TABLE t"
                    + " FIELDS TERMINATED BY ','")).isInstanceOf(SQLException.class);
            try (ResultSet rs = s.executeQuery("SELECT 9")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(9);
            }
        }
    }

    @Test
    void localInfileLoadsWhenOn(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("rows.csv"), "1,a,2024-01-01\n2,b,2024-01-02\n3,c,2024-01-03\n");
        try (TestOperator withInfile = TestOperator.start(db, Map.of("local-infile", "true"));
                Connection c = DriverManager.getConnection(withInfile.jdbcUrl("sess", "sslMode=disable",
                        "allowLocalInfile=true"), "root", password);
                Statement s = c.createStatement()) {
            s.execute("CREATE TEMPORARY TABLE loaded LIKE t");
            assertThat(s.executeUpdate("LOAD DATA LOCAL INFILE '" + file + "' INTO TABLE loaded"
                    + " FIELDS TERMINATED BY ','")).isEqualTo(3);
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*), MAX(b) FROM loaded")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(3);
                assertThat(rs.getString(2)).isEqualTo("c");
            }
        }
    }

    @Test
    void shutdownLetsTheRunningStatementFinishAndTellsEveryone() throws Exception {
        TestOperator closing = TestOperator.start(db);
        CompletableFuture<Void> closed = null;
        try (RawClient busy = RawClient.login(closing.port(), "root", password);
                RawClient idle = RawClient.login(closing.port(), "root", password)) {
            busy.sendQuery("SELECT SLEEP(8), 'done'");
            await().atMost(Duration.ofSeconds(20)).until(() -> engineIsRunning("SELECT SLEEP(8), 'done'"));
            closed = CompletableFuture.runAsync(closing::close);

            ErrPacket told = idle.readPacket().err();
            assertThat(told.errorCode()).isEqualTo(1053);
            assertThat(told.sqlState()).isEqualTo("08S01");
            assertThat(idle.closedByServer(Duration.ofSeconds(5))).isTrue();

            assertThat(busy.readResponse().rows().getFirst()).containsExactly("0", "done");
            try {
                assertThat(busy.readPacket().err().errorCode()).isEqualTo(1053);
            } catch (EOFException | SocketException closedWithoutError) {
                // Closing without the error packet is allowed too.
            }
            closed.get(30, TimeUnit.SECONDS);
        } finally {
            if (closed == null) {
                closing.close();
            }
        }
    }

    private static boolean victimGone(RawClient victim) throws IOException {
        try {
            RawPacket p = victim.readPacket();
            return p.isErr() && victim.closedByServer(Duration.ofSeconds(5));
        } catch (EOFException | SocketException e) {
            return true;
        }
    }

    private static boolean engineIsRunning(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(""), "root", password);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO = '"
                        + sql.replace("'", "''") + "'")) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }
}
