package io.fluxdb.engine.mysql.compat;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.fail;

import io.fluxdb.engine.mysql.clients.ClientProcess;
import io.fluxdb.engine.mysql.compat.Transcript.Outcome;
import io.fluxdb.engine.mysql.compat.Transcript.Status;
import io.fluxdb.testkit.Requirements;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * One client of the compatibility suite, a directory under {@code compat/clients/} (compat/README.md): checks that it
 * is installed, runs its scenario against a {@link CompatTarget}, and compares a run through FluxDB with a run
 * against MariaDB directly, writing the verdicts that {@code compat/render-matrix} turns into docs/compatibility.md.
 * Shared by every IT that drives the suite, whatever stands behind the port.
 */
public final class CompatClient {
    /** The database every scenario owns; the caller drops and recreates it before each run. */
    public static final String DATABASE = "compat";

    private static final Duration SCENARIO_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration CHECK_TIMEOUT = Duration.ofMinutes(1);

    private final Path dir;
    private final Properties properties;

    private CompatClient(Path dir, Properties properties) {
        this.dir = dir;
        this.properties = properties;
    }

    /** What one run of the scenario printed, parsed. */
    public static final class Run {
        private final CompatTarget target;
        private final ClientProcess.Result process;
        private final Transcript transcript;

        private Run(CompatTarget target, ClientProcess.Result process, Transcript transcript) {
            this.target = target;
            this.process = process;
            this.transcript = transcript;
        }

        /** Where it ran. */
        public CompatTarget target() {
            return target;
        }
    }

