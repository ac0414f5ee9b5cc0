package io.fluxdb.engine.mysql;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.fluxdb.engine.mysql.frontend.MySqlFrontEndFactory;
import io.fluxdb.engine.mysql.sql.MySqlStatementClassifier;
import io.fluxdb.engine.spi.ApplyResult;
import io.fluxdb.engine.spi.Engine;
import io.fluxdb.engine.spi.EngineConfig;
import io.fluxdb.engine.spi.EngineHealth;
import io.fluxdb.engine.spi.EngineInfo;
import io.fluxdb.engine.spi.FrontEnd;
import io.fluxdb.engine.spi.LogEntryContent;
import io.fluxdb.engine.spi.StatementClassifier;
import io.fluxdb.testkit.MariaDbProcess;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MySQL/MariaDB engine. It holds an admin connection pool (metadata, accounts, and later the
 * apply of replicated entries) and the MySQL front end that serves clients. With a data directory in
 * its configuration it is a managed engine: it starts its own local MariaDB there and stops it on close.
 */
public final class MySqlEngine implements Engine {
    private static final Logger log = LoggerFactory.getLogger(MySqlEngine.class);

    private final EngineConfig config;
    /** Reads every executable comment until start() knows the server's version, then reads them as it does. */
    private volatile MySqlStatementClassifier classifier = new MySqlStatementClassifier();
    private MariaDbProcess managed;
    private HikariDataSource admin;
    private EngineInfo info;

    MySqlEngine(EngineConfig config) {
        this.config = requireNonNull(config, "config is null");
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
                    .startupTimeout(Duration.ofSeconds(60))
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
                if (config.initialDatabase().isPresent()) {
                    s.execute("CREATE DATABASE IF NOT EXISTS `" + config.initialDatabase().get().replace("`", "``") + "`");
                }
            }
        } catch (SQLException | RuntimeException e) {
            close();
            throw new IllegalStateException("cannot use the engine at " + config.host() + ":" + config.port()
                    + " as " + config.adminUser() + ": " + e.getMessage(), e);
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
        throw new UnsupportedOperationException("applying replicated entries is not implemented yet");
    }

    @Override
    public long lastAppliedIndex() {
        return 0;
    }

    @Override
    public void dump(OutputStream out) {
        throw new UnsupportedOperationException("dump is not implemented yet");
    }

    @Override
    public void restore(InputStream in) {
        throw new UnsupportedOperationException("restore is not implemented yet");
    }

    @Override
    public Optional<FrontEnd> frontEnd() {
        return Optional.of(new MySqlFrontEndFactory(this));
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close();
        }
        if (managed != null) {
            managed.close();
            managed = null;
        }
    }
}
