package io.fluxdb.engine.mysql.frontend;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fluxdb.engine.mysql.frontend.RawClient.RawPacket;
import io.fluxdb.engine.mysql.testing.TestOperator;
import io.fluxdb.protocol.auth.NativePassword;
import io.fluxdb.protocol.message.server.ErrPacket;
import io.fluxdb.testkit.MariaDbExtension;
import io.fluxdb.testkit.MariaDbProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * The hostile inputs of issue 11, byte for byte: each gets a clear answer (an ERR, or a close where
 * the protocol allows none) within 10 s, and a bystander session and fresh clients are served after.
 */
@Timeout(60)
class HostileInputIT {
    private static final HexFormat HEX = HexFormat.of();
    /** Every reproducer must be answered within this. */
    private static final Duration ANSWER = Duration.ofSeconds(10);

    @RegisterExtension
    static final MariaDbExtension MARIADB = new MariaDbExtension();

    private static TestOperator operator;
    private static String password;
    private static RawClient bystander;

    @BeforeAll
    static void start(MariaDbProcess db) throws IOException {
        password = db.rootPassword();
        operator = TestOperator.start(db, Map.of("packet-timeout", "PT2S", "max-logins-per-address", "8"));
        bystander = RawClient.login(operator.port(), "root", password);
    }

    @AfterAll
    static void stop() throws IOException {
        if (bystander != null) {
            bystander.close();
        }
        if (operator != null) {
            operator.close();
        }
    }

    @AfterEach
    void othersAreStillServed() throws Exception {
        assertThat(bystander.query("SELECT 42").value()).isEqualTo("42");
        RawClient.assertServes(operator, password);
    }

    /** Finding 1: the handshake response of the fuzzer's capture, sent with sequence id 255. */
    @Test
    void handshakeResponseWithSequenceId255IsOutOfOrder() throws IOException {
        try (RawClient client = RawClient.connect(operator.port(), ANSWER)) {
            client.readHandshake();
            ByteArrayOutputStream payload = new ByteArrayOutputStream();
            payload.writeBytes(HEX.parseHex("0da23f00000000012d"));
            payload.writeBytes(new byte[23]);
            payload.writeBytes(HEX.parseHex("726f6f740014"));
            payload.writeBytes(auth(client));
            payload.writeBytes(HEX.parseHex("686f6c646f7574006d7973716c5f6e61746976655f70617373776f726400190c5f636c6"
                    + "9656e745f6e616d650466757a7a045f7069640131"));
            client.write(255, payload.toByteArray());
            RawPacket reply = client.readPacket();
            assertOutOfOrder(reply.err());
            assertThat(reply.sequenceId()).as("the id the operator expected").isEqualTo(1);
            assertThat(client.closedByServer(ANSWER)).isTrue();
        }
    }

    /** Finding 2: COM_CHANGE_USER with sequence id 255; MariaDB answers 1156 and closes. */
    @Test
    void changeUserWithSequenceId255IsOutOfOrder() throws IOException {
        try (RawClient client = RawClient.login(operator.port(), "root", password, ANSWER)) {
            ByteArrayOutputStream payload = new ByteArrayOutputStream();
            payload.writeBytes(HEX.parseHex("11726f6f740014"));
            payload.writeBytes(auth(client));
            payload.writeBytes(HEX.parseHex("686f6c646f7574002d006d7973716c5f6e61746976655f70617373776f726400"));
            client.write(255, payload.toByteArray());
            RawPacket reply = client.readPacket();
            assertOutOfOrder(reply.err());
            assertThat(reply.sequenceId()).isZero();
            assertThat(client.closedByServer(ANSWER)).isTrue();
        }
    }

    /**
     * Finding 3: a COM_PING pipelined behind a COM_CHANGE_USER that the operator answers with an auth switch. By the
     * protocol the next packet is the answer to the switch: the ping is taken as it, and fails the authentication.
     */
    @Test
    void packetPipelinedBehindChangeUserAuthSwitchIsTakenAsTheAnswer() throws IOException {
        try (RawClient client = RawClient.login(operator.port(), "root", password, ANSWER)) {
            byte[] change = HEX.parseHex("116e6f73756368757365720014" + "00".repeat(20)
                    + "686f6c646f7574002d0063616368696e675f736861325f70617373776f726400");
            ByteArrayOutputStream both = new ByteArrayOutputStream();
            both.writeBytes(RawClient.frame(0, change));
            both.writeBytes(HEX.parseHex("010000000e"));
            client.writeRaw(both.toByteArray());
            RawPacket reply = client.readPacket();
            if (reply.header() == 0xFE) {
                // The auth switch: answer it as the client would, late.
                try {
                    client.write(reply.sequenceId() + 1, new byte[20]);
                } catch (IOException e) {
                    // Already refused and closed: the ERR is still there to read.
                }
                reply = client.readPacket();
            }
            assertThat(reply.err().errorCode()).isEqualTo(1045);
            assertThat(client.closedByServer(ANSWER)).isTrue();
        }
    }