    /**
     * Every client under {@code compat/clients/}, by directory name, or only those named by
     * {@code -Dfluxdb.compat.clients=pymysql,mysqlclient}. None at all fails the test.
     */
    public static List<CompatClient> selected() {
        Path root = repoRoot().resolve("compat/clients");
        List<Path> dirs;
        try (Stream<Path> list = Files.list(root)) {
            dirs = list.filter(d -> Files.isRegularFile(d.resolve("client.properties")))
                    .filter(d -> isSelected(d.getFileName().toString())).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (dirs.isEmpty()) {
            fail("no client under %s (a client is a directory with a client.properties)%s", root,
                    System.getProperty("fluxdb.compat.clients") == null ? ""
                            : " named by -Dfluxdb.compat.clients=" + System.getProperty("fluxdb.compat.clients"));
        }
        return dirs.stream().map(d -> new CompatClient(d, properties(d))).toList();
    }

    private static boolean isSelected(String id) {
        String only = System.getProperty("fluxdb.compat.clients", "").trim();
        return only.isEmpty() || List.of(only.split("\\s*,\\s*")).contains(id);
    }

    /** Drops and creates the scenario's {@link #DATABASE} on the server {@code s} is connected to. */
    public static void recreateDatabase(Statement s) throws SQLException {
        s.execute("DROP DATABASE IF EXISTS " + DATABASE);
        // Explicit, so 4-byte characters fit whatever the server's default character set.
        s.execute("CREATE DATABASE " + DATABASE + " CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci");
    }

    /** The client's directory name, which names its results files. */
    public String id() {
        return dir.getFileName().toString();
    }

    /** The client's directory, for a dynamic test's source. */
    public Path dir() {
        return dir;
    }

    private String name() {
        return properties.getProperty("name");
    }

    /**
     * Runs the client's check; a missing client skips the test with its install command as the reason, or fails it
     * under {@code -Dfluxdb.require-all-clients=true}.
     */
    public void requireInstalled() {
        ClientProcess.Result check = ClientProcess.run(List.of("sh", "-c", properties.getProperty("check")), null, dir,
                Map.of(), CHECK_TIMEOUT);
        if (check.exitCode() != 0) {
            Requirements.missing(name() + " (" + id() + ")", properties.getProperty("install"),
                    String.format("`%s` exited with %d%n%s", properties.getProperty("check"), check.exitCode(),
                            check.output()));
        }
    }

    /**
     * One run of the scenario against {@code target}, whose {@link #DATABASE} the caller has just recreated. A
     * non-zero exit (or the timeout) or a transcript that breaks compat/README.md fails the test with its output.
     */
    public Run run(CompatTarget target) {
        Map<String, String> env = Map.of(
                "FLUXDB_HOST", target.host(),
                "FLUXDB_PORT", Integer.toString(target.port()),
                "FLUXDB_USER", target.user(),
                "FLUXDB_PASSWORD", target.password(),
                "FLUXDB_DATABASE", DATABASE,
                "FLUXDB_TLS", target.tls() ? "1" : "0",
                "FLUXDB_TARGET", target.name());
        ClientProcess.Result result = ClientProcess.run(List.of("sh", "-c", properties.getProperty("command")), null,
                dir, env, SCENARIO_TIMEOUT);
        if (result.exitCode() != 0) {
            fail("%s (%s run) exited with %d%n%s", name(), target.name(), result.exitCode(), result.output());
        }
        try {
            return new Run(target, result, Transcript.parse(result.stdout()));
        } catch (IllegalArgumentException e) {
            return fail("the %s run's transcript breaks compat/README.md: %s%n%s", target.name(), e.getMessage(),
                    result.output());
        }
    }

    /**
     * Compares each of {@code others} with the {@code direct} run step by step, writes each comparison's verdicts to
     * {@code <module>/target/compat/<client>-<target>.json}, and fails with every differing step of every run, except
     * the differences compat/known-differences.properties explains (they are recorded as such, with their reason).
     */
    public void assertSameAsDirect(String module, Run direct, List<Run> others) {
        List<String> commonSteps = Transcript.commonSteps(readme());
        StringBuilder report = new StringBuilder();
        for (Run other : others) {
            Transcript d = direct.transcript;
            Transcript o = other.transcript;
            String target = other.target.name();
            if (!d.client().equals(o.client()) || !d.version().equals(o.version())) {
                fail("the direct and %s runs name different drivers: %s %s / %s %s", target, d.client(), d.version(),
                        o.client(), o.version());
            }
            List<Outcome> outcomes = Transcript.compare(commonSteps, d, o).stream().map(x -> x.status() == Status.FAIL
                    ? knownDifference(target, x.step()).map(x::known).orElse(x) : x).toList();
            writeResults(module, target, o.version(), outcomes);
            List<Outcome> failed = outcomes.stream().filter(x -> x.status() == Status.FAIL).toList();
            if (failed.isEmpty()) {
                continue;
            }
            report.append(String.format("%s %s: %d of %d steps differ on the %s run%n", o.client(), o.version(),
                    failed.size(), outcomes.size(), target));
            for (Outcome x : failed) {
                report.append(String.format("%nstep %s: %s%n  direct:   %s%n  %-9s %s%n", x.step(), x.reason(),
                        x.direct(), target + ":", x.operator()));
            }
            report.append("\n--- stderr of the ").append(target).append(" run\n").append(other.process.stderr())
                    .append('\n');
        }
        if (!report.isEmpty()) {
            report.append("\n--- stderr of the direct run\n").append(direct.process.stderr());
            fail(report.toString());
        }
    }

    /**
     * The reason compat/known-differences.properties gives for {@code step} differing on {@code target} runs of this
     * client ({@code <target>.<client>.<step>}) or of every client ({@code <target>.*.<step>}).
     */
    private Optional<String> knownDifference(String target, String step) {
        Properties known = new Properties();
        try (Reader in = Files.newBufferedReader(repoRoot().resolve("compat/known-differences.properties"), UTF_8)) {
            known.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Optional.ofNullable(known.getProperty(target + "." + id() + "." + step,
                known.getProperty(target + ".*." + step)));
    }

    private void writeResults(String module, String target, String version, List<Outcome> outcomes) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id());
        json.put("name", name());
        json.put("version", version);
        json.put("target", target);
        List<Object> steps = new ArrayList<>();
        outcomes.forEach(o -> steps.add(o.toJson()));
        json.put("steps", steps);
        Path out = repoRoot().resolve(module + "/target/compat/" + id() + "-" + target + ".json");
        try {
            Files.createDirectories(out.getParent());
            Files.writeString(out, Json.write(json) + "\n", UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Properties properties(Path dir) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(dir.resolve("client.properties"), UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String key : List.of("name", "command", "check", "install")) {
            if (p.getProperty(key, "").isBlank()) {
                fail("%s has no '%s' (see compat/README.md)", dir.resolve("client.properties"), key);
            }
        }
        return p;
    }

    private static String readme() {
        try {
            return Files.readString(repoRoot().resolve("compat/README.md"), UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first directory, from the working directory up, that holds compat/README.md. */
    private static Path repoRoot() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("compat/README.md"))) {
                return d;
            }
        }
        return fail("no compat/README.md above %s: run from the repository", Path.of("").toAbsolutePath());
    }
}
