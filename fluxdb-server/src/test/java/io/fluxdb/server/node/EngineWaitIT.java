package io.fluxdb.server.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fluxdb.server.Main;
import io.fluxdb.server.cli.DevLauncher;
import io.fluxdb.server.cli.NodeLauncher;
import io.fluxdb.server.config.NodeConfig;
import io.fluxdb.testkit.FreePorts;
import io.fluxdb.testkit.MariaDbProcess;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The operator waits for an engine that starts after it (on Flux both containers start together), saying so while
 * it waits, and gives up with a clear error once ENGINE_WAIT has passed.
 */
@Timeout(180)
class EngineWaitIT {
    static final String PASSWORD = "late-engine-root-password";

    @TempDir
    Path dataDir;

    final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    final Logger logger = (Logger) LoggerFactory.getLogger(EngineStarter.class);

    @BeforeEach
    void captureLogs() {
        logs.start();
        logger.addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        logger.detachAppender(logs);
    }

    private NodeConfig config(int enginePort, String wait) throws Exception {
        AtomicReference<NodeConfig> parsed = new AtomicReference<>();
        NodeLauncher capture = config -> {
            parsed.set(config);
            return 0;
        };
        DevLauncher unused = config -> 1;
        Map<String, String> env = Map.of("DB_COMPONENT_NAME", "127.0.0.1:" + enginePort, "DB_INIT_PASS", PASSWORD,
                "ENGINE_WAIT", wait, "WHITELIST", "127.0.0.1");
        assertThat(Main.commandLine(env, capture, unused).execute("run", "--data-dir", dataDir.toString(),
                "--port", Integer.toString(FreePorts.next()), "--ui-port", Integer.toString(FreePorts.next()),
                "--api-listen-port", Integer.toString(FreePorts.next()), "--raft-port", Integer.toString(FreePorts.next()))).isZero();
        return parsed.get();
    }


    private boolean logged(String text) {
        return logs.list.stream().anyMatch(e -> e.getFormattedMessage().contains(text));
    }

    @Test
    void anEngineThatStartsLaterIsWaitedFor() throws Exception {
        int enginePort = FreePorts.next();
        NodeConfig config = config(enginePort, "2m");
        CompletableFuture<OperatorNode> starting = CompletableFuture.supplyAsync(() -> {
            try {
                return OperatorNode.start(config);
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        try {
            // the operator says what it waits for, every few seconds, and is still waiting
            await().atMost(Duration.ofSeconds(30)).until(() -> logged("waiting for the engine at 127.0.0.1:" + enginePort));
            assertThat(starting).isNotDone();

            try (MariaDbProcess engine = MariaDbProcess.builder().port(enginePort).rootPassword(PASSWORD).start();
                    OperatorNode node = starting.get(60, TimeUnit.SECONDS)) {
                assertThat(logged("engine at 127.0.0.1:" + enginePort + " is ready after")).isTrue();
                try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + node.clientAddress().getPort()
                                + "/test_db?sslMode=disable", "root", PASSWORD);
                        Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT DATABASE(), @@port")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("test_db");
                    assertThat(rs.getInt(2)).isEqualTo(engine.port());
                }
            }
        } finally {
            starting.cancel(true);
            starting.thenAccept(OperatorNode::close);
        }
    }

    @Test
    void noEngineWithinEngineWaitIsOneClearError() throws Exception {
        int enginePort = FreePorts.next();
        NodeConfig config = config(enginePort, "3s");
        long start = System.nanoTime();

        assertThatThrownBy(() -> OperatorNode.start(config))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the engine at 127.0.0.1:" + enginePort + " is not reachable")
                .hasMessageContaining("waited ENGINE_WAIT=3s; set ENGINE_WAIT to wait longer");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofSeconds(3), Duration.ofSeconds(15));
    }
}
