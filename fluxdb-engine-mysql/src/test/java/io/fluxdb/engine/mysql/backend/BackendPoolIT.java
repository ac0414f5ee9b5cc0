package io.fluxdb.engine.mysql.backend;

import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_DEPRECATE_EOF;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_LONG_PASSWORD;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_MULTI_RESULTS;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_PLUGIN_AUTH;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_PROTOCOL_41;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_SECURE_CONNECTION;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_TRANSACTIONS;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fluxdb.protocol.auth.Credential;
import io.fluxdb.protocol.constant.CommandType;
import io.fluxdb.testkit.MariaDbExtension;
import io.fluxdb.testkit.MariaDbProcess;
import io.fluxdb.protocol.codec.Packet;
import io.fluxdb.protocol.codec.ResponseTracker;
import io.fluxdb.engine.mysql.transport.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The pool against a real MariaDB: reuse, reset on return, event-loop affinity, the bound. */
@ExtendWith(MariaDbExtension.class)
class BackendPoolIT {
    private static final long CAPABILITIES = CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_TRANSACTIONS
            | CLIENT_SECURE_CONNECTION | CLIENT_MULTI_RESULTS | CLIENT_PLUGIN_AUTH | CLIENT_DEPRECATE_EOF;
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static MariaDbProcess db;
    private EventLoopGroup loops;
    private BackendKey key;
    private Credential credential;

    @BeforeAll
    static void server(MariaDbProcess server) {
        db = server;
    }

    @BeforeEach
    void setUp() {
        loops = Transport.chosen().newGroup(2, "pool-it");
        key = new BackendKey("root", CAPABILITIES, 45, "");
        credential = Credential.password(db.rootPassword());
    }

