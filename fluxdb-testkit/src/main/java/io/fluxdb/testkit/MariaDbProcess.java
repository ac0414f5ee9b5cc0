package io.fluxdb.testkit;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * A private MariaDB server process listening on {@code 127.0.0.1}, for tests and for a managed local engine.
 *
 * <pre>{@code
 * try (MariaDbProcess db = MariaDbProcess.builder().rootPassword("secret").start()) {
 *     Connection c = DriverManager.getConnection(db.jdbcUrl("mysql"), "root", db.rootPassword());
 * }
 * }</pre>
 *
 * <p>By default the server gets a free port and a temporary directory that {@link #close()} deletes. Its option file
 * ({@code my.cnf}), error log ({@code error.log}), standard output and error ({@code stdout.log},
 * {@code stderr.log}) live in {@link #instanceDir()}; the data in {@link #dataDir()}. A new data directory is created
 * with {@code mariadb-install-db}; at every start root gets {@link #rootPassword()} for {@code localhost},
 * {@code 127.0.0.1}, {@code ::1} and {@code %}.
 *
 * <p>{@link #stop()} and {@link #start()} restart the server on the same data directory and port; {@link #kill()}
 * ends it abruptly, as a crash would. A JVM shutdown hook stops servers that were not closed. Methods are thread
 * safe.
 *
 * <p>An instance made with {@link #external} describes a server that something else runs: it exposes only the
 * connection details, {@link #close()} does nothing, and the lifecycle methods throw
 * {@link UnsupportedOperationException}.
 */
public final class MariaDbProcess implements AutoCloseable {

    /** The address every managed server binds. */
    public static final String LOOPBACK = "127.0.0.1";

    private static final Duration POLL_INTERVAL = Duration.ofMillis(25);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration HOOK_STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final int PORT_ATTEMPTS = 5;
    private static final int TAIL_LINES = 40;
    /** sun_path holds 108 bytes including the terminating NUL. */
    private static final int MAX_SOCKET_PATH = 100;

    private final String host;
    private final String rootPassword;
    private final Managed managed;
    private volatile int port;

    /** State of a server this object runs; absent for an external server. */
    private static final class Managed {
        final MariaDbBinaries binaries;
        final List<ServerConfig.Option> options;
        final int maxConnections;
        final Duration startupTimeout;
        final Duration shutdownTimeout;
        final Duration exitGrace;
        final boolean temporary;
        final Path instanceDir;
        final Path dataDir;
        final Path socketDir;
        final boolean runAsRoot;
        /** Whether a start may move to another port when the chosen one was taken meanwhile. */
        boolean portMayChange;
        volatile Process process;
        volatile boolean closed;
        Thread shutdownHook;

        Managed(Builder b, Path instanceDir, Path dataDir, Path socketDir) {
            this.binaries = b.binaries;
            this.options = List.copyOf(b.options);
            this.maxConnections = b.maxConnections;
            this.startupTimeout = b.startupTimeout;
            this.shutdownTimeout = b.shutdownTimeout;
            this.exitGrace = b.exitGrace;
            this.temporary = b.persistentDirectory == null;
            this.instanceDir = instanceDir;
            this.dataDir = dataDir;
            this.socketDir = socketDir;
            this.runAsRoot = runningAsRoot();
            this.portMayChange = b.port == 0;
        }
    }

    private MariaDbProcess(String host, int port, String rootPassword, Managed managed) {
        this.host = host;
        this.port = port;
        this.rootPassword = rootPassword;
        this.managed = managed;
    }

    /** A builder for a managed server. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Describes a server that runs elsewhere, such as one given with {@code -Dfluxdb.it.mariadb.url}; root connects
     * with {@code rootPassword}.
     */
    public static MariaDbProcess external(String host, int port, String rootPassword) {
        requireNonNull(host, "host is null");
        requireNonNull(rootPassword, "rootPassword is null");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host is blank");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
        }
        return new MariaDbProcess(host, port, rootPassword, null);
    }

    /** Whether this object describes a server it does not run. */
    public boolean isExternal() {
        return managed == null;
    }

    /** The address to connect to. */
    public String host() {
        return host;
    }

    /** The TCP port. */
    public int port() {
        return port;
    }

    /** The password of root. */
    public String rootPassword() {
        return rootPassword;
    }

    /**
     * A MariaDB Connector/J URL for a database ({@code ""} for none). It disables TLS, which the driver requests by
     * default and these servers do not offer.
     */
    public String jdbcUrl(String database) {
        requireNonNull(database, "database is null");
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return "jdbc:mariadb://" + h + ":" + port + "/" + database + "?sslMode=disable";
    }

    /** The directory holding the option file, the logs and, by default, the data. */
    public Path instanceDir() {
        return managed().instanceDir;
    }

    /** The data directory. */
    public Path dataDir() {
        return managed().dataDir;
    }

    /** The Unix socket, on which root connects as {@code 'root'@'localhost'}. */
    public Path socketPath() {
        return managed().socketDir.resolve("mysqld.sock");
    }

    /** The server's error log. */
    public Path errorLog() {
        return managed().instanceDir.resolve("error.log");
    }

    /** The last {@code lines} lines of the error log, for diagnostics. */
    public String errorLogTail(int lines) {
        return PathUtil.tail(errorLog(), lines);
    }

    /** The binaries this server runs. */
    public MariaDbBinaries binaries() {
        return managed().binaries;
    }

    /** The operating system's process id, if the server is running. */
    public OptionalLong pid() {
        Process p = managed().process;
        return p != null && p.isAlive() ? OptionalLong.of(p.pid()) : OptionalLong.empty();
    }

    /** Whether the server process is alive. */
    public boolean isRunning() {
        Process p = managed().process;
        return p != null && p.isAlive();
    }

    /**
     * Starts the server if it is not running and waits until it accepts connections, creating the data directory
     * first if it is new.
     *
     * @throws IllegalStateException if the server fails to start or is not ready within the startup timeout; the
     *     message holds the tail of the error log
     */
    public synchronized void start() {
        Managed m = managed();
        if (m.closed) {
            throw new IllegalStateException("closed: " + this);
        }
        if (isRunning()) {
            return;
        }
        long deadline = System.nanoTime() + m.startupTimeout.toNanos();
        Path initFile = m.instanceDir.resolve("init.sql");
        try {
            Files.createDirectories(m.dataDir);
            Files.createDirectories(tmpDir());
            boolean newDataDir = !isInitialized(m.dataDir);
            if (newDataDir) {
                writeConfig();
                installDb(deadline);
            }
            writeInitFile(initFile, newDataDir);
            for (int attempt = 1; ; attempt++) {
                writeConfig();
                long logOffset = PathUtil.size(errorLog());
                launch(initFile);
                try {
                    awaitReady(deadline);
                    m.portMayChange = false;
                    return;
                } catch (StartFailure e) {
                    killProcess();
                    String attemptLog = PathUtil.readFrom(errorLog(), logOffset);
                    if (m.portMayChange && attempt < PORT_ATTEMPTS && addressInUse(attemptLog)
                            && System.nanoTime() < deadline) {
                        port = FreePorts.next(); // another process took the port between probe and bind
                        continue;
                    }
                    throw new IllegalStateException(e.getMessage() + diagnostics(), e);
                }
            }
        } catch (IOException e) {
            killProcess();
            throw new UncheckedIOException("cannot start " + this + diagnostics(), e);
        } finally {
            // The file holds the password and is only needed while the server starts.
            deleteQuietly(initFile);
        }
    }

    /**
     * Stops the server gracefully (SIGTERM), killing it if it has not exited within the shutdown timeout. The data
     * directory and port are kept for {@link #start()}. Does nothing if the server is not running.
     */
    public synchronized void stop() {
        Managed m = managed();
        Process p = m.process;
        if (p == null) {
            return;
        }
        terminate(p, m.shutdownTimeout);
        m.process = null;
    }

    /** Kills the server (SIGKILL) as a crash would, leaving InnoDB to recover at the next {@link #start()}. */
    public synchronized void kill() {
        managed();
        killProcess();
    }

    /**
     * Stops the server and, unless a persistent directory was given, deletes its directory. Idempotent; does nothing
     * for an external server.
     */
    @Override
    public synchronized void close() {
        Managed m = managed;
        if (m == null || m.closed) {
            return;
        }
        m.closed = true;
        try {
            stop();
        } finally {
            removeShutdownHook(m);
            cleanUpDirectories(m);
        }
    }

    @Override
    public String toString() {
        if (managed == null) {
            return "MariaDbProcess{external " + host + ":" + port + "}";
        }
        return "MariaDbProcess{" + host + ":" + port + ", " + managed.binaries.flavour().name().toLowerCase(java.util.Locale.ROOT)
                + ", dir=" + managed.instanceDir + "}";
    }

    private Managed managed() {
        if (managed == null) {
            throw new UnsupportedOperationException("an external server (" + host + ":" + port
                    + ") offers only host, port and password");
        }
        return managed;
    }

    private Path configFile() {
        return managed.instanceDir.resolve("my.cnf");
    }

    private Path tmpDir() {
        return managed.instanceDir.resolve("tmp");
    }

    private static boolean isInitialized(Path dataDir) {
        return Files.isDirectory(dataDir.resolve("mysql"));
    }

    private void writeConfig() throws IOException {
        Managed m = managed;
        ServerConfig config = new ServerConfig(m.binaries.baseDir(), m.dataDir, socketPath(),
                m.instanceDir.resolve("mysqld.pid"), errorLog(), tmpDir(), port, m.maxConnections, m.runAsRoot,
                m.options);
        Files.writeString(configFile(), config.render());
    }

    private void writeInitFile(Path initFile, boolean newDataDir) throws IOException {
        deleteQuietly(initFile);
        Files.createFile(initFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(initFile, ServerConfig.rootPasswordSql(rootPassword, newDataDir));
    }

    private void installDb(long deadline) throws IOException {
        Managed m = managed;
        List<String> command = new ArrayList<>();
        command.add(m.binaries.installDb().toString());
        // The server reads --defaults-file only as the first argument.
        command.add("--defaults-file=" + configFile());
        m.binaries.baseDir().ifPresent(dir -> command.add("--basedir=" + dir));
        command.add("--datadir=" + m.dataDir);
        command.add("--auth-root-authentication-method=normal");
        command.add("--skip-test-db");
        Path log = m.instanceDir.resolve("install-db.log");
        Process p = new ProcessBuilder(command)
                .directory(m.instanceDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        try {
            if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("mariadb-install-db did not finish within " + m.startupTimeout
                        + " for " + this + diagnostics());
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the data directory of " + this, e);
        }
        if (p.exitValue() != 0) {
            String diagnostics = diagnostics();
            // The directory was new: remove the half-made one so that the next start runs install-db again.
            PathUtil.deleteRecursively(m.dataDir);
            throw new IllegalStateException("mariadb-install-db exited with " + p.exitValue() + " for " + this
                    + diagnostics);
        }
    }

    private void launch(Path initFile) throws IOException {
        Managed m = managed;
        List<String> command = List.of(m.binaries.mariadbd().toString(),
                "--defaults-file=" + configFile(),
                "--init-file=" + initFile);
        m.process = new ProcessBuilder(command)
                .directory(m.instanceDir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(m.instanceDir.resolve("stdout.log").toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(m.instanceDir.resolve("stderr.log").toFile()))
                .start();
    }

    /**
     * Ready means a greeting on this server's own socket, which no other server can own, and then on its TCP port.
     * A greeting on the port alone could come from another process that took the port.
     */
    private void awaitReady(long deadline) throws StartFailure {
        Managed m = managed;
        String lastProblem = "no socket yet";
        while (true) {
            Process p = m.process;
            if (!p.isAlive()) {
                throw new StartFailure("mariadbd exited with " + p.exitValue() + " during start of " + this);
            }
            if (Files.exists(socketPath())) {
                Optional<String> problem = HandshakeProbe.probe(UnixDomainSocketAddress.of(socketPath()),
                        PROBE_TIMEOUT);
                if (problem.isEmpty()) {
                    problem = HandshakeProbe.probe(new InetSocketAddress(LOOPBACK, port), PROBE_TIMEOUT);
                }
                if (problem.isEmpty()) {
                    return;
                }
                lastProblem = problem.get();
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new StartFailure("mariadbd was not ready within " + m.startupTimeout + " (" + lastProblem
                        + ") for " + this);
            }
            try {
                Thread.sleep(POLL_INTERVAL); // poll interval of the deadline loop
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StartFailure("interrupted while waiting for " + this);
            }
        }
    }

    private static boolean addressInUse(String log) {
        return log.contains("Address already in use") || log.contains("another server running on port");
    }

    private String diagnostics() {
        Managed m = managed;
        StringBuilder text = new StringBuilder();
        appendTail(text, m.instanceDir.resolve("install-db.log"));
        appendTail(text, errorLog());
        appendTail(text, m.instanceDir.resolve("stderr.log"));
        return text.toString();
    }

    private static void appendTail(StringBuilder text, Path file) {
        String tail = PathUtil.tail(file, TAIL_LINES);
        if (!tail.isBlank()) {
            text.append("\n--- last lines of ").append(file).append(" ---\n").append(tail);
        }
    }

    private void killProcess() {
        Process p = managed.process;
        if (p != null) {
            p.destroyForcibly();
            awaitExit(p, HOOK_STOP_TIMEOUT);
            managed.process = null;
        }
    }

    private static void terminate(Process p, Duration timeout) {
        p.destroy();
        if (!awaitExit(p, timeout)) {
            p.destroyForcibly();
            awaitExit(p, HOOK_STOP_TIMEOUT);
        }
    }

    private static boolean awaitExit(Process p, Duration timeout) {
        try {
            return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !p.isAlive();
        }
    }

    private static void cleanUpDirectories(Managed m) {
        try {
            if (m.temporary) {
                PathUtil.deleteRecursively(m.instanceDir);
            }
            if (!m.socketDir.equals(m.instanceDir)) {
                PathUtil.deleteRecursively(m.socketDir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the directory of a stopped server", e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // Only reached on a broken file system; the start or stop that called this reports the real problem.
        }
    }

    private void addShutdownHook() {
        Managed m = managed;
        // The hook must not take this object's monitor: a thread stuck in start() may hold it at exit.
        m.shutdownHook = new Thread(() -> {
            awaitOwnerStop(m);
            Process p = m.process;
            if (p != null && p.isAlive()) {
                terminate(p, HOOK_STOP_TIMEOUT);
            }
            if (m.temporary) {
                try {
                    PathUtil.deleteRecursively(m.instanceDir);
                    PathUtil.deleteRecursively(m.socketDir);
                } catch (IOException | UncheckedIOException e) {
                    // The JVM is exiting and has nowhere to report this; the directory is under the temp dir.
                }
            }
        }, "mariadb-stop-" + m.instanceDir.getFileName());
        Runtime.getRuntime().addShutdownHook(m.shutdownHook);
    }

    /**
     * Shutdown hooks run all at once: an owner that closes its server in its own hook (an operator closing its
     * sessions and its replication first, which still write to the server) gets {@code exitGrace} to do so before this
     * hook stops the server under it.
     */
    private static void awaitOwnerStop(Managed m) {
        long deadline = System.nanoTime() + m.exitGrace.toNanos();
        // closed, not "no process": a start still creating the data directory launches the server after that
        while (System.nanoTime() < deadline && !m.closed) {
            try {
                Thread.sleep(POLL_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void removeShutdownHook(Managed m) {
        if (m.shutdownHook == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(m.shutdownHook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down; the hook is running or has run.
        }
        m.shutdownHook = null;
    }

    private static boolean runningAsRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            // No /proc or no unix attribute view: fall back to the name, which is right outside odd containers.
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /** A start attempt failed; the caller decides whether to retry on another port. */
    private static final class StartFailure extends Exception {
        StartFailure(String message) {
            super(message);
        }
    }

    /** Configures and starts a managed server. */
    public static final class Builder {
        private MariaDbBinaries binaries;
        private String rootPassword;
        private final List<ServerConfig.Option> options = new ArrayList<>();
        private Path persistentDirectory;
        private int port;
        private int maxConnections = 100;
        private Duration startupTimeout = Duration.ofSeconds(120);
        private Duration shutdownTimeout = Duration.ofSeconds(30);
        private Duration exitGrace = Duration.ZERO;

        private Builder() {
        }

        /** The binaries to run; {@link MariaDbBinaries#locate()} by default. */
        public Builder binaries(MariaDbBinaries binaries) {
            this.binaries = requireNonNull(binaries, "binaries is null");
            return this;
        }

        /** The root password; a random one by default. It may not contain control characters. */
        public Builder rootPassword(String rootPassword) {
            requireNonNull(rootPassword, "rootPassword is null");
            ServerConfig.sqlString(rootPassword); // rejects what an init file cannot carry
            this.rootPassword = rootPassword;
            return this;
        }

        /**
         * Adds a server option such as {@code ("innodb_flush_log_at_trx_commit", "2")}. Later options win over
         * earlier ones and over the defaults. Options that the process manages itself (port, datadir, socket, ...)
         * are rejected.
         */
        public Builder option(String key, String value) {
            requireNonNull(value, "value is null");
            options.add(new ServerConfig.Option(key, value));
            return this;
        }

        /** Adds a server option without a value, such as {@code skip-grant-tables}. */
        public Builder flag(String key) {
            options.add(new ServerConfig.Option(key, null));
            return this;
        }

        /**
         * Keeps everything in {@code directory} (data in {@code directory/data}) and never deletes it; a data
         * directory that already exists is reused. By default a temporary directory is used and deleted on close.
         */
        public Builder persistentDirectory(Path directory) {
            this.persistentDirectory = requireNonNull(directory, "directory is null").toAbsolutePath().normalize();
            return this;
        }

        /** The TCP port; 0 (the default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
            }
            this.port = port;
            return this;
        }

        /** The server's {@code max_connections}; 100 by default. */
        public Builder maxConnections(int maxConnections) {
            if (maxConnections < 1) {
                throw new IllegalArgumentException("maxConnections: " + maxConnections + " (expected: >= 1)");
            }
            this.maxConnections = maxConnections;
            return this;
        }

        /** How long a start, including creating the data directory, may take; 120 seconds by default. */
        public Builder startupTimeout(Duration startupTimeout) {
            this.startupTimeout = positive(startupTimeout, "startupTimeout");
            return this;
        }

        /**
         * When the JVM exits with the server still running: how long to leave its owner to stop it (in the owner's
         * own shutdown hook) before the server is stopped regardless; none by default.
         */
        public Builder exitGrace(Duration exitGrace) {
            if (exitGrace.isNegative()) {
                throw new IllegalArgumentException("exitGrace: " + exitGrace + " (expected: >= 0)");
            }
            this.exitGrace = exitGrace;
            return this;
        }

        /** How long a graceful stop may take before the server is killed; 30 seconds by default. */
        public Builder shutdownTimeout(Duration shutdownTimeout) {
            this.shutdownTimeout = positive(shutdownTimeout, "shutdownTimeout");
            return this;
        }

        /**
         * Starts the server and waits until it accepts connections.
         *
         * @throws IllegalStateException if no binaries are found or the server does not start; the message says why
         */
        public MariaDbProcess start() {
            if (binaries == null) {
                binaries = MariaDbBinaries.locate();
            }
            if (rootPassword == null) {
                byte[] random = new byte[15];
                new SecureRandom().nextBytes(random);
                rootPassword = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            }
            MariaDbProcess server;
            try {
                Path instanceDir = persistentDirectory != null
                        ? Files.createDirectories(persistentDirectory)
                        : Files.createTempDirectory("fluxdb-mariadb-");
                Path socketDir = instanceDir;
                if (instanceDir.resolve("mysqld.sock").toString().length() > MAX_SOCKET_PATH) {
                    socketDir = Files.createTempDirectory("fluxdb-sock-");
                }
                Managed managed = new Managed(this, instanceDir, instanceDir.resolve("data"), socketDir);
                server = new MariaDbProcess(LOOPBACK, port == 0 ? FreePorts.next() : port, rootPassword, managed);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the server directory", e);
            }
            server.addShutdownHook();
            try {
                server.start();
            } catch (RuntimeException e) {
                try {
                    server.close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            return server;
        }

        private static Duration positive(Duration d, String name) {
            requireNonNull(d, name + " is null");
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
            }
            return d;
        }
    }
}
