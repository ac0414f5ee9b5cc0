package io.fluxdb.server.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fluxdb.server.Main;
import io.fluxdb.server.cli.DevLauncher;
import io.fluxdb.server.cli.NodeLauncher;
import io.fluxdb.server.config.NodeConfig;
import io.fluxdb.testkit.FreePorts;
import io.fluxdb.testkit.MariaDbExtension;
import io.fluxdb.testkit.MariaDbProcess;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
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


    /** {@code fluxdb run} in front of {@code db} on client port {@code port}, INIT_DB_NAME=shop, and {@code env}. */
    private NodeConfig runConfig(MariaDbProcess db, int port, Map<String, String> env) throws Exception {
        Map<String, String> all = new HashMap<>(env);
        all.put("DB_COMPONENT_NAME", db.host() + ":" + db.port());
        all.put("DB_INIT_PASS", db.rootPassword());
        all.put("INIT_DB_NAME", "shop");
        all.put("EXT_DB_PORT", Integer.toString(port));
        all.put("WHITELIST", "127.0.0.1");
        return parse(all, "run", "--data-dir", dataDir.toString(), "--ui-port", Integer.toString(FreePorts.next()),
                "--api-listen-port", Integer.toString(FreePorts.next()), "--raft-port", Integer.toString(FreePorts.next()));
    }

    @Test
    void servesClientsWithTheEnginesAccountsAndCreatesTheInitialDatabase(MariaDbProcess db) throws Exception {
        int port = FreePorts.next();
        NodeConfig config = runConfig(db, port, Map.of());
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

    /**
     * The original opened its pooled connections on INIT_DB_NAME, so its applications may name no database: they
     * get INIT_DB_NAME. A client that names a database gets its own; one without rights on INIT_DB_NAME gets none.
     */
    @Test
    void aClientThatNamesNoDatabaseGetsInitDbName(MariaDbProcess db) throws Exception {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(""), "root", db.rootPassword());
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS other");
            s.execute("CREATE USER 'outsider'@'%' IDENTIFIED BY 'outsider-pw'");
            s.execute("GRANT ALL ON other.* TO 'outsider'@'%'");
        }
        int port = FreePorts.next();
        try (OperatorNode node = OperatorNode.start(runConfig(db, port, Map.of()))) {
            try (Connection c = connect(port, "", "root", db.rootPassword()); Statement s = c.createStatement()) {
                assertThat(currentDatabase(c)).isEqualTo("shop");
                s.execute("CREATE TABLE items (id INT PRIMARY KEY)");
                s.execute("INSERT INTO items VALUES (1), (2)");
            }
            try (Connection c = connect(port, "", "root", db.rootPassword()); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM items")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).as("an unqualified name is found in INIT_DB_NAME").isEqualTo(2);
            }
            try (Connection c = connect(port, "other", "root", db.rootPassword())) {
                assertThat(currentDatabase(c)).isEqualTo("other");
            }
            try (Connection c = connect(port, "", "outsider", "outsider-pw")) {
                assertThat(currentDatabase(c)).as("no rights on INIT_DB_NAME: no database, as asked").isNull();
            }
            try (Connection c = connect(port, "other", "outsider", "outsider-pw")) {
                assertThat(currentDatabase(c)).isEqualTo("other");
            }
            assertThatThrownBy(() -> connect(port, "shop", "outsider", "outsider-pw"))
                    .as("a database the client names itself is checked as the engine checks it")
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1044));

            // A user that has not logged in before, so no pooled engine connection of its own hides the engine's answer.
            try (Connection c = connect(port, "", "root", db.rootPassword()); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE shop");
                s.execute("CREATE USER 'latecomer'@'%' IDENTIFIED BY 'latecomer-pw'");
                s.execute("GRANT ALL ON *.* TO 'latecomer'@'%'");
            }
            try (Connection c = connect(port, "", "latecomer", "latecomer-pw")) {
                assertThat(currentDatabase(c)).as("INIT_DB_NAME dropped: no database, as asked").isNull();
            }
            assertThatThrownBy(() -> connect(port, "shop", "latecomer", "latecomer-pw"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1049));
        }
    }

    @Test
    void selectInitDbFalseLeavesAClientThatNamesNoDatabaseWithNone(MariaDbProcess db) throws Exception {
        int port = FreePorts.next();
        try (OperatorNode node = OperatorNode.start(runConfig(db, port, Map.of("SELECT_INIT_DB", "false")));
                Connection c = connect(port, "", "root", db.rootPassword())) {
            assertThat(currentDatabase(c)).isNull();
        }
    }

    /** MariaDB Connector/J through the operator; an empty {@code database} names none in the handshake. */
    private static Connection connect(int port, String database, String user, String password) throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/" + database + "?sslMode=trust",
                user, password);
    }

    private static String currentDatabase(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT DATABASE()")) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    @Test
    void anUnreachableEngineIsOneClearError() throws Exception {
        int closedPort = FreePorts.next();
        NodeConfig config = parse(Map.of("DB_COMPONENT_NAME", "127.0.0.1:" + closedPort),
                "run", "--data-dir", dataDir.toString(), "--port", Integer.toString(FreePorts.next()),
                "--ui-port", Integer.toString(FreePorts.next()), "--api-listen-port", Integer.toString(FreePorts.next()),
                "--raft-port", Integer.toString(FreePorts.next()), "--engine-wait", "0");
        assertThatThrownBy(() -> OperatorNode.start(config))
                .hasMessageContaining("the engine at 127.0.0.1:" + closedPort + " is not reachable")
                .hasMessageContaining("ENGINE_WAIT=0");
    }
}
