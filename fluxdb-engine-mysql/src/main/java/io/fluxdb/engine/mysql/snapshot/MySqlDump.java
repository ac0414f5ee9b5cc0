package io.fluxdb.engine.mysql.snapshot;

import static java.util.Objects.requireNonNull;

import io.fluxdb.engine.spi.EngineDump;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dump of a MySQL or MariaDB engine: one {@code START TRANSACTION WITH CONSISTENT SNAPSHOT} whose rows are streamed
 * table by table, with the catalog read when the transaction began. The caller holds apply back while the dump opens
 * (see {@link io.fluxdb.engine.spi.Engine#beginDump()}), so the catalog, the rows and the bookkeeping all show the same
 * point of the log.
 *
 * <p>A DDL statement applied while the rows stream either waits for the dump (a table already read keeps a metadata
 * lock until the transaction ends) or makes the dump fail with "table definition has changed" (1412) when it reaches a
 * table changed after the snapshot; the node that wanted the dump then asks again.
 */
public final class MySqlDump implements EngineDump {
    private static final Logger log = LoggerFactory.getLogger(MySqlDump.class);
    /** Rows fetched from the engine at a time while streaming a table. */
    private static final int FETCH_SIZE = 1000;
    /** How long a dump waits for a change it must not catch half-way (see {@link #begin}) before it gives up. */
    private static final Duration UNFINISHED_WAIT = Duration.ofSeconds(10);

    private final Connection connection;
    private final DumpCatalog catalog;
    private final String engineVersion;
    private final int bookkeepingVersion;
    private boolean written;
    private boolean closed;

    private MySqlDump(Connection connection, DumpCatalog catalog, String engineVersion, int bookkeepingVersion) {
        this.connection = connection;
        this.catalog = catalog;
        this.engineVersion = engineVersion;
        this.bookkeepingVersion = bookkeepingVersion;
    }

    /**
     * Opens the transaction and reads the catalog on {@code connection}, which the dump owns from now on (closed with
     * it).
     *
     * @param skippedAccounts account names not dumped (the operator's admin account)
     * @param bookkeepingTables the operator's tables to carry, as {@code schema.table}
     * @throws IllegalStateException if the engine fails
     */
    public static MySqlDump begin(Connection connection, Set<String> skippedAccounts, List<String> bookkeepingTables,
            int bookkeepingVersion) {
        return begin(connection, skippedAccounts, bookkeepingTables, bookkeepingVersion, Optional.empty());
    }

    /**
     * Like {@link #begin(Connection, Set, List, int)}, but while {@code unfinished} (a query run inside the dump's
     * transaction) returns a row, the engine is in the middle of a change that the dump must not catch half-way: the
     * transaction begins again a moment later, for up to {@link #UNFINISHED_WAIT}.
     *
     * @throws IllegalStateException if the engine fails, or the change is still unfinished after the wait
     */
    public static MySqlDump begin(Connection connection, Set<String> skippedAccounts, List<String> bookkeepingTables,
            int bookkeepingVersion, Optional<String> unfinished) {
        requireNonNull(connection, "connection is null");
        requireNonNull(unfinished, "unfinished is null");
        try {
            String version;
            try (Statement s = connection.createStatement()) {
                s.execute("SET SESSION sql_mode = '" + DumpFormat.SQL_MODE + "', time_zone = '" + DumpFormat.TIME_ZONE
                        + "', NAMES utf8mb4");
                connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                long deadline = System.nanoTime() + UNFINISHED_WAIT.toNanos();
                while (true) {
                    s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
                    if (unfinished.isEmpty() || !returnsRow(s, unfinished.get())) {
                        break;
                    }
                    s.execute("ROLLBACK");
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("cannot begin a dump: a change that a dump must not catch"
                                + " half-way (" + unfinished.get() + ") was still running after "
                                + UNFINISHED_WAIT.toSeconds() + " s; ask again later");
                    }
                    Thread.sleep(50);
                }
                try (ResultSet rs = s.executeQuery("SELECT VERSION()")) {
                    rs.next();
                    version = rs.getString(1);
                }
            }
            DumpCatalog catalog = DumpCatalog.read(connection, skippedAccounts, bookkeepingTables);
            return new MySqlDump(connection, catalog, version, bookkeepingVersion);
        } catch (SQLException e) {
            closeQuietly(connection);
            throw new IllegalStateException("cannot begin a dump: " + e.getErrorCode() + " " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(connection);
            throw new IllegalStateException("interrupted while beginning a dump", e);
        } catch (RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
    }

    private static boolean returnsRow(Statement s, String query) throws SQLException {
        try (ResultSet rs = s.executeQuery(query)) {
            return rs.next();
        }
    }

    @Override
    public void writeTo(OutputStream target) throws IOException {
        requireNonNull(target, "target is null");
        if (written || closed) {
            throw new IllegalStateException("a dump is written once, before it is closed");
        }
        written = true;
        DumpOutput out = new DumpOutput(target);
        long start = System.nanoTime();
        long total = 0;
        try {
            out.header(engineVersion, bookkeepingVersion);
            for (DumpStatement statement : catalog.before()) {
                out.statement(statement);
            }
            for (DumpCatalog.TableData table : catalog.tables()) {
                total += rows(table, out);
            }
            for (DumpStatement statement : catalog.after()) {
                out.statement(statement);
            }
            for (DumpCatalog.TableData table : catalog.bookkeeping()) {
                total += rows(table, out);
            }
            out.end(total);
        } catch (SQLException e) {
            throw new IOException("dump failed on the engine: " + e.getErrorCode() + " " + e.getMessage(), e);
        }
        log.info("dump - {} tables, {} rows written in {} ms", catalog.tables().size(), total,
                (System.nanoTime() - start) / 1_000_000);
    }

    private long rows(DumpCatalog.TableData table, DumpOutput out) throws SQLException, IOException {
        out.tableStart(table.schema(), table.name(), table.columns());
        long rows = 0;
        if (!table.columns().isEmpty()) {
            StringBuilder sql = new StringBuilder("SELECT ");
            for (int i = 0; i < table.columns().size(); i++) {
                sql.append(i == 0 ? "" : ", ").append(table.selectExpression(i));
            }
            sql.append(" FROM ").append(table.quotedName());
            int n = table.columns().size();
            try (Statement s = connection.createStatement()) {
                s.setFetchSize(FETCH_SIZE);
                try (ResultSet rs = s.executeQuery(sql.toString())) {
                    byte[][] values = new byte[n][];
                    while (rs.next()) {
                        for (int i = 0; i < n; i++) {
                            values[i] = rs.getBytes(i + 1);
                        }
                        out.row(values);
                        rows++;
                    }
                }
            }
        }
        out.tableEnd(rows);
        return rows;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try (Statement s = connection.createStatement()) {
            s.execute("ROLLBACK");
        } catch (SQLException e) {
            log.debug("dump - ending the transaction failed; closing the connection ends it: {}", e.getMessage());
        }
        closeQuietly(connection);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            // the connection is discarded either way; the engine ends its transaction when the socket closes
            log.debug("dump - closing its connection: {}", e.getMessage());
        }
    }
}
