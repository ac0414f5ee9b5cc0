package io.fluxdb.engine.mysql.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fluxdb.engine.mysql.frontend.RawClient.RawPacket;
import io.fluxdb.engine.mysql.testing.TestOperator;
import io.fluxdb.protocol.message.server.ErrPacket;
import io.fluxdb.testkit.MariaDbExtension;
import io.fluxdb.testkit.MariaDbProcess;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The connection limit, thousands of clients at once, and the idle timeout. */
class LimitsIT {
    private static final int MANY = 2000;

    @RegisterExtension
    static final MariaDbExtension MARIADB = new MariaDbExtension(b -> b.maxConnections(MANY + 100));

    private static MariaDbProcess db;
    private static String password;

    @BeforeAll
    static void start(MariaDbProcess server) {
        db = server;
        password = server.rootPassword();
    }

    @Test
    void connectionOverTheLimitIsRefusedUntilOthersClose() throws Exception {
        try (TestOperator operator = TestOperator.start(db, Map.of("max-connections", "50"))) {
            List<RawClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 50; i++) {
                    clients.add(RawClient.login(operator.port(), "root", password));
                }
                try (RawClient extra = RawClient.connect(operator.port())) {
                    RawPacket first = extra.readPacket();
                    ErrPacket err = first.err();
                    assertThat(err.errorCode()).isEqualTo(1040);
                    assertThat(err.sqlState()).isEqualTo("08004");
                    assertThat(extra.closedByServer(Duration.ofSeconds(5))).isTrue();
                }
                // The refused connection took no slot: the sessions already open still work.
                assertThat(clients.getLast().query("SELECT 7").value()).isEqualTo("7");

                for (int i = 0; i < 5; i++) {
                    clients.removeLast().quit();
                }
                // The operator sees the five closes shortly after: five new clients fit, the next does not.
                for (int i = 0; i < 5; i++) {
                    await().atMost(Duration.ofSeconds(20))
                            .untilAsserted(() -> clients.add(RawClient.login(operator.port(), "root", password)));
                }
                assertThat(clients.getLast().query("SELECT 1").value()).isEqualTo("1");
                try (RawClient refused = RawClient.connect(operator.port())) {
                    assertThat(refused.readPacket().err().errorCode()).isEqualTo(1040);
                }
            } finally {
                for (RawClient c : clients) {
                    c.close();
                }
            }
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> RawClient.assertServes(operator, password));
        }
    }

    @Test
    void twoThousandClientsAtOnce() throws Exception {
        // One burst: every client connects and logs in at the same moment, and every session stays open. Each
        // login opens an engine connection too, so on a slow machine the last ones wait their turn for a while:
        // the connect timeout is raised so that the test measures that they all get in, not how fast.
        // All from the loopback and all logging in at once: this address may hold every one of them in login.
        Map<String, String> options = Map.of("max-connections", Integer.toString(MANY), "connect-timeout", "PT3M",
                "max-logins-per-address", Integer.toString(MANY));
        try (TestOperator operator = TestOperator.start(db, options);
                ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<RawClient>> logins = new ArrayList<>();
            for (int i = 0; i < MANY; i++) {
                logins.add(threads.submit(() -> {
                    go.await();
                    return RawClient.login(operator.port(), "root", password, Duration.ofMinutes(3));
                }));
            }
            go.countDown();
            List<RawClient> clients = new ArrayList<>();
            try {
                List<Throwable> failures = new ArrayList<>();
                for (Future<RawClient> login : logins) {
                    try {
                        clients.add(login.get());
                    } catch (ExecutionException e) {
                        failures.add(e.getCause());
                    }
                }
                assertThat(failures).as("failed logins").isEmpty();
                assertThat(clients).hasSize(MANY);

                List<Future<String>> answers = new ArrayList<>();
                for (int i = 0; i < MANY; i += 20) {
                    RawClient c = clients.get(i);
                    int n = i;
                    answers.add(threads.submit(() -> c.query("SELECT " + n).value()));
                }
                for (int i = 0; i < answers.size(); i++) {
                    assertThat(answers.get(i).get()).isEqualTo(Integer.toString(i * 20));
                }
            } finally {
                for (RawClient c : clients) {
                    c.close();
                }
            }
            // Every session gave its engine connection back; the pool keeps only a few of them.
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(engineThreadsConnected()).isLessThan(100));
            RawClient.assertServes(operator, password);
        }
    }

    @Test
    void idleClientIsDisconnectedWithTheTimeoutError() throws Exception {
        try (TestOperator operator = TestOperator.start(db, Map.of("idle-timeout", "PT2S"));
                RawClient client = RawClient.login(operator.port(), "root", password)) {
            assertThat(client.query("SELECT 1").value()).isEqualTo("1");
            long start = System.nanoTime();
            ErrPacket err = client.readPacket().err();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(1500));
            assertThat(err.errorCode()).isEqualTo(4031);
            assertThat(err.sqlState()).isEqualTo("HY000");
            assertThat(client.closedByServer(Duration.ofSeconds(5))).isTrue();
            RawClient.assertServes(operator, password);
        }
    }

    @Test
    void idleTimeCountsFromTheEndOfTheLastCommand() throws Exception {
        try (TestOperator operator = TestOperator.start(db, Map.of("idle-timeout", "PT4S"));
                RawClient client = RawClient.login(operator.port(), "root", password)) {
            // A statement running longer than the idle timeout is not idleness. Counted from the client's last
            // packet, the session would be closed 1 s after this 7 s statement (8 s after the packet).
            assertThat(client.query("SELECT SLEEP(7)").value()).isEqualTo("0");
            // Idle for less than the timeout after it: still connected.
            assertThat(client.closedByServer(Duration.ofMillis(2500))).isFalse();
            assertThat(client.query("SELECT 2").value()).isEqualTo("2");
        }
    }

    @Test
    void idleConnectorJClientFindsItsConnectionClosed() throws Exception {
        try (TestOperator operator = TestOperator.start(db, Map.of("idle-timeout", "PT2S"));
                Connection c = DriverManager.getConnection(operator.jdbcUrl(""), "root", password)) {
            // Each probe is activity: probe only after the timeout has passed, and rarely.
            await().pollDelay(Duration.ofSeconds(3)).pollInterval(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(15))
                    .until(() -> probeFails(c));
            RawClient.assertServes(operator, password);
        }
    }

    private static boolean probeFails(Connection c) {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            return false;
        } catch (SQLException e) {
            return true;
        }
    }

    private static int engineThreadsConnected() throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(""), "root", password);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW STATUS LIKE 'Threads_connected'")) {
            assertThat(rs.next()).isTrue();
            return rs.getInt(2);
        }
    }
}
