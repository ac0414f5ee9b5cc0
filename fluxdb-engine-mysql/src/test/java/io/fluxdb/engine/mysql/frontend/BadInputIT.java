package io.fluxdb.engine.mysql.frontend;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.engine.mysql.frontend.RawClient.RawPacket;
import io.fluxdb.engine.mysql.testing.TestOperator;
import io.fluxdb.protocol.constant.CommandType;
import io.fluxdb.protocol.message.server.ErrPacket;
import io.fluxdb.testkit.MariaDbExtension;
import io.fluxdb.testkit.MariaDbProcess;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Malformed, truncated, silent, half-closed and oversized input: each gets the documented error
 * (or a close where the protocol allows no error) and leaves the operator serving other clients.
 */
class BadInputIT {
    /** 16 MiB, the largest client packet {@link #limited} accepts. */
    private static final int LIMIT = 16 << 20;

    @RegisterExtension
    static final MariaDbExtension MARIADB = new MariaDbExtension(b -> b.option("max_allowed_packet", "256M"));

    private static TestOperator limited;
    private static TestOperator roomy;
    private static String password;

    @BeforeAll
    static void start(MariaDbProcess db) throws SQLException {
        password = db.rootPassword();
        limited = TestOperator.start(db, Map.of("max-packet-size", Integer.toString(LIMIT)));
        roomy = TestOperator.start(db, Map.of("max-packet-size", Long.toString(128L << 20)));
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(""), "root", password);
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS bad_input");
        }
    }

    @AfterAll
    static void stop() {
        if (limited != null) {
            limited.close();
        }
        if (roomy != null) {
            roomy.close();
        }
    }

    @AfterEach
    void othersAreStillServed() throws SQLException {
        RawClient.assertServes(limited, password);
        RawClient.assertServes(roomy, password);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0102030405", "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            "8fa20000ffffff0021000000000000000000000000000000000000000000000000726f6f74"})
    void garbageInsteadOfHandshakeResponseIsBadHandshake(String hex) throws IOException {
        try (RawClient client = RawClient.connect(limited.port())) {
            client.readHandshake();
            client.write(1, HexFormat.of().parseHex(hex));
            RawPacket reply = client.readPacket();
            ErrPacket err = reply.err();
            assertThat(err.errorCode()).isEqualTo(1043);
            assertThat(err.sqlState()).isEqualTo("08S01");
            assertThat(reply.sequenceId()).isEqualTo(2);
            assertThat(client.closedByServer(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void httpRequestInsteadOfHandshakeResponseIsClosed() throws IOException {
        try (RawClient client = RawClient.connect(limited.port())) {
            client.readHandshake();
            // "GET " reads as a packet header with sequence id 0x20 where 1 is due: refused on the header, as MariaDB does.
            client.writeRaw("GET / HTTP/1.1\r\nHost: fluxdb\r\n\r\n".getBytes(UTF_8));
            assertThat(client.readPacket().err().errorCode()).isEqualTo(1156);
            assertThat(client.closedByServer(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void truncatedHandshakeResponseThenCloseLeavesNothingBehind() throws IOException {
        byte[] whole;
        try (RawClient probe = RawClient.connect(limited.port())) {
            probe.readHandshake();
            whole = RawClient.frame(1, probe.handshakeResponsePayload("root", password, null));
        }
        for (int cut : new int[] {2, 4, 10, whole.length / 2, whole.length - 1}) {
            try (RawClient client = RawClient.connect(limited.port())) {
                client.readHandshake();
                client.writeRaw(Arrays.copyOf(whole, cut));
            }
        }
    }

    @Test
    void truncatedHandshakeResponseThenHalfCloseIsClosed() throws IOException {
        try (RawClient client = RawClient.connect(limited.port())) {
            client.readHandshake();
            byte[] whole = RawClient.frame(1, client.handshakeResponsePayload("root", password, null));
            client.writeRaw(Arrays.copyOf(whole, whole.length / 2));
            client.shutdownOutput();
            assertThat(client.closedByServer(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void silentClientGetsBadHandshakeAtTheConnectTimeout() throws IOException {
        try (RawClient client = RawClient.connect(limited.port())) {
            client.readHandshake();
            long start = System.nanoTime();
            RawPacket reply = client.readPacket();
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            ErrPacket err = reply.err();
            assertThat(err.errorCode()).isEqualTo(1043);
            assertThat(err.sqlState()).isEqualTo("08S01");
            assertThat(waited).isGreaterThan(Duration.ofSeconds(5));
            assertThat(client.closedByServer(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void halfCloseRightAfterTheHandshakeIsClosed() throws IOException {
        try (RawClient client = RawClient.connect(limited.port())) {
            client.readHandshake();
            client.shutdownOutput();
            // Well before the 10 s connect timeout: the operator sees the end of the stream.
            assertThat(client.closedByServer(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void halfCloseOfALoggedInSessionIsClosed() throws IOException {
        try (RawClient client = RawClient.login(limited.port(), "root", password)) {
            assertThat(client.query("SELECT 1").value()).isEqualTo("1");
            client.shutdownOutput();
            assertThat(client.closedByServer(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void packetOverTheLimitIsRefusedBeforeItArrives() throws IOException {
        try (RawClient client = RawClient.login(limited.port(), "root", password)) {
            // A COM_QUERY of 0xFFFFFF bytes continues in a second packet that announces another 0xFFFFFF:
            // together 32 MiB, over the 16 MiB limit. The second packet's body is never sent.
            byte[] first = new byte[0xFFFFFF];
            Arrays.fill(first, (byte) ' ');
            first[0] = (byte) CommandType.COM_QUERY;
            client.writeRaw(RawClient.frame(0, first));
            client.writeRaw(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1});
            ErrPacket err = client.readPacket().err();
            assertThat(err.errorCode()).isEqualTo(1153);
            assertThat(err.sqlState()).isEqualTo("08S01");
            assertThat(client.closedByServer(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void packetJustUnderTheLimitPasses() throws IOException {
        try (RawClient client = RawClient.login(limited.port(), "root", password)) {
            // SELECT LENGTH('xxx...') of exactly the limit: one full physical packet and a continuation of one byte.
            int total = LIMIT;
            byte[] sql = new byte[total - 1];
            Arrays.fill(sql, (byte) 'x');
            byte[] prefix = "SELECT LENGTH('".getBytes(UTF_8);
            System.arraycopy(prefix, 0, sql, 0, prefix.length);
            sql[sql.length - 2] = '\'';
            sql[sql.length - 1] = ')';
            byte[] payload = RawClient.command(CommandType.COM_QUERY, sql);
            client.writeRaw(RawClient.frame(0, Arrays.copyOf(payload, 0xFFFFFF)));
            client.writeRaw(RawClient.frame(1, Arrays.copyOfRange(payload, 0xFFFFFF, payload.length)));
            assertThat(client.readResponse().value()).isEqualTo(Integer.toString(sql.length - prefix.length - 2));
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void twentyMebibyteBlobGoesThroughBothWays(boolean serverPrepared) throws SQLException {
        byte[] blob = new byte[20 << 20];
        new Random(42).nextBytes(blob);
        String url = roomy.jdbcUrl("bad_input", "sslMode=disable", "useServerPrepStmts=" + serverPrepared,
                "maxAllowedPacket=" + (128 << 20));
        try (Connection c = DriverManager.getConnection(url, "root", password); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS blobs (id INT PRIMARY KEY, b LONGBLOB)");
            int id = serverPrepared ? 2 : 1;
            s.execute("DELETE FROM blobs WHERE id = " + id);
            try (PreparedStatement p = c.prepareStatement("INSERT INTO blobs VALUES (?, ?)")) {
                p.setInt(1, id);
                p.setBytes(2, blob);
                assertThat(p.executeUpdate()).isEqualTo(1);
            }
            try (PreparedStatement p = c.prepareStatement("SELECT b, LENGTH(b) FROM blobs WHERE id = ?")) {
                p.setInt(1, id);
                try (ResultSet rs = p.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong(2)).isEqualTo(blob.length);
                    assertThat(Arrays.equals(rs.getBytes(1), blob)).as("blob read back byte-equal").isTrue();
                }
            }
        }
    }
}
