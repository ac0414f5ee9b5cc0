package io.fluxdb.engine.mysql.snapshot;

import static io.fluxdb.engine.mysql.snapshot.DumpFormat.identifier;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a {@link MySqlDump} into an engine: drops every user schema, then runs the dump's statements and inserts its
 * rows in multi-row batches, with foreign key and unique checks off (the rows were consistent where they came from,
 * and tables load in name order, not in dependency order). The operator's bookkeeping tables are emptied and filled
 * from the dump. Values are bound as bytes, so text reaches its column in the character set it was read in.
 *
 * <p>Row batches insert on several connections at once ({@link InsertPool}) while this thread reads the next batch
 * from the dump; rows of one table may land in any order (they carry their keys). Every other statement runs only once
 * every batch before it has finished, so the engine sees the dump's statements in their order, each table complete
 * before the views, triggers and routines that follow it.
 */
public final class DumpLoader {
    /**
     * As many connections as suit the engine's host: 2, or half its processors on a host with more than 4 (at most
     * 4).
     */
    public static final int ENGINE_CONNECTIONS = 0;
    private static final Logger log = LoggerFactory.getLogger(DumpLoader.class);
    private static final int BATCH_ROWS = 1000;
    private static final long BATCH_BYTES = 1 << 20;
    /** The engine's "table doesn't exist": a view that names a view created later. */
    private static final int NO_SUCH_TABLE = 1146;
    /** The engine's errors for a statement rolled back over another's locks: it may be sent again. */
    private static final int DEADLOCK = 1213;
    private static final int LOCK_WAIT_TIMEOUT = 1205;
    private static final int INSERT_ATTEMPTS = 10;

    private final AdminConnector connector;
    private final int bookkeepingVersion;
    private final int connections;
    private final int batchRows;
    private final long batchBytes;
    private final List<DumpStatement> deferredViews = new ArrayList<>();

    /**
     * @param connector opens the admin connections the loader uses (and changes the sessions of); a load closes them
     * @param bookkeepingVersion this engine's bookkeeping schema version; a dump of another version is refused
     * @param connections how many connections insert rows at once (at least 1), or {@link #ENGINE_CONNECTIONS}
     */
    public DumpLoader(AdminConnector connector, int bookkeepingVersion, int connections) {
        this(connector, bookkeepingVersion, connections, BATCH_ROWS, BATCH_BYTES);
    }

    /** A loader on {@link #ENGINE_CONNECTIONS} connections. */
    public DumpLoader(AdminConnector connector, int bookkeepingVersion) {
        this(connector, bookkeepingVersion, ENGINE_CONNECTIONS);
    }

    /** A loader that sends a batch once it holds {@code batchRows} rows or {@code batchBytes} bytes of values. */
    DumpLoader(AdminConnector connector, int bookkeepingVersion, int connections, int batchRows, long batchBytes) {
        this.connector = Objects.requireNonNull(connector, "connector is null");
        if (connections < 0) {
            throw new IllegalArgumentException("connections: " + connections + " (expected: 0 or more)");
        }
        if (batchRows < 1 || batchBytes < 1) {
            throw new IllegalArgumentException("batch limits must be positive");
        }
        this.bookkeepingVersion = bookkeepingVersion;
        this.connections = connections;
        this.batchRows = batchRows;
        this.batchBytes = batchBytes;
    }

    /** Replaces the engine's user data and bookkeeping with the dump read from {@code source}. */
    public void load(InputStream source) throws IOException {
        DumpInput in = new DumpInput(source);
        long start = System.nanoTime();
        deferredViews.clear();
        try {
            int version = in.header();
            if (version != bookkeepingVersion) {
                throw new IOException("the dump carries bookkeeping schema version " + version + " and this engine has "
                        + bookkeepingVersion + ": both nodes must run the same FluxDB version");
            }
            try (InsertPool pool = InsertPool.open(connector, connections)) {
                List<String> dropped = dropUserSchemas(pool.quiesce().connection());
                if (!dropped.isEmpty()) {
                    log.info("load - dropped {} schemas before loading: {}", dropped.size(), dropped);
                }
                long rows = records(in, pool);
                pool.quiesce();
                log.info("load - {} rows loaded in {} ms on {} connections", rows,
                        (System.nanoTime() - start) / 1_000_000, pool.size());
            }
        } catch (SQLException e) {
            throw new IOException("loading the dump failed on the engine: " + e.getErrorCode() + " "
                    + e.getMessage(), e);
        } catch (EOFException e) {
            throw DumpInput.cutShort();
        }
    }

