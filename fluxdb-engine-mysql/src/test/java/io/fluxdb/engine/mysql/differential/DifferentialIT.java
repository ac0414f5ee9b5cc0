package io.fluxdb.engine.mysql.differential;

import static io.fluxdb.protocol.constant.CapabilityFlags.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.engine.mysql.differential.BinarySteps.Close;
import io.fluxdb.engine.mysql.differential.BinarySteps.Execute;
import io.fluxdb.engine.mysql.differential.BinarySteps.Fetch;
import io.fluxdb.engine.mysql.differential.BinarySteps.LongData;
import io.fluxdb.engine.mysql.differential.BinarySteps.Ping;
import io.fluxdb.engine.mysql.differential.BinarySteps.Prepare;
import io.fluxdb.engine.mysql.differential.BinarySteps.Reset;
import io.fluxdb.engine.mysql.differential.WireClient.Response;
import io.fluxdb.engine.mysql.testing.TestOperator;
import io.fluxdb.protocol.constant.ServerStatus;
import io.fluxdb.protocol.message.client.ClientMessage;
import io.fluxdb.protocol.message.client.ComPing;
import io.fluxdb.protocol.message.client.ComQuery;
import io.fluxdb.protocol.message.client.ComStmtClose;
import io.fluxdb.protocol.message.client.ComStmtExecute;
import io.fluxdb.protocol.message.client.ComStmtFetch;
import io.fluxdb.protocol.message.client.ComStmtPrepare;
import io.fluxdb.protocol.message.client.ComStmtReset;
import io.fluxdb.protocol.message.client.ComStmtSendLongData;
import io.fluxdb.protocol.message.server.HandshakeV10;
import io.fluxdb.testkit.MariaDbExtension;
import io.fluxdb.testkit.MariaDbProcess;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The differential test of the operator: the same workload runs directly against MariaDB and
 * through the operator, each side in a schema of its own on the same server, and everything the
 * client receives must be the same. Only what the operator must own may differ: the connection id,
 * the version suffix, per-connection statement ids and session-state information in OK packets.
 *
 * <p>At the wire level the responses are compared byte for byte for several capability sets, in
 * the text and the binary protocol. At the JDBC level MariaDB Connector/J's view (metadata, values,
 * update counts, generated keys, warnings, exceptions) is compared, with client-side and
 * server-side prepared statements.
 */
class DifferentialIT {
    static final String USER = "root";
    static final String DIRECT_SCHEMA = "fluxdiff_d";
    static final String PROXY_SCHEMA = "fluxdiff_p";

    @RegisterExtension
    static final MariaDbExtension MARIADB = new MariaDbExtension(b -> b.option("max_allowed_packet", "256M")
            // SERVER_QUERY_WAS_SLOW depends on timing alone: keep it out of the comparison on a busy machine.
            .option("long_query_time", "100000"));

    private static MariaDbProcess db;
    private static TestOperator operator;
    private static EventLoopGroup group;
    private static final WireDiff DIFF = new WireDiff(DIRECT_SCHEMA, PROXY_SCHEMA);

    @BeforeAll
    static void start(MariaDbProcess server) {
        db = server;
        operator = TestOperator.start(db);
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (group != null) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
        if (operator != null) {
            operator.close();
        }
    }

