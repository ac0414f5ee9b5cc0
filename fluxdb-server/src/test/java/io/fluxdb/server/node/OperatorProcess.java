package io.fluxdb.server.node;

import io.fluxdb.server.Main;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One FluxDB operator as a child JVM running {@code fluxdb run} ({@link Main}) on this test's class path, configured
 * by environment variables as an operator is in production. Its output goes to a log file that is kept across
 * restarts, so a failure message can show what every run of the node said.
 */
final class OperatorProcess {
    /** The line a node logs once its client port accepts connections. */
    static final String READY = "FluxDB is ready";

    private final String name;
    private final Map<String, String> environment;
    private final Path logFile;
    private final List<String> prefix;
    private Process process;
    private long startOffset;
    private int starts;

    OperatorProcess(String name, Map<String, String> environment, Path logFile) {
        this(name, environment, logFile, List.of());
    }

    /** @param prefix a command the JVM's command line is run with (one that execs it, such as ip netns exec) */
    OperatorProcess(String name, Map<String, String> environment, Path logFile, List<String> prefix) {
        this.name = name;
        this.environment = Map.copyOf(environment);
        this.logFile = logFile;
        this.prefix = List.copyOf(prefix);
    }

    /**
     * Starts the JVM. {@code jvmOptions} come before the main class (a {@code -D} test hook, say). Small heap,
     * serial GC and C1 only: three of these share two cores with their engines and the test.
     */
    void start(String... jvmOptions) throws IOException {
        if (isRunning()) {
            throw new IllegalStateException(name + " is running");
        }
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(java, "-Xmx256m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED"));
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "run"));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        // Only what a node is given: nothing of the test JVM's environment may configure it by accident.
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        builder.environment().putAll(environment);
        starts++;
        Files.writeString(logFile, "==== " + LocalTime.now() + " " + name + " start " + starts + " "
                + String.join(" ", jvmOptions) + "\n",
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        startOffset = Files.size(logFile);
        process = builder.start();
    }

    /** Waits until this run logged {@link #READY}; fails with the run's log if it exits or the time passes. */
    void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!logOfThisRun().contains(READY)) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + " before it was ready:\n"
                        + tail(logOfThisRun(), 40));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + " not ready within " + timeout + ":\n" + tail(logOfThisRun(), 40));
            }
            Thread.sleep(50);
        }
    }

    /** Waits until this run logged {@link #READY} or ended (a node armed to halt may halt while it catches up). */
    void awaitReadyOrExit(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!logOfThisRun().contains(READY) && process.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    /** SIGKILL, as a crash of the machine's process would end it; waits until it is gone. */
    void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** SIGSTOP: the process keeps its sockets but neither answers nor sends anything, like a long GC pause. */
    void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    /** The exit status, once the process ended within {@code timeout}; else -1. */
    int awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    boolean isRunning() {
        return process != null && process.isAlive();
    }

    String name() {
        return name;
    }

    /** Everything every run of this node logged. */
    String log() {
        return logSince(0);
    }

    /** The size of the log now, to read what comes after it with {@link #logSince(long)}. */
    long logSize() {
        try {
            return Files.size(logFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String logSince(long offset) {
        try (var file = new java.io.RandomAccessFile(logFile.toFile(), "r")) {
            long from = Math.min(offset, file.length());
            byte[] bytes = new byte[(int) (file.length() - from)];
            file.seek(from);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String logOfThisRun() {
        return logSince(startOffset);
    }

    static String tail(String text, int lines) {
        String[] all = text.split("\n");
        return String.join("\n", List.of(all).subList(Math.max(0, all.length - lines), all.length));
    }

    private void signal(String signal) throws IOException, InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + signal + " " + process.pid() + " failed");
        }
    }

    @Override
    public String toString() {
        return name + (isRunning() ? " (pid " + process.pid() + ")" : " (not running)");
    }
}
