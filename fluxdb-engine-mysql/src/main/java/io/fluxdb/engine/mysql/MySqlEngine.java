package io.fluxdb.engine.mysql;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.fluxdb.engine.mysql.apply.Applier;
import io.fluxdb.engine.mysql.apply.ApplyOptions;
import io.fluxdb.engine.mysql.frontend.MySqlFrontEndFactory;
import io.fluxdb.engine.mysql.snapshot.DumpLoader;
import io.fluxdb.engine.mysql.snapshot.ForeignDataGuard;
import io.fluxdb.engine.mysql.snapshot.MySqlDump;
import io.fluxdb.engine.mysql.sql.MySqlStatementClassifier;
import io.fluxdb.engine.spi.ApplyResult;
import io.fluxdb.engine.spi.ApplyTransaction;
import io.fluxdb.engine.spi.Engine;
import io.fluxdb.engine.spi.EngineChecksum;
import io.fluxdb.engine.spi.EngineConfig;
import io.fluxdb.engine.spi.EngineDump;
import io.fluxdb.engine.spi.EngineHealth;
import io.fluxdb.engine.spi.EngineInfo;
import io.fluxdb.engine.spi.ForeignData;
import io.fluxdb.engine.spi.FrontEnd;
import io.fluxdb.engine.spi.LogEntryContent;
import io.fluxdb.engine.spi.StatementClassifier;
import io.fluxdb.testkit.MariaDbProcess;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MySQL/MariaDB engine. It holds an admin connection pool (metadata, accounts), the {@link Applier} that applies
 * replicated entries over its own pool, and the MySQL front end that serves clients. With a data directory in its
 * configuration it is a managed engine: it starts its own local MariaDB there and stops it on close.
 *
 * <p>Engine options ({@link EngineConfig#options()}): those of {@link ApplyOptions}, and {@code
 * snapshot-load-connections}: how many connections load a snapshot's rows at once (default: as
 * {@link DumpLoader#ENGINE_CONNECTIONS}); other names are refused.
 */
public final class MySqlEngine implements Engine {
    private static final Logger log = LoggerFactory.getLogger(MySqlEngine.class);
    private static final String LOAD_CONNECTIONS = "snapshot-load-connections";
    /** Every engine option this engine knows. */
    private static final Set<String> OPTIONS = Stream.concat(ApplyOptions.NAMES.stream(), Stream.of(LOAD_CONNECTIONS))
            .collect(Collectors.toCollection(TreeSet::new));

    private final EngineConfig config;
    /** Reads every executable comment until start() knows the server's version, then reads them as it does. */
    private volatile MySqlStatementClassifier classifier = new MySqlStatementClassifier();
    private final ApplyOptions applyOptions;
    private final int loadConnections;
    private MariaDbProcess managed;
    private HikariDataSource admin;
    private Applier applier;
    /** This node's front end has begun an XA transaction in the engine (see {@link #transactionsBegin()}). */
    private volatile boolean transactionsBegun;
    private final List<Runnable> catalogListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private EngineInfo info;

    MySqlEngine(EngineConfig config) {
        this.config = requireNonNull(config, "config is null");
        for (String name : config.options().keySet()) {
            if (!OPTIONS.contains(name)) {
                throw new IllegalArgumentException("unknown MySQL engine option '" + name + "' (known: " + OPTIONS + ")");
            }
        }
        this.applyOptions = ApplyOptions.from(config.options());
        this.loadConnections = loadConnections(config.options().get(LOAD_CONNECTIONS));
    }

    @Override
    public void start() {
        config.dataDirectory().ifPresent(dir -> {
            log.info("starting a managed MariaDB in {} on port {}", dir, config.port());
            managed = MariaDbProcess.builder()
                    .persistentDirectory(dir)
                    .port(config.port())
                    .rootPassword(config.adminPassword())
                    .maxConnections(2100)
                    // MariaDB before 11.6 defaults to latin1, which refuses emoji and most scripts: tables a user
                    // creates without naming a character set get the one applications expect today.
                    .option("character_set_server", "utf8mb4")
                    .option("collation_server", "utf8mb4_general_ci")
                    .startupTimeout(Duration.ofSeconds(60))
                    // on SIGTERM the operator stops its front end and replication first, which still use the
                    // engine (the last applied index is recorded as Raft stops), then closes it
                    .exitGrace(Duration.ofSeconds(60))
                    .start();
        });
        // Hikari connects once in its constructor (initializationFailTimeout), so an unreachable engine
        // fails there with a RuntimeException; a refused login or statement fails below with an SQLException.
        try {
            admin = new HikariDataSource(adminConfig());
            try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT VERSION(), @@version_comment")) {
                    rs.next();
                    String version = rs.getString(1);
                    classifier = MySqlStatementClassifier.forServerVersion(version);
                    info = new EngineInfo(MySqlEngineFactory.NAME,
                            version.toLowerCase(java.util.Locale.ROOT).contains("mariadb") ? "MariaDB" : "MySQL", version);
                }
            }
        } catch (SQLException | RuntimeException e) {
            close();
            throw new IllegalStateException("cannot use the engine at " + config.host() + ":" + config.port()
                    + " as " + config.adminUser() + ": " + e.getMessage(), e);
        }
        try {
            createInitialDatabase();
            applier = new Applier(config, applyOptions);
            applier.frontEndPrepares(() -> transactionsBegun);
            applier.start();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private HikariConfig adminConfig() {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("fluxdb-admin");
        // The admin pool talks to the local engine: TLS is off here, the engine usually has none.
        hikari.setJdbcUrl("jdbc:mariadb://" + config.host() + ":" + config.port() + "/?sslMode=disable");
        hikari.setUsername(config.adminUser());
        hikari.setPassword(config.adminPassword());
        hikari.setMaximumPoolSize(4);
        hikari.setMinimumIdle(1);
        hikari.setConnectionTimeout(10_000);
        // An engine that is still starting (a container started alongside) gets a few seconds before start fails.
        hikari.setInitializationFailTimeout(10_000);
        return hikari;
    }

    /** The admin pool; valid after {@link #start()}. */
    public HikariDataSource admin() {
        return admin;
    }

    public EngineConfig config() {
        return config;
    }

    /**
     * Events would run on every node by themselves, outside the log, and change each node's data differently: in a
     * cluster the event scheduler stays off (events are still created, altered and dropped through the log).
     */
    @Override
    public void joinCluster() {
        try (Connection c = admin.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT @@global.event_scheduler")) {
            rs.next();
            if (!"OFF".equalsIgnoreCase(rs.getString(1)) && !"DISABLED".equalsIgnoreCase(rs.getString(1))) {
                s.execute("SET GLOBAL event_scheduler = OFF");
                log.warn("event_scheduler was {}: turned OFF, since events would run on every node outside the"
                        + " replicated log (running events in a cluster is not yet built)", rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot turn the engine's event scheduler off: " + e.getMessage(), e);
        }
    }

    @Override
    public EngineInfo info() {
        return info;
    }

    @Override
    public EngineHealth health() {
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            s.setQueryTimeout(3);
            s.execute("SELECT 1");
            return EngineHealth.up();
        } catch (SQLException | RuntimeException e) {
            return EngineHealth.down(e.getMessage());
        }
    }

    @Override
    public StatementClassifier classifier() {
        return classifier;
    }

    @Override
    public ApplyResult apply(long index, LogEntryContent entry) {
        ApplyResult result = applier().apply(index, entry);
        if (entry.kind() == io.fluxdb.engine.spi.EntryKind.IMPLICIT_COMMIT) {
            catalogListeners.forEach(Runnable::run);
        }
        return result;
    }

    /**
     * Runs {@code listener} after each applied entry that may have changed the catalog or the accounts (DDL, account
     * management: every entry that commits implicitly), on the thread that applied it. The front end forgets the
     * accounts it cached this way, so a password changed through any node works on every node once applied.
     */
    public void onCatalogApplied(Runnable listener) {
        catalogListeners.add(requireNonNull(listener, "listener is null"));
    }

    @Override
    public ApplyTransaction beginApply(long index, LogEntryContent entry) {
        return applier().beginApply(index, entry, false);
    }

    @Override
    public ApplyTransaction beginApply(long index, LogEntryContent entry, boolean committedHere) {
        return applier().beginApply(index, entry, committedHere);
    }

    @Override
    public long lastAppliedIndex() {
        return applier().lastAppliedIndex();
    }

    @Override
    public long highestAppliedIndex() {
        return applier().highestAppliedIndex();
    }

    @Override
    public void appliedThrough(long index) {
        applier().appliedThrough(index);
    }

    @Override
    public void recordAppliedThrough(long index) {
        applier().recordAppliedThrough(index);
    }

    @Override
    public EngineChecksum checksum() {
        return applier().checksum();
    }

    @Override
    public List<String> resolveOrphans(String localNodeId, long term) {
        return applier().resolveOrphans(localNodeId, term);
    }

    /**
     * Called by the front end before it names a transaction it begins in the engine (as leader): from then on, apply
     * looks for each entry's transaction among the engine's prepared ones.
     */
    public void transactionsBegin() {
        if (!transactionsBegun) {
            transactionsBegun = true;
        }
    }

    /**
     * For the leader's front end, before it runs a DDL (or other implicit-commit) statement as the client's user,
     * under the write barrier: records in {@code fluxdb.ddl_intent} that the statement of {@code xid} (an id from
     * {@link io.fluxdb.engine.mysql.apply.TransactionIds}) is about to run, with the catalog fingerprint before it.
     * After the statement, call {@link #ddlExecuted} when it succeeded, {@link #ddlFailed} when the engine returned an
     * error, and neither when the connection was lost (the outcome is unknown; apply or {@link #resolveOrphans}
     * decides it from the fingerprint). Blocks; never call it on an event loop.
     *
     * @throws IllegalArgumentException if {@code xid} is not a {@code TransactionIds} id
     * @throws IllegalStateException if an intent for {@code xid} exists or the engine is unusable
     */
    public void ddlStarting(String xid) {
        applier().ddlStarting(xid);
    }

    /**
     * Records that the DDL statement of {@code xid} ran: applying its {@code IMPLICIT_COMMIT} entry (with {@code
     * originTransaction = xid}) then records the index without running it again, and if no entry comes, {@link
     * #resolveOrphans} of a later term reports that this node differs from the log.
     *
     * @throws IllegalStateException if no {@link #ddlStarting} preceded it
     */
    public void ddlExecuted(String xid) {
        applier().ddlExecuted(xid);
    }

    /** Forgets the intent of {@code xid} after the engine refused the statement; it gets no log entry. */
    public void ddlFailed(String xid) {
        applier().ddlFailed(xid);
    }

    private Applier applier() {
        if (applier == null) {
            throw new IllegalStateException("the engine is not started");
        }
        return applier;
    }

    /** Dumps as {@link MySqlDump} does, leaving out the operator's admin account (each node has its own). */
    @Override
    public EngineDump beginDump() {
        applier(); // started
        Connection c;
        try {
            c = directConnection();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to the engine for a dump: " + e.getMessage(), e);
        }
        return MySqlDump.begin(c, Set.of(config.adminUser()), Applier.applyStateTables(), Applier.bookkeepingVersion(),
                Optional.of(Applier.leaderDdlRunningQuery()));
    }

    /** Loads as {@link DumpLoader} does, then reads the applied watermark the dump brought. */
    @Override
    public void restore(InputStream in) throws IOException {
        try {
            rollBackPrepared();
        } catch (RuntimeException e) {
            throw new IOException("cannot load a dump yet: " + e.getMessage(), e);
        }
        new DumpLoader(this::directConnection, Applier.bookkeepingVersion(), loadConnections).load(in);
        applier().reload();
    }

    @Override
    public void discardData() {
        Applier applier = applier();
        rollBackPrepared();
        try (Connection c = directConnection()) {
            List<String> dropped = DumpLoader.dropUserSchemas(c);
            log.warn("engine - dropped the user schemas a half-loaded snapshot left: {}", dropped);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot discard the engine's data: " + e.getMessage(), e);
        }
        applier.forgetApplied();
        createInitialDatabase();
    }

    /** Before the data is replaced: no transaction of the front end may commit into it afterwards (see Applier). */
    private void rollBackPrepared() {
        List<String> rolledBack = applier().rollBackPrepared();
        if (!rolledBack.isEmpty()) {
            log.info("engine - rolled back {} prepared transaction(s) before replacing the data; the log holds those"
                    + " that committed: {}", rolledBack.size(), rolledBack);
        }
    }

    /** Saves and removes data another cluster (or none) wrote, as {@link ForeignDataGuard} does. */
    @Override
    public Optional<ForeignData> adoptCluster(String clusterId, Path backupDirectory) {
        requireNonNull(clusterId, "clusterId is null");
        requireNonNull(backupDirectory, "backupDirectory is null");
        Optional<ForeignData> found = ForeignDataGuard.check(applier(), this::directConnection, clusterId,
                backupDirectory, config.adminUser());
        if (found.isPresent()) {
            createInitialDatabase(); // every node creates it at start, outside the log: the cluster's entries use it
        }
        return found;
    }

    private void createInitialDatabase() {
        if (config.initialDatabase().isEmpty()) {
            return;
        }
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS `" + config.initialDatabase().get().replace("`", "``") + "`");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the initial database: " + e.getMessage(), e);
        }
    }

    private static int loadConnections(String value) {
        if (value == null) {
            return DumpLoader.ENGINE_CONNECTIONS;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1 && n <= 64) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(LOAD_CONNECTIONS + ": '" + value + "' (expected: a whole number, 1-64)");
    }

    /** A connection of its own (not pooled): a dump or a load holds it for minutes. */
    private Connection directConnection() throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://" + config.host() + ":" + config.port()
                + "/?sslMode=disable&connectTimeout=10000", config.adminUser(), config.adminPassword());
    }

    @Override
    public Optional<FrontEnd> frontEnd() {
        return Optional.of(new MySqlFrontEndFactory(this));
    }

    @Override
    public void close() {
        try {
            if (applier != null) {
                applier.close();
                applier = null;
            }
            if (admin != null) {
                admin.close();
            }
        } finally {
            // whatever failed above, the managed server stops (its exit hook would otherwise wait for it)
            if (managed != null) {
                managed.close();
                managed = null;
            }
        }
    }
}