    /** Finding 5: an SSLRequest followed by plain bytes is closed, and leaves at most a line, never a trace. */
    @Test
    void sslRequestFollowedByPlainBytesIsClosedQuietly() throws IOException {
        ListAppender<ILoggingEvent> log = capture(LoginHandler.class);
        try {
            for (int i = 0; i < 20; i++) {
                try (RawClient client = RawClient.connect(operator.port(), ANSWER)) {
                    client.readHandshake();
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    bytes.writeBytes(HEX.parseHex("200000010daa3f00000000012d"));
                    bytes.writeBytes(new byte[23]);
                    bytes.writeBytes(HEX.parseHex("000102030405060708090a0b0c0d0e0f"));
                    client.writeRaw(bytes.toByteArray());
                    assertThat(client.closedByServer(ANSWER)).isTrue();
                }
            }
        } finally {
            release(LoginHandler.class, log);
        }
        List<ILoggingEvent> events = new ArrayList<>(log.list);
        assertThat(events).allSatisfy(e -> assertThat(e.getThrowableProxy()).as(e.getFormattedMessage()).isNull());
        assertThat(events).as("20 bad TLS handshakes in a few seconds").hasSizeLessThanOrEqualTo(2);
    }

    /** Finding 6: COM_STMT_CLOSE and COM_STMT_SEND_LONG_DATA with a non-zero sequence id: 1156 and a close at once. */
    @Test
    void commandsWithoutReplyButWrongSequenceIdAreOutOfOrder() throws IOException {
        for (String hex : new String[] {"050000031901000000", "0a0000031801000000000061626364"}) {
            try (RawClient client = RawClient.login(operator.port(), "root", password, ANSWER)) {
                client.writeRaw(HEX.parseHex(hex));
                assertOutOfOrder(client.readPacket().err());
                assertThat(client.closedByServer(ANSWER)).isTrue();
            }
        }
    }

    /** Finding 7: the captured partial packet (its header already out of order) is refused on its header. */
    @Test
    void partialPacketAfterLoginIsAnsweredAtOnce() throws IOException {
        try (RawClient client = RawClient.login(operator.port(), "root", password, ANSWER)) {
            client.writeRaw(HEX.parseHex("feffff071cfeffffff01000000"));
            assertOutOfOrder(client.readPacket().err());
            assertThat(client.closedByServer(ANSWER)).isTrue();
        }
    }

    /** Finding 7, slow loris: a well-formed command that stops half way ends at the packet timeout (2 s here). */
    @Test
    void stalledPacketAfterLoginTimesOut() throws IOException {
        try (RawClient client = RawClient.login(operator.port(), "root", password, ANSWER)) {
            client.writeRaw(HEX.parseHex("feffff0003"));
            client.writeRaw("SELECT 1".getBytes(UTF_8));
            long start = System.nanoTime();
            ErrPacket err = client.readPacket().err();
            assertThat(err.errorCode()).isEqualTo(1159);
            assertThat(err.sqlState()).isEqualTo("08S01");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofSeconds(1), ANSWER);
            assertThat(client.closedByServer(ANSWER)).isTrue();
        }
    }

    /** Finding 8: before login, a packet longer than a login needs is refused on its header. */
    @Test
    void hugePacketBeforeLoginIsRefusedOnItsHeader() throws IOException {
        try (RawClient client = RawClient.connect(operator.port(), ANSWER)) {
            client.readHandshake();
            // 16 MiB declared (the first part of a continued packet), 16 bytes sent.
            client.writeRaw(HEX.parseHex("ffffff010102030405060708090a0b0c0d0e0f10"));
            ErrPacket err = client.readPacket().err();
            assertThat(err.errorCode()).isEqualTo(1153);
            assertThat(client.closedByServer(ANSWER)).isTrue();
        }
    }

    /** Finding 8: one address may hold only so many unfinished logins (8 here); the next is refused at once. */
    @Test
    void unfinishedLoginsFromOneAddressAreBounded() throws IOException {
        List<RawClient> silent = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                RawClient c = RawClient.connect(operator.port(), ANSWER);
                silent.add(c);
                c.readHandshake();
            }
            try (RawClient extra = RawClient.connect(operator.port(), ANSWER)) {
                ErrPacket err = extra.readPacket().err();
                assertThat(err.errorCode()).isEqualTo(1040);
                assertThat(err.message()).contains("still logging in");
                assertThat(extra.closedByServer(ANSWER)).isTrue();
            }
        } finally {
            for (RawClient c : silent) {
                c.close();
            }
        }
        // Closed logins free their places (the operator sees the closes shortly after).
        org.awaitility.Awaitility.await().atMost(ANSWER).ignoreExceptions()
                .untilAsserted(() -> RawClient.login(operator.port(), "root", password).close());
    }

    private static byte[] auth(RawClient client) {
        return NativePassword.response(password.getBytes(UTF_8), client.handshake().scramble());
    }

    private static void assertOutOfOrder(ErrPacket err) {
        assertThat(err.errorCode()).isEqualTo(1156);
        assertThat(err.sqlState()).isEqualTo("08S01");
        assertThat(err.message()).isEqualTo("Got packets out of order");
    }

    static ListAppender<ILoggingEvent> capture(Class<?> type) {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ((Logger) LoggerFactory.getLogger(type)).addAppender(appender);
        return appender;
    }

    static void release(Class<?> type, ListAppender<ILoggingEvent> appender) {
        ((Logger) LoggerFactory.getLogger(type)).detachAppender(appender);
    }
}
