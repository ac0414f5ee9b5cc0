package io.fluxdb.engine.mysql.clients;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.fail;

import io.fluxdb.testkit.Requirements;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a client program (the mariadb command-line tools, sysbench, the compatibility suite's
 * scenarios) to completion with a deadline, capturing its output in files so a chatty process can
 * never block on a full pipe.
 */
public final class ClientProcess {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

    private ClientProcess() {
    }

    /** What a finished process left behind. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        /** Fails the test, with the whole output, unless the process exited with 0. */
        public Result assertSuccess() {
            if (exitCode != 0) {
                fail("%s exited with %d%n--- stdout%n%s%n--- stderr%n%s", command, exitCode, stdout, stderr);
            }
            return this;
        }

        /** Both streams, for assertions that should show everything when they fail. */
        public String output() {
            return "--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    /**
     * The absolute path of {@code program} on PATH. A missing program skips the test with the
     * Debian package that provides it (fails it under {@code -Dfluxdb.require-all-clients=true}).
     */
    static String require(String program, String debianPackage) {
        requireNonNull(debianPackage, "debianPackage is null");
        return Requirements.program(program, "apt-get install -y " + debianPackage);
    }

    static Result run(List<String> command) {
        return run(command, null, Map.of(), DEFAULT_TIMEOUT);
    }

    static Result run(List<String> command, Path stdin) {
        return run(command, stdin, Map.of(), DEFAULT_TIMEOUT);
    }

    /**
     * Runs {@code command} with {@code stdin} (or nothing) as its input and {@code environment}
     * added to this JVM's, and waits at most {@code timeout}; a process still running then is
     * killed and the test fails with what it printed so far.
     */
    static Result run(List<String> command, Path stdin, Map<String, String> environment, Duration timeout) {
        return run(command, stdin, null, environment, timeout);
    }

    /** As above, in {@code directory} (this JVM's working directory when null). */
    public static Result run(List<String> command, Path stdin, Path directory, Map<String, String> environment,
            Duration timeout) {
        try {
            Path out = Files.createTempFile("fluxdb-client-", ".out");
            Path err = Files.createTempFile("fluxdb-client-", ".err");
            try {
                ProcessBuilder builder = new ProcessBuilder(command)
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .redirectInput(stdin == null ? ProcessBuilder.Redirect.from(new File("/dev/null"))
                                : ProcessBuilder.Redirect.from(stdin.toFile()));
                if (directory != null) {
                    builder.directory(directory.toFile());
                }
                builder.environment().putAll(environment);
                Process process = builder.start();
                boolean finished;
                try {
                    finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    process.destroyForcibly();
                    throw new IllegalStateException("interrupted while waiting for " + command, e);
                }
                if (!finished) {
                    // A command run through sh -c may have left its real work to a child.
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    fail("%s did not finish within %s%n--- stdout%n%s%n--- stderr%n%s", command, timeout,
                            Files.readString(out, UTF_8), Files.readString(err, UTF_8));
                }
                return new Result(List.copyOf(command), process.exitValue(), Files.readString(out, UTF_8),
                        Files.readString(err, UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