    private long records(DumpInput in, InsertPool pool) throws IOException, SQLException {
        long rows = 0;
        while (true) {
            int type = in.type();
            if (type != DumpFormat.STATEMENT) {
                retryDeferredViews(pool);
            }
            switch (type) {
                case DumpFormat.STATEMENT -> statement(pool, new DumpStatement(in.unsignedByte(), in.string(),
                        in.string(), in.string(), in.string()));
                case DumpFormat.TABLE -> rows += table(in, pool);
                case DumpFormat.END -> {
                    long expected = in.longValue();
                    if (expected != rows) {
                        throw new IOException("damaged dump: " + rows + " rows read, its END says " + expected);
                    }
                    return rows;
                }
                default -> throw new IOException("damaged dump: record type " + type);
            }
        }
    }

    private void statement(InsertPool pool, DumpStatement statement) throws SQLException, IOException {
        LoaderSession session = pool.quiesce();
        session.use(statement.schema(), statement.sqlMode(), statement.timeZone());
        try (Statement s = session.connection().createStatement()) {
            s.execute(statement.sql());
        } catch (SQLException e) {
            if (statement.kind() == DumpFormat.VIEW && e.getErrorCode() == NO_SUCH_TABLE) {
                deferredViews.add(statement);
                return;
            }
            throw new SQLException(e.getMessage() + " (in: " + abbreviate(statement.sql()) + ")", e.getSQLState(),
                    e.getErrorCode(), e);
        }
    }

    /** Views that named views created after them, until all exist or a pass creates none. */
    private void retryDeferredViews(InsertPool pool) throws SQLException, IOException {
        while (!deferredViews.isEmpty()) {
            List<DumpStatement> pass = new ArrayList<>(deferredViews);
            deferredViews.clear();
            for (DumpStatement view : pass) {
                statement(pool, view);
            }
            if (deferredViews.size() == pass.size()) {
                DumpStatement first = deferredViews.get(0);
                deferredViews.clear();
                statement(pool, new DumpStatement(DumpFormat.PLAIN, first.schema(), first.sqlMode(), first.timeZone(),
                        first.sql())); // fails with the engine's own error
            }
        }
    }

