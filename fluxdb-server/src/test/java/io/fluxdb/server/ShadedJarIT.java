package io.fluxdb.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.testkit.FreePorts;
import io.fluxdb.testkit.MariaDbExtension;
import io.fluxdb.testkit.MariaDbProcess;
import io.fluxdb.testkit.Requirements;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The artefacts users run: {@code java -jar fluxdb.jar} in its own JVM, and the {@code fluxdb}
 * launcher beside it that the Dockerfile starts. Running from the shaded jar catches what tests on
 * the class path cannot: lost service files (the JDBC driver, the engine factories), missing
 * classes, a broken manifest.
 */
@ExtendWith(MariaDbExtension.class)
class ShadedJarIT {
    private static final Path JAR = Path.of("target", "fluxdb.jar");
    private static final Path LAUNCHER = Path.of("target", "fluxdb");
    private static final Path JVM_DIR = Path.of("/usr/lib/jvm");
    private static final Duration START_DEADLINE = Duration.ofMinutes(3);
    private static final Pattern CONNECT_LINE = Pattern.compile("mysql -h(\\S+) -P(\\d+) -u(\\S+)(?: (\\S+))?");

    @TempDir
    Path dir;

    @Test
    void printsItsVersion() throws Exception {
        Process p = java("--version").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(out).startsWith("FluxDB ");
    }

    @Test
    void rejectsInvalidConfigurationWithExitCodeTwo() throws Exception {
        Process p = java("run", "--db-host", "127.0.0.1:3306", "--port", "99999").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(2);
        assertThat(out).contains("99999");
    }

