package io.fluxdb.engine.mysql.frontend;

import static java.util.Objects.requireNonNull;

import io.fluxdb.engine.mysql.MySqlEngine;
import io.fluxdb.engine.mysql.account.AccountDirectory;
import io.fluxdb.engine.mysql.account.JdbcAccountLoader;
import io.fluxdb.engine.mysql.backend.BackendPool;
import io.fluxdb.engine.mysql.backend.CharsetSwitch;
import io.fluxdb.engine.mysql.backend.EngineTls;
import io.fluxdb.engine.mysql.backend.MySqlBackendConnector;
import io.fluxdb.engine.mysql.transport.Transport;
import io.fluxdb.engine.spi.FrontEnd;
import io.fluxdb.engine.spi.FrontEndContext;
import io.fluxdb.protocol.auth.CachingSha2Cache;
import io.fluxdb.protocol.auth.RsaKeyPair;
import io.fluxdb.protocol.auth.ServerAuthConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The MySQL engine's {@link FrontEnd}: builds the listener from the server's named options.
 *
 * <p>Options: {@code max-connections}, {@code idle-timeout} (ISO-8601 duration), {@code max-packet-size}
 * (bytes), {@code local-infile} (true/false), {@code tls-cert} and {@code tls-key} (PEM files), {@code tls-dir}
 * (where a self-signed certificate is generated and kept when no certificate is configured), {@code default-database}
 * (selected at login for a client that names none; by default none), {@code max-logins-per-address},
 * {@code login-packet-size} (bytes) and {@code packet-timeout} (ISO-8601 duration), see {@link ProxyConfig};
 * {@code engine-connections}, the most connections the operator holds to the engine (0 or absent: the engine's
 * {@code max_connections} less a reserve, see {@link EngineConnections}); {@code engine-tls} ({@code auto}, {@code on}
 * or {@code off}, see {@link EngineTls}) and {@code engine-tls-ca} (a PEM file that verifies the engine's certificate);
 * in a replicated cluster, {@code consistency} (the default read consistency) and {@code forward-writes} ({@code true}
 * by default: a follower sends writes to the leader over a forwarded session; {@code false}: it refuses them) and
 * {@code forward-key} (hex, at least 32 bytes derived from the cluster secret: without it there is no forwarding).
 */
public final class MySqlFrontEndFactory implements FrontEnd {
    static final Set<String> OPTIONS = Set.of("max-connections", "idle-timeout", "max-packet-size", "local-infile",
            "tls-cert", "tls-key", "tls-dir", "connect-timeout", "io-threads", "default-database",
            "max-logins-per-address", "login-packet-size", "packet-timeout", "engine-connections",
            "engine-tls", "engine-tls-ca", "consistency", "forward-writes", "forward-key");
    /**
     * Engine logins in progress at once. Enough to keep a remote engine's round trips overlapped
     * (64 logins of three round trips each), few enough that a burst of clients never has the engine
     * start thousands of threads at once.
     */
    private static final int MAX_ENGINE_LOGINS_IN_FLIGHT = 64;

    private final MySqlEngine engine;

    public MySqlFrontEndFactory(MySqlEngine engine) {
        this.engine = requireNonNull(engine, "engine is null");
    }

    @Override
    public Handle start(FrontEndContext context) throws IOException {
        Map<String, String> options = context.options();
        for (String name : options.keySet()) {
            if (!OPTIONS.contains(name)) {
                throw new IllegalArgumentException("unknown MySQL front-end option '" + name + "' (known: "
                        + new java.util.TreeSet<>(OPTIONS) + ")");
            }
        }
        ProxyConfig defaults = ProxyConfig.defaults(context.listenAddress());
        TlsMaterial.Server serverTls = tls(options);
        ProxyConfig config = new ProxyConfig(context.listenAddress(),
                intOption(options, "max-connections", defaults.maxConnections()),
                Optional.ofNullable(options.get("idle-timeout")).map(Duration::parse).orElse(defaults.idleTimeout()),
                Optional.ofNullable(options.get("connect-timeout")).map(Duration::parse).orElse(defaults.connectTimeout()),
                Optional.ofNullable(options.get("max-packet-size")).map(Long::parseLong).orElse(defaults.maxPacketBytes()),
                Boolean.parseBoolean(options.getOrDefault("local-infile", "false")),
                Optional.of(serverTls.context()),
                defaults.shutdownGrace(),
                defaults.versionSuffix(),
                options.getOrDefault("default-database", defaults.defaultDatabase()),
                intOption(options, "max-logins-per-address", defaults.maxLoginsPerAddress()),
                Optional.ofNullable(options.get("login-packet-size")).map(Long::parseLong).orElse(defaults.loginPacketBytes()),
                Optional.ofNullable(options.get("packet-timeout")).map(Duration::parse).orElse(defaults.packetTimeout()));

        // Both are CPU work of a second or more on a busy machine (the first TLS handshake compiles the JSSE stack; an
        // RSA key pair): run beside the engine probe and the pool set-up rather than before them.
        CompletableFuture<Void> tlsWarm = CompletableFuture.runAsync(() -> config.tls().ifPresent(TlsWarmUp::run));
        CompletableFuture<RsaKeyPair> rsaKeys = CompletableFuture.supplyAsync(RsaKeyPair::generate);
        EngineProfile profile = EngineProbe.probe(engine.config().host(), engine.config().port(), Duration.ofSeconds(10));
        // One event loop per CPU by default (Netty's own default is two): a session and its engine
        // connection share a loop, and more loops than CPUs only adds context switches.
        int ioThreads = intOption(options, "io-threads", 0);
        Transport transport = Transport.chosen();
        EventLoopGroup workers = transport.newGroup(
                ioThreads > 0 ? ioThreads : Runtime.getRuntime().availableProcessors(), "fluxdb-io");
        ExecutorService blocking = Executors.newVirtualThreadPerTaskExecutor();
        ScheduledExecutorService maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fluxdb-backend-pool");
            t.setDaemon(true);
            return t;
        });
        int engineConnections = intOption(options, "engine-connections", 0);
        CharsetSwitch charsets;
        try {
            if (engineConnections == 0) {
                engineConnections = EngineConnections.defaultBound(engine.admin());
            }
            charsets = EngineConnections.charsets(engine.admin());
        } catch (SQLException e) {
            throw new IOException("cannot read the engine's max_connections and collations: " + e.getMessage(), e);
        }
        EngineTls engineTls = EngineTls.of(EngineTls.Mode.parse(options.getOrDefault("engine-tls", "auto")),
                Optional.ofNullable(options.get("engine-tls-ca")).map(Path::of));
        BackendPool pool = new BackendPool(new MySqlBackendConnector(transport, engine.config().host(), engine.config().port(),
                MySqlBackendConnector.DEFAULT_LOGIN_TIMEOUT, engineTls),
                engineConnections, 64, Duration.ofMinutes(5), Duration.ofSeconds(2), MAX_ENGINE_LOGINS_IN_FLIGHT, charsets);
        maintenance.scheduleWithFixedDelay(pool::evictIdle, 30, 30, TimeUnit.SECONDS);
        AccountDirectory accounts = new AccountDirectory(new JdbcAccountLoader(engine.admin()), Duration.ofSeconds(30),
                Clock.systemUTC());
        // Accounts change through the log too (CREATE USER, ALTER USER ... IDENTIFIED BY, GRANT on any node).
        engine.onCatalogApplied(accounts::invalidate);
        FrontEndServices services = new FrontEndServices(config, profile, new SessionRegistry(config.maxConnections()),
                pool, accounts,
                new ServerAuthConfig(rsaKeys.join(), new CachingSha2Cache(10_000)),
                engine.classifier(), context.admission(), blocking, clusterSupport(context, blocking, transport),
                new PendingLogins(config.maxLoginsPerAddress()), new LogThrottle(Duration.ofSeconds(10)));
        tlsWarm.join();
        MySqlFrontEnd frontEnd = new MySqlFrontEnd(services, transport, workers);
        InetSocketAddress bound;
        try {
            bound = frontEnd.bind();
        } catch (Exception e) {
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            blocking.shutdownNow();
            maintenance.shutdownNow();
            throw new IOException("cannot listen for MySQL clients on " + context.listenAddress() + ": " + e.getMessage(), e);
        }
        return new Handle() {
            @Override
            public InetSocketAddress localAddress() {
                return bound;
            }

            @Override
            public Optional<String> certificateSha256() {
                return Optional.of(serverTls.sha256());
            }

            @Override
            public void close() {
                frontEnd.close();
                maintenance.shutdownNow();
                blocking.shutdown();
                workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            }
        };
    }

    /** Sessions of a replicated cluster share the leader's write barrier, clock and bookkeeping. */
    private Optional<ClusterSupport> clusterSupport(FrontEndContext context, ExecutorService blocking,
            Transport transport) {
        if (!context.cluster().replicated()) {
            return Optional.empty();
        }
        ReadConsistency consistency = ReadConsistency.parse(context.options().getOrDefault("consistency", "session"));
        // Followers send what must run on the leader there (forwarded sessions); off, they refuse it and name the leader.
        // The key that proves a connection is another node's forwarded session, derived from the cluster secret.
        Optional<ForwardProof> proof = Optional.ofNullable(context.options().get("forward-key"))
                .map(hex -> new ForwardProof(java.util.HexFormat.of().parseHex(hex)));
        Optional<LeaderConnector> forwarding = proof.isPresent()
                && Boolean.parseBoolean(context.options().getOrDefault("forward-writes", "true"))
                ? Optional.of(new LeaderConnector(transport, context.peerCertificates(), context.cluster().localNodeId(),
                        proof.get()))
                : Optional.empty();
        return Optional.of(new ClusterSupport(context.cluster(), new WriteGate(),
                new EngineLeaderBookkeeping(engine, context.cluster().localNodeId()), new LeaderClock(Clock.systemUTC()),
                blocking, engine.classifier(), consistency, forwarding, proof, new ForwardedCommits()));
    }

    private static TlsMaterial.Server tls(Map<String, String> options) throws IOException {
        String cert = options.get("tls-cert");
        String key = options.get("tls-key");
        if (cert != null && key != null) {
            return TlsMaterial.fromPem(Path.of(cert), Path.of(key));
        }
        Path dir = Path.of(options.getOrDefault("tls-dir", "fluxdb-data/tls"));
        return TlsMaterial.selfSigned(dir, "FluxDB");
    }

    private static int intOption(Map<String, String> options, String name, int fallback) {
        String value = options.get(name);
        return value == null ? fallback : Integer.parseInt(value);
    }
}