    @AfterEach
    void tearDown() {
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private BackendPool pool(int maxTotal) {
        return new BackendPool(new MySqlBackendConnector(Transport.chosen(), db.host(), db.port()), maxTotal, 8,
                Duration.ofMinutes(5), Duration.ofSeconds(30), 64);
    }

    @Test
    void aReturnedConnectionIsResetAndReusedOnItsEventLoop() throws Exception {
        EventLoop loop = loops.next();
        try (BackendPool pool = pool(10)) {
            BackendConnection first = borrow(pool, loop);
            assertThat(first.channel().eventLoop()).isSameAs(loop);
            assertThat(query(first, "SET @leftover = 42")).startsWith("OK");
            pool.release(first);
            awaitIdle(pool, 1);

            BackendConnection again = borrow(pool, loop);
            assertThat(again.threadId()).isEqualTo(first.threadId());
            // COM_RESET_CONNECTION ran on return: the previous session's variable is gone.
            assertThat(query(again, "SELECT @leftover IS NULL")).isEqualTo("ROW 1");
            assertThat(pool.totalConnections()).isEqualTo(1);
        }
    }

    @Test
    void aSessionOnAnotherEventLoopGetsItsOwnConnectionWhileThePoolMayGrow() throws Exception {
        EventLoop a = loops.next();
        EventLoop b = loops.next();
        assertThat(a).isNotSameAs(b);
        try (BackendPool pool = pool(10)) {
            BackendConnection onA = borrow(pool, a);
            pool.release(onA);
            awaitIdle(pool, 1);
            BackendConnection onB = borrow(pool, b);
            assertThat(onB.channel().eventLoop()).isSameAs(b);
            assertThat(onB.threadId()).isNotEqualTo(onA.threadId());
            assertThat(pool.totalConnections()).isEqualTo(2);
        }
    }

    @Test
    void atTheBoundAnIdleConnectionOfAnotherLoopIsReusedAndBeyondItBorrowingFails() throws Exception {
        EventLoop a = loops.next();
        EventLoop b = loops.next();
        try (BackendPool pool = pool(1)) {
            BackendConnection onA = borrow(pool, a);
            pool.release(onA);
            awaitIdle(pool, 1);
            BackendConnection reused = borrow(pool, b);
            assertThat(reused.threadId()).isEqualTo(onA.threadId());
            assertThat(pool.borrow(key, credential, a))
                    .failsWithin(WAIT)
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .havingCause()
                    .isInstanceOf(BackendLoginException.class)
                    .withMessageContaining("limit of 1");
        }
    }

    @Test
    void aReusedConnectionSeesItsDatabaseAsItIsNow() throws Exception {
        EventLoop loop = loops.next();
        BackendKey withDb = new BackendKey("root", CAPABILITIES, 45, "pooldb");
        engine("CREATE DATABASE pooldb CHARACTER SET latin1");
        try (BackendPool pool = pool(10)) {
            BackendConnection first = pool.borrow(withDb, credential, loop).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(query(first, "SELECT @@collation_database")).isEqualTo("ROW latin1_swedish_ci");
            pool.release(first);
            awaitIdle(pool, 1);

            // Recreated with another character set: a new login would see utf8mb4, so must a reused connection.
            engine("DROP DATABASE pooldb");
            engine("CREATE DATABASE pooldb CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci");
            BackendConnection again = pool.borrow(withDb, credential, loop).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(again.threadId()).isEqualTo(first.threadId());
            assertThat(query(again, "SELECT @@collation_database")).isEqualTo("ROW utf8mb4_general_ci");
            pool.release(again);
            awaitIdle(pool, 1);

            // Dropped: the idle connection is not handed out; the new login fails as a direct one would.
            engine("DROP DATABASE pooldb");
            assertThat(pool.borrow(withDb, credential, loop))
                    .failsWithin(WAIT)
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .havingCause()
                    .isInstanceOf(BackendLoginException.class)
                    .withMessageContaining("pooldb");
        }
    }

    private static void engine(String sql) throws java.sql.SQLException {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(db.jdbcUrl(""), "root", db.rootPassword());
                java.sql.Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Test
    void aBurstOfBorrowsLogsInToTheEngineAFewAtATime() throws Exception {
        MySqlBackendConnector engine = new MySqlBackendConnector(Transport.chosen(), db.host(), db.port());
        AtomicInteger inProgress = new AtomicInteger();
        AtomicInteger mostInProgress = new AtomicInteger();
        BackendConnector counting = (k, c, loop) -> {
            mostInProgress.accumulateAndGet(inProgress.incrementAndGet(), Math::max);
            return engine.connect(k, c, loop).whenComplete((connection, error) -> inProgress.decrementAndGet());
        };
        try (BackendPool pool = new BackendPool(counting, 40, 40, Duration.ofMinutes(5), Duration.ofSeconds(30), 3)) {
            List<CompletableFuture<BackendConnection>> burst = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                burst.add(pool.borrow(key, credential, loops.next()));
            }
            assertThat(pool.waitingLogins()).isGreaterThan(0);
            List<BackendConnection> connections = new ArrayList<>();
            for (CompletableFuture<BackendConnection> borrowed : burst) {
                connections.add(borrowed.get(WAIT.toSeconds(), TimeUnit.SECONDS));
            }
            assertThat(connections).hasSize(30).doesNotHaveDuplicates();
            assertThat(mostInProgress.get()).isEqualTo(3);
            assertThat(pool.waitingLogins()).isZero();
            for (BackendConnection c : connections) {
                assertThat(query(c, "SELECT 1")).isEqualTo("ROW 1");
                pool.discard(c);
            }
        }
    }

    @Test
    void anEngineThatAcceptsButNeverAnswersFailsTheLoginAtItsDeadlineAndFreesItsPlace() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            MySqlBackendConnector connector = new MySqlBackendConnector(Transport.chosen(), "127.0.0.1",
                    silent.getLocalPort(), Duration.ofMillis(500));
            try (BackendPool pool = new BackendPool(connector, 10, 8, Duration.ofMinutes(5), Duration.ofSeconds(30), 1)) {
                CompletableFuture<BackendConnection> first = pool.borrow(key, credential, loops.next());
                CompletableFuture<BackendConnection> second = pool.borrow(key, credential, loops.next());
                try (Socket accepted = silent.accept()) {
                    assertThatThrownBy(() -> first.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                            .hasCauseInstanceOf(ConnectTimeoutException.class)
                            .hasMessageContaining("no login to the engine at 127.0.0.1:" + silent.getLocalPort()
                                    + " within 500 ms (login not finished)");
                    // The half-open connection is closed, not left to the engine.
                    accepted.setSoTimeout((int) WAIT.toMillis());
                    assertThat(accepted.getInputStream().read()).isEqualTo(-1);
                }
                // The second login waited for the first one's place, then ran into the same silence.
                assertThatThrownBy(() -> second.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                        .hasCauseInstanceOf(ConnectTimeoutException.class);
                assertThat(pool.totalConnections()).isZero();
            }
        }
    }

    private BackendConnection borrow(BackendPool pool, EventLoop loop) throws Exception {
        return pool.borrow(key, credential, loop).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static void awaitIdle(BackendPool pool, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (pool.idleConnections() != expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(pool.idleConnections()).isEqualTo(expected);
    }

    /** "OK", "ERR <message>" or "ROW <first column of the first row>" (text protocol, DEPRECATE_EOF). */
    private static String query(BackendConnection connection, String sql) throws Exception {
        ResponseTracker tracker = ResponseTracker.forCommand(CommandType.COM_QUERY, CAPABILITIES);
        List<byte[]> packets = new ArrayList<>();
        CompletableFuture<List<byte[]>> response = new CompletableFuture<>();
        ByteBuf command = Unpooled.buffer().writeByte(CommandType.COM_QUERY).writeBytes(sql.getBytes(UTF_8));
        connection.send(new Packet(0, command), new ResponseListener() {
            @Override
            public void onPacket(Packet packet) {
                boolean complete = tracker.feed(packet.content());
                packets.add(ByteBufUtil.getBytes(packet.content()));
                packet.release();
                if (complete) {
                    connection.idle();
                    response.complete(packets);
                }
            }

            @Override
            public void onBackendFailure(Throwable cause) {
                response.completeExceptionally(cause);
            }
        });
        List<byte[]> all = response.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        byte[] first = all.getFirst();
        if ((first[0] & 0xFF) == 0x00) {
            return "OK";
        }
        if ((first[0] & 0xFF) == 0xFF) {
            return "ERR " + new String(first, 9, first.length - 9, UTF_8);
        }
        // Column count, one column definition, then the row: a length-prefixed (< 251 bytes) value.
        byte[] row = all.get(2);
        return "ROW " + new String(row, 1, row[0], UTF_8);
    }
}
