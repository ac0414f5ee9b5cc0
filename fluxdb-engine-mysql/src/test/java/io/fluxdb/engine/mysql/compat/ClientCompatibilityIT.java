package io.fluxdb.engine.mysql.compat;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.fail;

import io.fluxdb.engine.mysql.clients.ClientProcess;
import io.fluxdb.engine.mysql.compat.Transcript.Outcome;
import io.fluxdb.engine.mysql.compat.Transcript.Status;
import io.fluxdb.engine.mysql.testing.TestOperator;
import io.fluxdb.testkit.MariaDbExtension;
import io.fluxdb.testkit.MariaDbProcess;
import io.fluxdb.testkit.Requirements;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The client compatibility suite (compat/README.md): every client under {@code compat/clients/}
 * runs the common scenario directly against MariaDB, then through the operator in front of that
 * same MariaDB, and each step must print the same line both times. One dynamic test per client;
 * the verdicts go to {@code target/compat/<client>.json} for {@code compat/render-matrix}.
 *
 * <p>A client that is not installed is skipped with its install command as the reason, unless
 * {@code -Dfluxdb.require-all-clients=true} is given (as CI does): then it fails, so CI cannot pass
 * without running every client.
 *
 * <p>{@code -Dfluxdb.compat.clients=pymysql,mysqlclient} runs only those clients (directory names).
 */
@ExtendWith(MariaDbExtension.class)
class ClientCompatibilityIT {
    private static final String DATABASE = "compat";
    private static final Duration SCENARIO_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration CHECK_TIMEOUT = Duration.ofMinutes(1);

    private static MariaDbProcess db;
    private static TestOperator operator;
    private static Path repoRoot;

    @BeforeAll
    static void start(MariaDbProcess server) {
        db = server;
        repoRoot = findRepoRoot();
        operator = TestOperator.start(db);
    }

