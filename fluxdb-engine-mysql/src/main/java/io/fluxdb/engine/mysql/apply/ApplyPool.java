package io.fluxdb.engine.mysql.apply;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.fluxdb.engine.spi.EngineConfig;
import io.fluxdb.engine.spi.SessionContext;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
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
    /** Session resets left on connections (keyed by the driver's connection, not the pool's proxy of the moment). */
    private final Map<Connection, String> pendingResets = Collections.synchronizedMap(new WeakHashMap<>());

    ApplyPool(EngineConfig config, int size) {
        this.config = requireNonNull(config, "config is null");
        this.size = size;
        this.withDatabase = new HikariDataSource(hikari("fluxdb-apply", size));
    }

    /**
     * A connection taken for one entry.
     *
     * @param pendingReset SET assignments that undo the previous entry's session, which the holder must run before
     *     anything else ({@link #leaseDeferringReset}); empty for other leases, whose reset has run
     */
    record Lease(HikariDataSource pool, Connection connection, String pendingReset) {
    }

    /** A connection suitable for an entry that ran in {@code session}, its previous entry's session reset. */
    Lease lease(SessionContext session) throws SQLException {
        return withResetRun(leaseDeferringReset(session));
    }

    /**
     * A connection suitable for an entry that ran in {@code session}, whose previous entry's session reset is still
     * to run: {@link Lease#pendingReset()}. If the holder cannot run it, it passes it to {@link #release}.
     */
    Lease leaseDeferringReset(SessionContext session) throws SQLException {
        return take(session.database().isPresent() ? withDatabase : withoutDatabase());
    }

    /** A connection for the bookkeeping, checksums and fingerprints, which name their schemas. */
    Lease lease() throws SQLException {
        return withResetRun(take(withDatabase));
    }

    /** A connection of {@code pool} with the reset its last user left on it, if any. */
    private Lease take(HikariDataSource pool) throws SQLException {
        Connection c = pool.getConnection();
        String pending;
        try {
            pending = pendingResets.remove(driverConnection(c));
        } catch (SQLException | RuntimeException e) {
            close(c);
            throw e;
        }
        return new Lease(pool, c, pending == null ? "" : pending);
    }

    private Lease withResetRun(Lease lease) throws SQLException {
        if (lease.pendingReset().isEmpty()) {
            return lease;
        }
        try (Statement s = lease.connection().createStatement()) {
            s.execute("SET SESSION " + lease.pendingReset());
        } catch (SQLException e) {
            discard(lease);
            throw e;
        }
        return new Lease(lease.pool(), lease.connection(), "");
    }

    /**
     * Returns the connection to its pool after running {@code reset} (SET assignments) on it; a connection that
     * cannot be reset is closed instead, so no entry's session leaks into the next.
     */
    void release(Lease lease, String reset) {
        Connection c = lease.connection();
        try {
            endTransaction(c);
            if (!reset.isEmpty()) {
                try (Statement s = c.createStatement()) {
                    s.execute("SET SESSION " + reset);
                }
            }
        } catch (SQLException e) {
            log.warn("{} - dropping an apply connection whose session could not be reset: {}",
                    lease.pool().getPoolName(), e.getMessage());
            lease.pool().evictConnection(c);
        }
        close(c);
    }

    /**
     * Returns the connection to its pool with {@code reset} (SET assignments) left for its next user, who runs it
     * before anything else; the holder must have run {@link Lease#pendingReset()}, or pass it on in {@code reset} (a
     * holder that changed nothing on the session may pass it on alone).
     */
    void releaseDeferred(Lease lease, String reset) {
        Connection c = lease.connection();
        try {
            endTransaction(c);
            if (!reset.isEmpty()) {
                pendingResets.put(driverConnection(c), reset);
            }
        } catch (SQLException | RuntimeException e) {
            log.warn("{} - dropping an apply connection whose session could not be reset: {}",
                    lease.pool().getPoolName(), e.getMessage());
            lease.pool().evictConnection(c);
        }
        close(c);
    }

    private static void endTransaction(Connection c) throws SQLException {
        if (!c.getAutoCommit()) {
            c.rollback();
            c.setAutoCommit(true);
        }
    }

    /** The driver's connection under the pool's proxy: the same object each time the pool hands the connection out. */
    private static Connection driverConnection(Connection c) throws SQLException {
        return c.unwrap(org.mariadb.jdbc.Connection.class);
    }

    /** Closes the connection for good, for one whose state is unknown. */
    void discard(Lease lease) {
        lease.pool().evictConnection(lease.connection());
        try {
            pendingResets.remove(driverConnection(lease.connection()));
        } catch (SQLException | RuntimeException e) {
            log.debug("forgetting the reset of a discarded apply connection failed: {}", e.getMessage());
        }
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
