package io.fluxdb.engine.mysql.testing;

import io.fluxdb.engine.mysql.MySqlEngine;
import io.fluxdb.engine.mysql.MySqlEngineFactory;
import io.fluxdb.engine.spi.ClientAdmission;
import io.fluxdb.engine.spi.Cluster;
import io.fluxdb.engine.spi.ClusterRole;
import io.fluxdb.engine.spi.CommitResult;
import io.fluxdb.engine.spi.EngineConfig;
import io.fluxdb.engine.spi.FrontEnd;
import io.fluxdb.engine.spi.FrontEndContext;
import io.fluxdb.engine.spi.LogEntryContent;
import io.fluxdb.testkit.MariaDbProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A MySQL front end in this JVM, in front of a real MariaDB, on a free loopback port. Tests
 * connect to {@link #port()} exactly as clients connect to {@code fluxdb run}.
 *
 * <pre>{@code
 * try (TestOperator op = TestOperator.start(db, Map.of("max-connections", "10"))) {
 *     DriverManager.getConnection(op.jdbcUrl("test"), "root", db.rootPassword());
 * }
 * }</pre>
 */
public final class TestOperator implements AutoCloseable {
    private final MySqlEngine engine;
    private final FrontEnd.Handle handle;

    private TestOperator(MySqlEngine engine, FrontEnd.Handle handle) {
        this.engine = engine;
        this.handle = handle;
    }

    /** A front end with default options (TLS offered with a self-signed certificate). */
    public static TestOperator start(MariaDbProcess db) {
        return start(db, Map.of(), ClientAdmission.ALLOW_ALL);
    }

    public static TestOperator start(MariaDbProcess db, Map<String, String> options) {
        return start(db, options, ClientAdmission.ALLOW_ALL);
    }

    public static TestOperator start(MariaDbProcess db, Map<String, String> options, ClientAdmission admission) {
        return start(db, options, admission, null);
    }

    /** A front end of a replicated cluster whose consensus the test plays ({@link ScriptedCluster}). */
    public static TestOperator start(MariaDbProcess db, Cluster cluster) {
        return start(db, Map.of(), ClientAdmission.ALLOW_ALL, cluster);
    }

    /** Like {@link #start(MariaDbProcess, Cluster)}, with front-end options. */
    public static TestOperator start(MariaDbProcess db, Map<String, String> options, Cluster cluster) {
        return start(db, options, ClientAdmission.ALLOW_ALL, cluster);
    }

    /** A front end with options, address rules and, unless null, a cluster whose consensus the test plays. */
    public static TestOperator start(MariaDbProcess db, Map<String, String> options, ClientAdmission admission,
            Cluster cluster) {
        MySqlEngine engine = (MySqlEngine) new MySqlEngineFactory().create(
                EngineConfig.of(db.host(), db.port(), "root", db.rootPassword()));
        engine.start();
        Map<String, String> all = new HashMap<>(options);
        all.putIfAbsent("tls-dir", SharedTls.directory().toString());
        InetSocketAddress listen = new InetSocketAddress("127.0.0.1", 0);
        try {
            FrontEnd.Handle handle = engine.frontEnd().orElseThrow()
                    .start(new FrontEndContext(listen, cluster == null ? new LocalCluster(listen) : cluster, all,
                            admission));
            return new TestOperator(engine, handle);
        } catch (IOException | RuntimeException e) {
            engine.close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    public int port() {
        return handle.localAddress().getPort();
    }

    /** The SHA-256 fingerprint of the certificate the client port presents. */
    public String certificateSha256() {
        return handle.certificateSha256().orElseThrow();
    }

    public String host() {
        return "127.0.0.1";
    }

    /** A MariaDB Connector/J URL for the operator, TLS disabled unless {@code extra} says otherwise. */
    public String jdbcUrl(String database, String... extra) {
        StringBuilder url = new StringBuilder("jdbc:mariadb://127.0.0.1:" + port() + "/" + database);
        url.append(extra.length == 0 ? "?sslMode=disable" : "?" + String.join("&", extra));
        return url.toString();
    }

    public MySqlEngine engine() {
        return engine;
    }

    @Override
    public void close() {
        try {
            handle.close();
        } finally {
            engine.close();
        }
    }

    /**
     * One self-signed certificate for the whole test JVM: generating one costs seconds, and
     * every front end in a test run may share it.
     */
    static final class SharedTls {
        private static Path directory;

        static synchronized Path directory() {
            if (directory == null) {
                try {
                    directory = Files.createTempDirectory("fluxdb-test-tls");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return directory;
        }
    }

    /** A node alone: always the leader. */
    private record LocalCluster(InetSocketAddress address) implements Cluster {
        @Override
        public String localNodeId() {
            return "test";
        }

        @Override
        public boolean replicated() {
            return false;
        }

        @Override
        public ClusterRole role() {
            return ClusterRole.localOnly("test", address);
        }

        @Override
        public void settle(long index, boolean committed) {
            throw new UnsupportedOperationException("single node");
        }

        @Override
        public CompletableFuture<CommitResult> submit(LogEntryContent entry) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException("single node"));
        }

        @Override
        public CompletableFuture<Void> awaitApplied(long index, Duration timeout) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Long> readIndex() {
            return CompletableFuture.completedFuture(0L);
        }

        @Override
        public long appliedIndex() {
            return 0;
        }
    }
}
