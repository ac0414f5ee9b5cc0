package io.fluxdb.engine.mysql.apply;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.fluxdb.engine.spi.EngineConfig;
import io.fluxdb.engine.spi.SessionContext;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine connections apply uses, as the admin account. Counts are rows changed, not rows matched
 * ({@code useAffectedRows}), as the leader reports them; statements with parameters are prepared on the server, so
 * values keep their types.
 *
 * <p>MySQL cannot return a connection to "no default database" once one is selected, so entries that ran without one
 * get connections from a second pool that never selects one. Such entries are rare: the second pool opens only when
 * the first arrives.
 */
final class ApplyPool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApplyPool.class);

    private final EngineConfig config;
    private final int size;
    private final HikariDataSource withDatabase;
    private volatile HikariDataSource withoutDatabase;
    private boolean closed;

    ApplyPool(EngineConfig config, int size) {
        this.config = requireNonNull(config, "config is null");
        this.size = size;
        this.withDatabase = new HikariDataSource(hikari("fluxdb-apply", size));
    }

    /** A connection taken for one entry. */
    record Lease(HikariDataSource pool, Connection connection) {
    }

    /** A connection suitable for an entry that ran in {@code session}. */
    Lease lease(SessionContext session) throws SQLException {
        HikariDataSource pool = session.database().isPresent() ? withDatabase : withoutDatabase();
        return new Lease(pool, pool.getConnection());
    }

    /** A connection for the bookkeeping, checksums and fingerprints, which name their schemas. */
    Lease lease() throws SQLException {
        return new Lease(withDatabase, withDatabase.getConnection());
    }

    /**
     * Returns the connection to its pool after running {@code reset} on it; a connection that cannot be reset is
     * closed instead, so no entry's session leaks into the next.
     */
    void release(Lease lease, String reset) {
        Connection c = lease.connection();
        try {
            if (!c.getAutoCommit()) {
                c.rollback();
                c.setAutoCommit(true);
            }
            if (!reset.isEmpty()) {
                try (Statement s = c.createStatement()) {
                    s.execute(reset);
                }
            }
        } catch (SQLException e) {
            log.warn("{} - dropping an apply connection whose session could not be reset: {}",
                    lease.pool().getPoolName(), e.getMessage());
            lease.pool().evictConnection(c);
        }
        close(c);
    }

    /** Closes the connection for good, for one whose state is unknown. */
    void discard(Lease lease) {
        lease.pool().evictConnection(lease.connection());
        close(lease.connection());
    }

    private static void close(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            log.debug("closing an apply connection failed: {}", e.getMessage()); // Hikari closes it when it can
        }
    }

    private synchronized HikariDataSource withoutDatabase() {
        if (closed) {
            throw new IllegalStateException("the apply pool is closed");
        }
        if (withoutDatabase == null) {
            withoutDatabase = new HikariDataSource(hikari("fluxdb-apply-nodb", size));
        }
        return withoutDatabase;
    }

    private HikariConfig hikari(String name, int maximum) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName(name);
        // Like the admin pool: the engine is local and usually has no TLS.
        hikari.setJdbcUrl("jdbc:mariadb://" + config.host() + ":" + config.port()
                + "/?sslMode=disable&useAffectedRows=true&useServerPrepStmts=true"
                // LOAD DATA LOCAL INFILE entries: replay sends the file from the entry (StatementReplay.load)
                + "&allowLocalInfile=true");
        hikari.setUsername(config.adminUser());
        hikari.setPassword(config.adminPassword());
        hikari.setMaximumPoolSize(maximum);
        hikari.setMinimumIdle(Math.min(2, maximum));
        hikari.setConnectionTimeout(10_000);
        hikari.setInitializationFailTimeout(10_000);
        return hikari;
    }

    @Override
    public synchronized void close() {
        closed = true;
        withDatabase.close();
        if (withoutDatabase != null) {
            withoutDatabase.close();
        }
    }
}