    @Test
    void runServesMySqlClientsInFrontOfAnEngine(MariaDbProcess db) throws Exception {
        int port = FreePorts.next();
        ProcessBuilder run = java("run", "--db-host", db.host() + ":" + db.port(), "--db-user", "root",
                "--bind-address", "127.0.0.1", "--port", Integer.toString(port), "--init-db", "jar_it",
                "--ui-port", Integer.toString(FreePorts.next()), "--api-listen-port", Integer.toString(FreePorts.next()),
                "--raft-port", Integer.toString(FreePorts.next()), "--data-dir", dir.resolve("node").toString());
        run.environment().put("DB_INIT_PASS", db.rootPassword());
        Process operator = run.redirectErrorStream(true).redirectOutput(dir.resolve("run.log").toFile()).start();
        try {
            String url = "jdbc:mariadb://127.0.0.1:" + port + "/jar_it?sslMode=trust";
            try (Connection c = connect(url, "root", db.rootPassword(), operator, dir.resolve("run.log"));
                    Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(20))");
                assertThat(s.executeUpdate("INSERT INTO t (v) VALUES ('a'), ('b')")).isEqualTo(2);
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*), @@port FROM t")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(2);
                    assertThat(rs.getInt(2)).as("the statement ran on the engine").isEqualTo(db.port());
                }
            }
        } finally {
            assertStopsCleanly(operator, dir.resolve("run.log"));
        }
    }

    /** On a Java older than 21 the jar says in one line which Java it needs, not UnsupportedClassVersionError. */
    @Test
    void onAnOlderJavaTheJarSaysWhichJavaItNeeds() throws Exception {
        Path oldJava = olderJava();
        Process p = new ProcessBuilder(oldJava.resolve("bin/java").toString(), "-jar", JAR.toString(), "--version")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(1);
        assertThat(out.lines().toList()).as(out).hasSize(1);
        assertThat(out).startsWith("FluxDB needs Java 21 or newer; this is Java " + javaVersion(oldJava) + " (")
                .doesNotContain("UnsupportedClassVersionError");
    }

    /** The launcher passes over an older JAVA_HOME and an older java on PATH, as on this machine by default. */
    @Test
    void theLauncherFindsAJava21WhenTheDefaultIsOlder() throws Exception {
        Path oldJava = olderJava();
        assertThat(LAUNCHER).as("the build copies the launcher next to the jar").isExecutable();
        ProcessBuilder launch = new ProcessBuilder(LAUNCHER.toString(), "--version").redirectErrorStream(true);
        launch.environment().put("JAVA_HOME", oldJava.toString());
        launch.environment().put("PATH", oldJava.resolve("bin") + ":/usr/bin:/bin");
        Process p = launch.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).startsWith("FluxDB ");
    }

    /**
     * README's first command: {@code ./dev} runs {@code fluxdb.jar dev}; the printed connect command must work, with
     * Connector/J always and with the {@code mysql} client where it is installed.
     */
    @Test
    void devStartsAManagedEngineAndPrintsAWorkingConnectCommand() throws Exception {
        Path log = dir.resolve("dev.log");
        Process dev = java("dev", "--base-port", Integer.toString(FreePorts.next()), "--data-dir", dir.resolve("dev").toString())
                .redirectErrorStream(true).start();
        try {
            CompletableFuture<String> connectLine = CompletableFuture.supplyAsync(() -> firstConnectLine(dev, log));
            String line;
            try {
                line = connectLine.get(START_DEADLINE.toSeconds(), TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("no connect command within " + START_DEADLINE + ":\n"
                        + (Files.exists(log) ? Files.readString(log) : "(no output)"), e);
            }
            Matcher m = CONNECT_LINE.matcher(line);
            assertThat(m.find()).as(line).isTrue();
            String database = m.group(4) == null ? "" : m.group(4);
            try (Connection c = DriverManager.getConnection("jdbc:mariadb://" + m.group(1) + ":" + m.group(2) + "/"
                            + database + "?sslMode=trust", m.group(3), "");
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT 40 + 2, DATABASE()")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(42);
                assertThat(rs.getString(2)).isEqualTo(database.isEmpty() ? null : database);
            }
            // The managed engine's default character set takes any text (MariaDB before 11.6 defaults to latin1).
            try (Connection c = DriverManager.getConnection("jdbc:mariadb://" + m.group(1) + ":" + m.group(2)
                            + "/?sslMode=trust", m.group(3), "");
                    Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE notes");
                s.execute("CREATE TABLE notes.note (t VARCHAR(20))");
                assertThat(s.executeUpdate("INSERT INTO notes.note VALUES ('caf\u00e9 \u2615 \ud83d\ude00')")).isEqualTo(1);
                try (ResultSet rs = s.executeQuery("SELECT t FROM notes.note")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("caf\u00e9 \u2615 \ud83d\ude00");
                }
            }
            Requirements.program("mysql", "apt-get install -y mariadb-client");
            List<String> mysql = new ArrayList<>(List.of(line.substring(m.start()).trim().split("\\s+")));
            mysql.addAll(List.of("--batch", "--skip-column-names", "-e", "SELECT 40 + 2, DATABASE()"));
            Process client = new ProcessBuilder(mysql).redirectErrorStream(true).start();
            String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(client.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(client.exitValue()).as(out).isZero();
            assertThat(out.trim()).isEqualTo("42\t" + (m.group(4) == null ? "NULL" : m.group(4)));
        } finally {
            assertStopsCleanly(dev, log);
        }
    }

    /**
     * SIGTERM to a three-node dev cluster: every node stops its front end and Raft while its engine still runs (the
     * last applied index is recorded as Raft stops), then the engine. Before, the engines' own exit hooks stopped them
     * at once, and each node then waited for its engine for ~10 s: 37 s in all, and "the engine failed" in the log.
     */
    @Test
    void aDevClusterStopsItsNodesBeforeTheirEnginesOnSigterm() throws Exception {
        Path log = dir.resolve("dev3.log");
        Process dev = java("dev", "--nodes", "3", "--base-port", Integer.toString(FreePorts.next()), "--data-dir",
                dir.resolve("dev3").toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Instant deadline = Instant.now().plus(START_DEADLINE);
            while (!Files.readString(log).contains("Press Ctrl-C to stop.")) {
                assertThat(dev.isAlive()).as("dev exited early:\n%s", Files.readString(log)).isTrue();
                assertThat(Instant.now()).as("dev not ready within %s:\n%s", START_DEADLINE, Files.readString(log))
                        .isBefore(deadline);
                Thread.sleep(200);
            }
            long stopping = System.nanoTime();
            dev.destroy();
            boolean exited = dev.waitFor(60, TimeUnit.SECONDS);
            Duration took = Duration.ofNanos(System.nanoTime() - stopping);
            String output = Files.readString(log);
            assertThat(exited).as("exited within 60 s after SIGTERM:\n%s", output).isTrue();
            assertThat(dev.exitValue()).as(output).isIn(0, 143);
            assertThat(output.split("Raft stopped", -1)).as(output).hasSize(4);
            assertThat(output).as("a node saw its engine go away before it stopped")
                    .doesNotContain("the engine failed").doesNotContain("its engine failed");
            // nodes of one process start one after the other and stop together: the Raft transport's warnings
            // about peers not listening then are expected, and not printed
            assertThat(output.lines().filter(l -> l.contains(" WARN ") && l.contains("Grpc")))
                    .as(output).isEmpty();
            // docker stop waits 10 s before it kills; 3 nodes in one JVM stopped in 3.8 s on the machine this was written on
            assertThat(took).as("time from SIGTERM to exit:\n%s", output).isLessThan(Duration.ofSeconds(30));
        } finally {
            dev.destroyForcibly();
        }
    }

    /** A Java older than 21 under /usr/lib/jvm (Debian's default 17 here); the test is skipped without one. */
    private static Path olderJava() throws IOException {
        if (Files.isDirectory(JVM_DIR)) {
            try (var homes = Files.list(JVM_DIR)) {
                for (Path home : homes.sorted().toList()) {
                    String version = javaVersion(home);
                    if (!version.isEmpty() && Integer.parseInt(version) < 21 && Files.isExecutable(home.resolve("bin/java"))) {
                        return home;
                    }
                }
            }
        }
        return Requirements.missing("a Java older than 21 in " + JVM_DIR + " (to run the jar on)",
                "apt-get install -y openjdk-17-jre-headless");
    }

    /** The feature release in a Java home's {@code release} file ({@code JAVA_VERSION="17.0.15"} is 17), or "". */
    private static String javaVersion(Path home) throws IOException {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release)) {
            return "";
        }
        Matcher m = Pattern.compile("^JAVA_VERSION=\"(?:1\\.)?(\\d+)", Pattern.MULTILINE).matcher(Files.readString(release));
        return m.find() ? m.group(1) : "";
    }

    private static ProcessBuilder java(String... args) {
        assertThat(JAR).as("the shaded jar is built in the package phase, before integration tests").exists();
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(javaBin, "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    /**
     * Reads the dev process's output (copied to {@code log}) up to the first printed mysql command, then hands the
     * reader to a thread that drains the rest, so the process never blocks on a full pipe. The reader is not closed
     * here: closing it would wait for that thread's pending read, which ends only with the process.
     */
    private static String firstConnectLine(Process dev, Path log) {
        BufferedReader in = new BufferedReader(new InputStreamReader(dev.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        try {
            String line;
            while ((line = in.readLine()) != null) {
                seen.append(line).append('\n');
                Files.writeString(log, seen.toString());
                if (CONNECT_LINE.matcher(line).find()) {
                    Thread.ofVirtual().start(() -> drain(in));
                    return line;
                }
            }
            throw new AssertionError("dev exited without printing a connect command:\n" + seen);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void drain(BufferedReader in) {
        try (in) {
            while (in.readLine() != null) {
                // discard
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    private static Connection connect(String url, String user, String password, Process operator, Path log)
            throws Exception {
        Instant deadline = Instant.now().plus(START_DEADLINE);
        while (true) {
            try {
                return DriverManager.getConnection(url, user, password);
            } catch (SQLException e) {
                if (!operator.isAlive()) {
                    throw new AssertionError("the operator exited with " + operator.exitValue() + ":\n"
                            + Files.readString(log), e);
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError("no connection within " + START_DEADLINE + ":\n" + Files.readString(log), e);
                }
                Thread.sleep(200);
            }
        }
    }

    /** SIGTERM, as from Ctrl-C or {@code docker stop}: the process must finish its shutdown and exit 0. */
    private static void assertStopsCleanly(Process process, Path log) throws Exception {
        process.destroy();
        boolean exited = process.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly();
        }
        String output = Files.exists(log) ? Files.readString(log) : "";
        assertThat(exited).as("exited within 60 s after SIGTERM:\n%s", output).isTrue();
        assertThat(process.exitValue()).as(output).isIn(0, 143);
    }

}
