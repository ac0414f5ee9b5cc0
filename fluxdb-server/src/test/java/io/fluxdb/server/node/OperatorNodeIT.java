package io.fluxdb.server.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fluxdb.server.Main;
import io.fluxdb.server.cli.DevLauncher;
import io.fluxdb.server.cli.NodeLauncher;
import io.fluxdb.server.config.NodeConfig;
import io.fluxdb.testkit.MariaDbExtension;
import io.fluxdb.testkit.MariaDbProcess;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code fluxdb run} as a user starts it: configuration from the original's variables, a real engine. */
@ExtendWith(MariaDbExtension.class)
class OperatorNodeIT {
    @TempDir
    Path dataDir;

    private NodeConfig parse(Map<String, String> env, String... args) {
        AtomicReference<NodeConfig> parsed = new AtomicReference<>();
        NodeLauncher capture = config -> {
            parsed.set(config);
            return 0;
        };
        DevLauncher unused = config -> 1;
        assertThat(Main.commandLine(env, capture, unused).execute(args)).isZero();
        return parsed.get();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void servesClientsWithTheEnginesAccountsAndCreatesTheInitialDatabase(MariaDbProcess db) throws Exception {
        int port = freePort();
        NodeConfig config = parse(Map.of(
                        "DB_COMPONENT_NAME", db.host() + ":" + db.port(),
                        "DB_INIT_PASS", db.rootPassword(),
                        "INIT_DB_NAME", "shop",
                        "EXT_DB_PORT", Integer.toString(port),
                        "WHITELIST", "127.0.0.1"),
                "run", "--data-dir", dataDir.toString(), "--ui-port", Integer.toString(freePort()),
                "--api-listen-port", Integer.toString(freePort()), "--raft-port", Integer.toString(freePort()));
        try (OperatorNode node = OperatorNode.start(config)) {
            assertThat(node.clientAddress().getPort()).isEqualTo(port);
            try (Connection c = DriverManager.getConnection(
                            "jdbc:mariadb://127.0.0.1:" + port + "/shop?sslMode=trust", "root", db.rootPassword());
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT DATABASE(), @@version")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("shop");
                assertThat(c.getMetaData().getDatabaseProductVersion()).contains("MariaDB");
            }
            assertThatThrownBy(() -> DriverManager.getConnection(
                            "jdbc:mariadb://127.0.0.1:" + port + "/shop?sslMode=disable", "root", "not-the-password"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1045));
        }
        // Stopped: the port is free again.
        try (ServerSocket again = new ServerSocket(port)) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void anUnreachableEngineIsOneClearError() throws Exception {
        int closedPort = freePort();
        NodeConfig config = parse(Map.of("DB_COMPONENT_NAME", "127.0.0.1:" + closedPort),
                "run", "--data-dir", dataDir.toString(), "--port", Integer.toString(freePort()),
                "--ui-port", Integer.toString(freePort()), "--api-listen-port", Integer.toString(freePort()),
                "--raft-port", Integer.toString(freePort()));
        assertThatThrownBy(() -> OperatorNode.start(config))
                .hasMessageContaining("cannot use the engine at 127.0.0.1:" + closedPort);
    }
}
