package io.fluxdb.server.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fluxdb.server.Main;
import io.fluxdb.server.cli.DevLauncher;
import io.fluxdb.server.cli.NodeLauncher;
import io.fluxdb.server.config.NodeConfig;
import io.fluxdb.testkit.FreePorts;
import io.fluxdb.testkit.FluxOsEmulator;
import io.fluxdb.testkit.FluxOsEmulator.Mode;
import io.fluxdb.testkit.MariaDbExtension;
import io.fluxdb.testkit.MariaDbProcess;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A single node with {@code CLIENT_APPNAME}: clients connect from loopback source addresses (127.0.0.x) that the
 * FluxOS emulator lists as the client app's instances, while WHITELIST lists none of them.
 */
@ExtendWith(MariaDbExtension.class)
class ClientAppAdmissionIT {
    private static final String APP = "shopfront";
    /** MEMBER_REMOVE_AFTER of 4 s makes the node ask FluxOS every second. */
    private static final String REMOVE_AFTER = "4s";
    /** Generous: the machine is shared, and a failing FluxOS costs a poll its retries. */
    private static final Duration WITHIN = Duration.ofSeconds(60);
    private static final String NOT_AN_INSTANCE = "is not an instance of CLIENT_APPNAME 'shopfront' as of FluxOS's"
            + " last answer";

    @TempDir
    Path dataDir;

    private FluxOsEmulator fluxos;

    @BeforeEach
    void startFluxOs() throws Exception {
        fluxos = FluxOsEmulator.start();
    }

    @AfterEach
    void stopFluxOs() {
        fluxos.close();
    }

    @Test
    void admitsTheListedInstancesKeepsTheLastGoodListAndDropsAnInstanceFluxOsStopsListing(MariaDbProcess db)
            throws Exception {
        fluxos.setLocations(APP, "127.0.0.2", "127.0.0.3:16187");
        int port = FreePorts.next();
        try (OperatorNode node = OperatorNode.start(config(db, port))) {
            await().atMost(WITHIN).ignoreExceptions().until(() -> query(port, "127.0.0.2", db) == 1);
            assertThat(query(port, "127.0.0.3", db)).as("an ip with FluxOS's :port").isEqualTo(1);
            assertRefused(port, "127.0.0.4", db, NOT_AN_INSTANCE);

            // FluxOS fails, then answers garbage, for at least two polls (of three tries) each: the last good list admits
            for (Mode failing : new Mode[] {Mode.FAIL, Mode.GARBAGE}) {
                int asked = fluxos.requestCount("/apps/location/" + APP);
                fluxos.setMode(failing);
                await().atMost(WITHIN).until(() -> fluxos.requestCount("/apps/location/" + APP) >= asked + 6);
                assertThat(query(port, "127.0.0.2", db)).as("admitted while FluxOS answers " + failing).isEqualTo(1);
                assertRefused(port, "127.0.0.4", db, NOT_AN_INSTANCE);
            }
            fluxos.setMode(Mode.NORMAL);

            // FluxOS stops listing 127.0.0.2: a new connection from it is refused within a few polls
            fluxos.setLocations(APP, "127.0.0.3");
            await().atMost(WITHIN).until(() -> refusal(port, "127.0.0.2", db) != null);
            assertRefused(port, "127.0.0.2", db, NOT_AN_INSTANCE);
            assertThat(query(port, "127.0.0.3", db)).isEqualTo(1);
            assertThat(query(port, "127.0.0.1", db)).as("WHITELIST still admits").isEqualTo(1);
        }
    }

    @Test
    void refusesEveryoneButTheWhitelistUntilFluxOsFirstAnswers(MariaDbProcess db) throws Exception {
        fluxos.setLocations(APP, "127.0.0.2");
        fluxos.setMode(Mode.FAIL);
        int port = FreePorts.next();
        try (OperatorNode node = OperatorNode.start(config(db, port))) {
            assertRefused(port, "127.0.0.2", db, "FluxOS has not yet answered");
            assertThat(query(port, "127.0.0.1", db)).as("WHITELIST admits without FluxOS").isEqualTo(1);
            fluxos.setMode(Mode.NORMAL);
            await().atMost(WITHIN).ignoreExceptions().until(() -> query(port, "127.0.0.2", db) == 1);
        }
    }

    private NodeConfig config(MariaDbProcess db, int port) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("DB_COMPONENT_NAME", db.host() + ":" + db.port());
        env.put("DB_INIT_PASS", db.rootPassword());
        env.put("INIT_DB_NAME", "shop");
        env.put("EXT_DB_PORT", Integer.toString(port));
        env.put("WHITELIST", "127.0.0.1");
        env.put("CLIENT_APPNAME", APP);
        env.put("FLUXOS_API", fluxos.baseUrl().toString());
        env.put("MEMBER_REMOVE_AFTER", REMOVE_AFTER);
        AtomicReference<NodeConfig> parsed = new AtomicReference<>();
        NodeLauncher capture = config -> {
            parsed.set(config);
            return 0;
        };
        DevLauncher unused = config -> 1;
        assertThat(Main.commandLine(env, capture, unused).execute("run", "--data-dir", dataDir.toString(),
                "--ui-port", Integer.toString(FreePorts.next()), "--api-listen-port", Integer.toString(FreePorts.next()),
                "--raft-port", Integer.toString(FreePorts.next()))).isZero();
        return parsed.get();
    }

    /** {@code SELECT 1} on a connection from {@code source}. */
    private static int query(int port, String source, MariaDbProcess db) throws SQLException {
        try (Connection c = connect(port, source, db); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT 1")) {
            assertThat(rs.next()).isTrue();
            return rs.getInt(1);
        }
    }

    /** The refusal a connection from {@code source} gets, or null when it gets in. */
    private static SQLException refusal(int port, String source, MariaDbProcess db) {
        try (Connection c = connect(port, source, db)) {
            return null;
        } catch (SQLException e) {
            return e;
        }
    }

    private static void assertRefused(int port, String source, MariaDbProcess db, String reason) {
        assertThatThrownBy(() -> connect(port, source, db).close())
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getErrorCode()).as(e.getMessage()).isEqualTo(1130);
                    assertThat(e.getMessage()).contains("Host '" + source + "'", reason);
                });
    }

    private static Connection connect(int port, String source, MariaDbProcess db) throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/shop?sslMode=trust"
                + "&localSocketAddress=" + source, "root", db.rootPassword());
    }

}
