package io.fluxdb.testkit;

import static java.util.Objects.requireNonNull;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from the machine beyond a JDK and MariaDB (which the build brings along): a client program
 * such as {@code mariadb} or {@code sysbench}, a language's driver module, a particular MariaDB version.
 *
 * <p>When it is missing the test is skipped (a JUnit assumption, counted as skipped in the build's summary) with
 * one line that says what is missing and how to install it, so that {@code ./mvnw verify} passes on a machine with
 * only a JDK. With {@code -D}{@value #REQUIRE_ALL_PROPERTY}{@code =true}, as CI runs the build, the same test fails
 * instead: CI installs every client and must never pass without running them.
 */
public final class Requirements {

    /** System property that turns every skip for a missing program into a failure. */
    public static final String REQUIRE_ALL_PROPERTY = "fluxdb.require-all-clients";

    private static final long CHECK_TIMEOUT_SECONDS = 60;

    private Requirements() {
    }

    /** Whether a missing program fails the test rather than skipping it. */
    public static boolean requireAll() {
        return Boolean.getBoolean(REQUIRE_ALL_PROPERTY);
    }

    /**
     * The absolute path of {@code program} on {@code PATH}; without one the test is skipped (or fails, see
     * {@link #requireAll()}).
     *
     * @param install the command that installs it, e.g. {@code apt-get install -y sysbench}
     */
    public static String program(String program, String install) {
        requireNonNull(program, "program is null");
        requireNonNull(install, "install is null");
        Optional<Path> found = findOnPath(program);
        if (found.isEmpty()) {
            missing("'" + program + "' (not on PATH)", install);
        }
        return found.get().toString();
    }

    /**
     * An executable at a fixed path, such as Debian's {@code /usr/bin/python3} (a {@code python3} first on
     * {@code PATH} may be another interpreter without Debian's modules); without it the test is skipped or fails.
     */
    public static String executable(Path path, String install) {
        requireNonNull(path, "path is null");
        requireNonNull(install, "install is null");
        if (!isExecutableFile(path)) {
            missing(path.toString(), install);
        }
        return path.toString();
    }

    /**
     * Runs {@code command} (a check such as {@code python3 -c "import MySQLdb"}); unless it exits with 0 the test
     * is skipped or fails, saying that {@code what} is not installed.
     */
    public static void commandSucceeds(String what, String install, List<String> command) {
        requireNonNull(what, "what is null");
        requireNonNull(install, "install is null");
        requireNonNull(command, "command is null");
        String result = run(command);
        if (result != null) {
            missing(what, install, "`" + String.join(" ", command) + "` " + result);
        }
    }

    /** The first regular, executable {@code program} in a directory of {@code PATH}. */
    public static Optional<Path> findOnPath(String program) {
        requireNonNull(program, "program is null");
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (isExecutableFile(candidate)) {
                return Optional.of(candidate.toAbsolutePath());
            }
        }
        return Optional.empty();
    }

    /**
     * Skips the test, or fails it under {@link #requireAll()}: {@code what} is not installed. Never returns; typed
     * so that a method can end with {@code return missing(...)}.
     */
    public static <T> T missing(String what, String install) {
        return missing(what, install, null);
    }

    /**
     * As {@link #missing(String, String)}; {@code details} (such as a check's output) are added to the failure
     * only, so that a skip stays one line.
     */
    public static <T> T missing(String what, String install, String details) {
        requireNonNull(what, "what is null");
        requireNonNull(install, "install is null");
        String reason = what + " is not installed; install it with: " + install;
        if (requireAll()) {
            return Assertions.fail(reason + " (-D" + REQUIRE_ALL_PROPERTY + "=true: every client must run)"
                    + (details == null || details.isBlank() ? "" : "\n" + details));
        }
        return Assumptions.abort(reason);
    }

    private static boolean isExecutableFile(Path path) {
        return Files.isRegularFile(path) && Files.isExecutable(path);
    }

    /** Null when the command exits with 0, else what went wrong. */
    private static String run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            // Drained before waiting so that a chatty check cannot block on a full pipe.
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(CHECK_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "did not finish within " + CHECK_TIMEOUT_SECONDS + " s";
            }
            return process.exitValue() == 0 ? null : "exited with " + process.exitValue() + ": " + output.strip();
        } catch (IOException e) {
            return "could not start: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }
}