    static void recreateSchemas() throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(""), USER, db.rootPassword());
                Statement s = c.createStatement()) {
            for (String schema : List.of(DIRECT_SCHEMA, PROXY_SCHEMA)) {
                s.execute("DROP DATABASE IF EXISTS " + schema);
                s.execute("CREATE DATABASE " + schema + " DEFAULT CHARACTER SET utf8mb4");
            }
        }
    }

    private static final long BASE = CLIENT_LONG_FLAG | CLIENT_PROTOCOL_41 | CLIENT_TRANSACTIONS | CLIENT_SECURE_CONNECTION
            | CLIENT_MULTI_STATEMENTS | CLIENT_MULTI_RESULTS | CLIENT_PS_MULTI_RESULTS | CLIENT_PLUGIN_AUTH
            | CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA;

    /** Capability sets a client may negotiate. */
    enum Capabilities {
        CLASSIC_EOF(BASE),
        DEPRECATE_EOF_SESSION_TRACK(BASE | CLIENT_DEPRECATE_EOF | CLIENT_SESSION_TRACK),
        EXTENDED_METADATA(BASE | CLIENT_SESSION_TRACK | MARIADB_CLIENT_EXTENDED_METADATA),
        EVERYTHING(BASE | CLIENT_SESSION_TRACK | CLIENT_DEPRECATE_EOF | MARIADB_CLIENT_EXTENDED_METADATA
                | CLIENT_FOUND_ROWS | MARIADB_CLIENT_STMT_BULK_OPERATIONS | MARIADB_CLIENT_PROGRESS);

        final long flags;

        Capabilities(long flags) {
            this.flags = flags;
        }
    }

    /** Both connections of one wire-level run, and the prepared statements each side holds. */
    private static final class Sides implements AutoCloseable {
        final WireClient direct;
        final WireClient proxy;
        final Map<String, Integer> directIds = new HashMap<>();
        final Map<String, Integer> proxyIds = new HashMap<>();
        final String variant;
        final List<String> mismatches = new ArrayList<>();
        final List<String> errors = new ArrayList<>();
        final List<String> errorDetails = new ArrayList<>();
        int step;

        Sides(String variant, long capabilities) throws Exception {
            this.variant = variant;
            direct = WireClient.connect(group, db.host(), db.port(), USER, db.rootPassword(), DIRECT_SCHEMA, capabilities);
            proxy = WireClient.connect(group, operator.host(), operator.port(), USER, db.rootPassword(), PROXY_SCHEMA,
                    capabilities);
        }

        /** Runs one command on both sides and records any difference; returns both responses. */
        Response[] run(String what, boolean prepare, ClientMessage toDirect, ClientMessage toProxy) throws Exception {
            return run(what, what, prepare, toDirect, toProxy);
        }

        /** {@code label} names the step in {@link #errors}, {@code what} in mismatch reports. */
        Response[] run(String label, String what, boolean prepare, ClientMessage toDirect, ClientMessage toProxy)
                throws Exception {
            step++;
            Response d;
            Response p;
            try {
                d = direct.execute(toDirect);
            } catch (Exception e) {
                throw new AssertionError(variant + ", step " + step + " `" + abbreviate(what) + "`: direct side failed", e);
            }
            try {
                p = proxy.execute(toProxy);
            } catch (Exception e) {
                throw new AssertionError(variant + ", step " + step + " `" + abbreviate(what) + "`: proxy side failed", e);
            }
            Optional<String> diff = DIFF.compare(prepare, direct.capabilities(), d, p);
            diff.ifPresent(text -> mismatches.add(variant + ", step " + step + " `" + abbreviate(what) + "`: " + text));
            if (d.endedInError()) {
                errors.add(label);
                errorDetails.add(label + ": " + WireDiff.describe(d.frames().getLast().payload(), direct.capabilities()));
            }
            return new Response[] {d, p};
        }

        @Override
        public void close() throws InterruptedException {
            try {
                direct.close();
            } finally {
                proxy.close();
            }
        }
    }

    static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    @ParameterizedTest
    @EnumSource(Capabilities.class)
    void wireLevelResponsesAreIdentical(Capabilities capabilities) throws Exception {
        recreateSchemas();
        try (Sides sides = new Sides(capabilities.name(), capabilities.flags)) {
            compareLogins(sides);
            for (String sql : Workload.text()) {
                sides.run(sql, false, new ComQuery(sql), new ComQuery(sql));
            }
            for (BinarySteps.Step step : BinarySteps.steps()) {
                runBinary(sides, step);
            }
            // The session ends as it began: both sides still in step and out of any transaction.
            Response[] last = sides.run("SELECT @@in_transaction", false, new ComQuery("SELECT @@in_transaction"),
                    new ComQuery("SELECT @@in_transaction"));
            assertThat(sides.mismatches).as("differences between direct and proxied responses").isEmpty();
            // The workload did what it meant to: exactly these steps fail, the rest succeed.
            assertThat(sides.errors).as("steps that ended in ERR: %s", sides.errorDetails).containsExactly(
                    "INSERT INTO ai (v) VALUES ('b')", "SELEC 1", "SELECT * FROM nope", "SELECT nocol FROM ai",
                    "INSERT INTO w VALUES ('abcdef', 1)", "SELECT 1; SELECT * FROM nope; SELECT 2",
                    "execute insertLong", "prepare missing", "prepare syntax");
            assertThat(last[1].statusFlags() & ServerStatus.SERVER_STATUS_IN_TRANS).isZero();
            assertThat(sides.step).isGreaterThan(Workload.text().size());
        }
    }

    /** The handshake and login differ only in what the operator owns. */
    private static void compareLogins(Sides sides) {
        HandshakeV10 d = sides.direct.session().serverHandshake();
        HandshakeV10 p = sides.proxy.session().serverHandshake();
        assertThat(p.serverVersion()).as("server version").isEqualTo(d.serverVersion() + "-fluxdb");
        assertThat(p.characterSet()).as("server collation").isEqualTo(d.characterSet());
        assertThat(p.statusFlags()).as("handshake status flags").isEqualTo(d.statusFlags());
        assertThat(Long.toHexString(sides.proxy.capabilities())).as("negotiated capabilities")
                .isEqualTo(Long.toHexString(sides.direct.capabilities()));
        var dOk = sides.direct.session().ok();
        var pOk = sides.proxy.session().ok();
        assertThat(pOk.statusFlags() & ~ServerStatus.SERVER_SESSION_STATE_CHANGED).as("login OK status flags")
                .isEqualTo(dOk.statusFlags() & ~ServerStatus.SERVER_SESSION_STATE_CHANGED);
        assertThat(pOk.warnings()).as("login OK warnings").isEqualTo(dOk.warnings());
        assertThat(pOk.affectedRows()).as("login OK affected rows").isEqualTo(dOk.affectedRows());
    }

    private static void runBinary(Sides sides, BinarySteps.Step step) throws Exception {
        switch (step) {
            case Prepare p -> {
                Response[] r = sides.run("prepare " + p.key(), p.toString(), true, new ComStmtPrepare(p.sql()), new ComStmtPrepare(p.sql()));
                if (!r[0].endedInError()) {
                    sides.directIds.put(p.key(), r[0].statementId());
                }
                if (!r[1].endedInError()) {
                    sides.proxyIds.put(p.key(), r[1].statementId());
                }
            }
            case Execute e -> sides.run("execute " + e.key(), e.toString(), false, execute(e, sides.directIds), execute(e, sides.proxyIds));
            case Fetch f -> sides.run(f.toString(), false, new ComStmtFetch(id(sides.directIds, f.key()), f.rows()),
                    new ComStmtFetch(id(sides.proxyIds, f.key()), f.rows()));
            case Reset r -> sides.run(r.toString(), false, new ComStmtReset(id(sides.directIds, r.key())),
                    new ComStmtReset(id(sides.proxyIds, r.key())));
            case LongData l -> {
                sides.direct.send(new ComStmtSendLongData(id(sides.directIds, l.key()), l.param(), l.data()));
                sides.proxy.send(new ComStmtSendLongData(id(sides.proxyIds, l.key()), l.param(), l.data()));
            }
            case Close c -> {
                sides.direct.send(new ComStmtClose(id(sides.directIds, c.key())));
                sides.proxy.send(new ComStmtClose(id(sides.proxyIds, c.key())));
            }
            case Ping p -> sides.run("COM_PING", false, new ComPing(), new ComPing());
        }
    }

    private static ComStmtExecute execute(Execute e, Map<String, Integer> ids) {
        return new ComStmtExecute(id(ids, e.key()), e.flags(), 1, e.newParamsBound(), e.types(), e.values());
    }

    private static int id(Map<String, Integer> ids, String key) {
        Integer id = ids.get(key);
        if (id == null) {
            throw new IllegalStateException("statement " + key + " was not prepared");
        }
        return id;
    }

    @ParameterizedTest(name = "useServerPrepStmts={0}")
    @ValueSource(booleans = {false, true})
    void jdbcLevelResultsAreIdentical(boolean serverPrepared) throws Exception {
        recreateSchemas();
        String options = "sslMode=disable&allowMultiQueries=true&socketTimeout=60000&useServerPrepStmts=" + serverPrepared;
        String directUrl = "jdbc:mariadb://" + db.host() + ":" + db.port() + "/" + DIRECT_SCHEMA + "?" + options;
        String proxyUrl = "jdbc:mariadb://" + operator.host() + ":" + operator.port() + "/" + PROXY_SCHEMA + "?" + options;
        try (Connection direct = DriverManager.getConnection(directUrl, USER, db.rootPassword());
                Connection proxy = DriverManager.getConnection(proxyUrl, USER, db.rootPassword())) {
            List<String> mismatches = new ArrayList<>();
            List<JdbcTranscript.Step> steps = JdbcTranscript.steps();
            for (int i = 0; i < steps.size(); i++) {
                JdbcTranscript.Step step = steps.get(i);
                List<String> d = JdbcTranscript.hideConnectionId(JdbcTranscript.run(direct, step));
                List<String> p = JdbcTranscript.normalise(JdbcTranscript.run(proxy, step), PROXY_SCHEMA, DIRECT_SCHEMA);
                int n = i + 1;
                JdbcTranscript.firstDifference(d, p).ifPresent(text -> mismatches.add(
                        "useServerPrepStmts=" + serverPrepared + ", step " + n + " `"
                                + abbreviate(step.toString()) + "`: " + text));
            }
            assertThat(mismatches).as("differences between direct and proxied JDBC results").isEmpty();
        }
    }
}