    @AfterAll
    static void stop() {
        if (operator != null) {
            operator.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyClientSeesTheSameThroughTheOperator() throws IOException {
        List<String> commonSteps = Transcript.commonSteps(Files.readString(repoRoot.resolve("compat/README.md"), UTF_8));
        List<Path> clients;
        try (Stream<Path> dirs = Files.list(repoRoot.resolve("compat/clients"))) {
            clients = dirs.filter(d -> Files.isRegularFile(d.resolve("client.properties")))
                    .filter(d -> selected(d.getFileName().toString())).sorted().toList();
        }
        if (clients.isEmpty()) {
            fail("no client under %s (a client is a directory with a client.properties)%s",
                    repoRoot.resolve("compat/clients"), System.getProperty("fluxdb.compat.clients") == null ? ""
                            : " named by -Dfluxdb.compat.clients=" + System.getProperty("fluxdb.compat.clients"));
        }
        return clients.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), dir.toUri(),
                () -> runClient(dir, commonSteps)));
    }

    private static boolean selected(String id) {
        String only = System.getProperty("fluxdb.compat.clients", "").trim();
        return only.isEmpty() || List.of(only.split("\\s*,\\s*")).contains(id);
    }

    private void runClient(Path dir, List<String> commonSteps) throws Exception {
        String id = dir.getFileName().toString();
        Properties client = properties(dir);
        requireInstalled(id, dir, client);

        recreateDatabase();
        ClientProcess.Result direct = scenario(dir, client, db.port(), false);
        recreateDatabase();
        ClientProcess.Result proxied = scenario(dir, client, operator.port(), true);

        Transcript directRun = transcript("direct", direct);
        Transcript operatorRun = transcript("operator", proxied);
        if (!directRun.client().equals(operatorRun.client()) || !directRun.version().equals(operatorRun.version())) {
            fail("the two runs name different drivers: %s %s / %s %s", directRun.client(), directRun.version(),
                    operatorRun.client(), operatorRun.version());
        }
        List<Outcome> outcomes = Transcript.compare(commonSteps, directRun, operatorRun);
        writeResults(id, client.getProperty("name"), operatorRun.version(), outcomes);

        List<Outcome> failed = outcomes.stream().filter(o -> o.status() == Status.FAIL).toList();
        if (!failed.isEmpty()) {
            StringBuilder report = new StringBuilder();
            report.append(String.format("%s %s: %d of %d steps differ through the operator%n", operatorRun.client(),
                    operatorRun.version(), failed.size(), outcomes.size()));
            for (Outcome o : failed) {
                report.append(String.format("%nstep %s: %s%n  direct:   %s%n  operator: %s%n", o.step(), o.reason(),
                        o.direct(), o.operator()));
            }
            report.append("\n--- stderr of the direct run\n").append(direct.stderr());
            report.append("\n--- stderr of the operator run\n").append(proxied.stderr());
            fail(report.toString());
        }
    }

    private static Properties properties(Path dir) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(dir.resolve("client.properties"), UTF_8)) {
            p.load(in);
        }
        for (String key : List.of("name", "command", "check", "install")) {
            if (p.getProperty(key, "").isBlank()) {
                fail("%s has no '%s' (see compat/README.md)", dir.resolve("client.properties"), key);
            }
        }
        return p;
    }

    /** Runs the client's check; a missing client is skipped with its install command (fails with require-all). */
    private static void requireInstalled(String id, Path dir, Properties client) {
        ClientProcess.Result check = ClientProcess.run(List.of("sh", "-c", client.getProperty("check")), null, dir,
                Map.of(), CHECK_TIMEOUT);
        if (check.exitCode() != 0) {
            Requirements.missing(client.getProperty("name") + " (" + id + ")", client.getProperty("install"),
                    String.format("`%s` exited with %d%n%s", client.getProperty("check"), check.exitCode(),
                            check.output()));
        }
    }

    private static void recreateDatabase() throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(""), "root", db.rootPassword());
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + DATABASE);
            // Explicit, so 4-byte characters fit whatever the server's default character set.
            s.execute("CREATE DATABASE " + DATABASE + " CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci");
        }
    }

    /** One run of the scenario; a non-zero exit (or the timeout, in ClientProcess) fails with its output. */
    private static ClientProcess.Result scenario(Path dir, Properties client, int port, boolean throughOperator) {
        Map<String, String> env = Map.of(
                "FLUXDB_HOST", "127.0.0.1",
                "FLUXDB_PORT", Integer.toString(port),
                "FLUXDB_USER", "root",
                "FLUXDB_PASSWORD", db.rootPassword(),
                "FLUXDB_DATABASE", DATABASE,
                // The test MariaDB has no certificate; the operator always offers TLS.
                "FLUXDB_TLS", throughOperator ? "1" : "0",
                "FLUXDB_TARGET", throughOperator ? "operator" : "direct");
        ClientProcess.Result result = ClientProcess.run(List.of("sh", "-c", client.getProperty("command")), null, dir,
                env, SCENARIO_TIMEOUT);
        if (result.exitCode() != 0) {
            fail("%s (%s run) exited with %d%n%s", client.getProperty("name"), env.get("FLUXDB_TARGET"),
                    result.exitCode(), result.output());
        }
        return result;
    }

    private static Transcript transcript(String run, ClientProcess.Result result) {
        try {
            return Transcript.parse(result.stdout());
        } catch (IllegalArgumentException e) {
            return fail("the %s run's transcript breaks compat/README.md: %s%n%s", run, e.getMessage(), result.output());
        }
    }

    private static void writeResults(String id, String name, String version, List<Outcome> outcomes) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("name", name);
        json.put("version", version);
        List<Object> steps = new ArrayList<>();
        outcomes.forEach(o -> steps.add(o.toJson()));
        json.put("steps", steps);
        Path out = repoRoot.resolve("fluxdb-engine-mysql/target/compat/" + id + ".json");
        Files.createDirectories(out.getParent());
        Files.writeString(out, Json.write(json) + "\n", UTF_8);
    }

    /** The first directory, from the working directory up, that holds compat/README.md. */
    private static Path findRepoRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("compat/README.md"))) {
                return dir;
            }
        }
        return fail("no compat/README.md above %s: run from the repository", Path.of("").toAbsolutePath());
    }
}