    private long table(DumpInput in, InsertPool pool) throws IOException, SQLException {
        String tableSchema = in.string();
        String table = in.string();
        int n = in.unsignedShort();
        List<String> columns = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            columns.add(in.string());
        }
        String name = identifier(tableSchema) + "." + identifier(table);
        if (DumpFormat.SYSTEM_SCHEMAS.contains(tableSchema)) {
            // the operator's bookkeeping: this engine's copy is replaced by the dumped node's
            statement(pool, DumpStatement.plain("", "DELETE FROM " + name));
        }
        RowBatches batches = new RowBatches(pool, name, columns, batchRows, batchBytes);
        long rows = 0;
        while (true) {
            int type = in.type();
            if (type == DumpFormat.ROW) {
                byte[][] values = new byte[n][];
                for (int i = 0; i < n; i++) {
                    values[i] = in.value();
                }
                batches.add(values);
                rows++;
            } else if (type == DumpFormat.TABLE_END) {
                batches.flush();
                long expected = in.longValue();
                if (expected != rows) {
                    throw new IOException("damaged dump: " + rows + " rows of " + name + " read, the dump says "
                            + expected);
                }
                return rows;
            } else {
                throw new IOException("damaged dump: record type " + type + " inside the rows of " + name);
            }
        }
    }

    /** Drops every schema but the system ones and FluxDB's bookkeeping; returns their names. */
    public static List<String> dropUserSchemas(Connection c) throws SQLException {
        List<String> schemas = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            for (String[] row : DumpCatalog.rows(s, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA"
                    + " WHERE SCHEMA_NAME NOT IN " + DumpFormat.systemSchemaList())) {
                schemas.add(row[0]);
            }
            for (String name : schemas) {
                s.execute("DROP DATABASE " + identifier(name));
            }
        }
        return schemas;
    }

    private static String abbreviate(String sql) {
        return sql.length() <= 200 ? sql : sql.substring(0, 200) + "...";
    }

    /** A table's rows gathered into multi-row INSERTs, sent by row count or size. */
    private static final class RowBatches {
        private final InsertPool pool;
        private final String table;
        private final String prefix;
        private final String rowPlaceholders;
        private final int columns;
        private final int maxRows;
        private final long maxBytes;
        private List<byte[][]> pending = new ArrayList<>();
        private long pendingBytes;
        private String fullSql;

        RowBatches(InsertPool pool, String table, List<String> columns, int maxRows, long maxBytes) {
            this.pool = pool;
            this.table = table;
            this.columns = columns.size();
            this.maxRows = maxRows;
            this.maxBytes = maxBytes;
            StringBuilder names = new StringBuilder();
            StringBuilder marks = new StringBuilder("(");
            for (int i = 0; i < columns.size(); i++) {
                names.append(i == 0 ? "" : ", ").append(identifier(columns.get(i)));
                marks.append(i == 0 ? "?" : ", ?");
            }
            this.prefix = "INSERT INTO " + table + " (" + names + ") VALUES ";
            this.rowPlaceholders = marks.append(')').toString();
        }

        void add(byte[][] values) throws SQLException, IOException {
            pending.add(values);
            for (byte[] value : values) {
                pendingBytes += value == null ? 4 : value.length + 4;
            }
            if (pending.size() >= maxRows || pendingBytes >= maxBytes) {
                flush();
            }
        }

        /** Hands the pending rows to the pool; a new list gathers the next ones while they insert. */
        void flush() throws SQLException, IOException {
            if (pending.isEmpty()) {
                return;
            }
            List<byte[][]> rows = pending;
            pending = new ArrayList<>();
            pendingBytes = 0;
            String sql;
            if (rows.size() == maxRows) {
                if (fullSql == null) {
                    fullSql = sql(maxRows);
                }
                sql = fullSql;
            } else {
                sql = sql(rows.size());
            }
            pool.send(session -> insert(session, sql, rows));
        }

        /**
         * Inserts the rows in one statement. Batches inserting into one table at once can deadlock in InnoDB (seen
         * with 1000-row batches on two connections); the engine then rolls the whole statement back, so it is sent
         * again, a few times.
         */
        private void insert(LoaderSession session, String sql, List<byte[][]> rows) throws SQLException {
            session.use("", DumpFormat.SQL_MODE, DumpFormat.TIME_ZONE);
            for (int attempt = 1; ; attempt++) {
                try (PreparedStatement p = session.connection().prepareStatement(sql)) {
                    int i = 1;
                    for (byte[][] row : rows) {
                        for (int k = 0; k < columns; k++) {
                            if (row[k] == null) {
                                p.setNull(i++, java.sql.Types.BINARY);
                            } else {
                                p.setBytes(i++, row[k]);
                            }
                        }
                    }
                    p.executeUpdate();
                    return;
                } catch (SQLException e) {
                    if (attempt < INSERT_ATTEMPTS && (e.getErrorCode() == DEADLOCK
                            || e.getErrorCode() == LOCK_WAIT_TIMEOUT)) {
                        log.info("load - {} rows into {} met another batch's locks ({}); sending them again", rows.size(),
                                table, e.getErrorCode());
                        pause(attempt);
                        continue;
                    }
                    throw new SQLException(e.getMessage() + " (inserting " + rows.size() + " rows into " + table
                            + ")", e.getSQLState(), e.getErrorCode(), e);
                }
            }
        }

        private static void pause(int attempt) throws SQLException {
            try {
                Thread.sleep(10L * attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while loading a dump", e);
            }
        }

        private String sql(int rows) {
            StringBuilder sql = new StringBuilder(prefix.length() + rows * (rowPlaceholders.length() + 2));
            sql.append(prefix);
            for (int r = 0; r < rows; r++) {
                sql.append(r == 0 ? "" : ",").append(rowPlaceholders);
            }
            return sql.toString();
        }
    }
}
