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
 */
public final class DumpLoader {
    private static final Logger log = LoggerFactory.getLogger(DumpLoader.class);
    private static final int BATCH_ROWS = 1000;
    private static final long BATCH_BYTES = 1 << 20;
    /** The engine's "table doesn't exist": a view that names a view created later. */
    private static final int NO_SUCH_TABLE = 1146;

    private final Connection c;
    private final int bookkeepingVersion;
    private final List<DumpStatement> deferredViews = new ArrayList<>();
    private String sqlMode = "";
    private String timeZone = "";
    private String schema = "";

    /**
     * @param connection an admin connection the loader may change the session of
     * @param bookkeepingVersion this engine's bookkeeping schema version; a dump of another version is refused
     */
    public DumpLoader(Connection connection, int bookkeepingVersion) {
        this.c = Objects.requireNonNull(connection, "connection is null");
        this.bookkeepingVersion = bookkeepingVersion;
    }

    /** Replaces the engine's user data and bookkeeping with the dump read from {@code source}. */
    public void load(InputStream source) throws IOException {
        DumpInput in = new DumpInput(source);
        long start = System.nanoTime();
        try {
            int version = in.header();
            if (version != bookkeepingVersion) {
                throw new IOException("the dump carries bookkeeping schema version " + version + " and this engine has "
                        + bookkeepingVersion + ": both nodes must run the same FluxDB version");
            }
            session("", DumpFormat.SQL_MODE, DumpFormat.TIME_ZONE);
            try (Statement s = c.createStatement()) {
                s.execute("SET SESSION foreign_key_checks = 0, unique_checks = 0, NAMES utf8mb4");
            }
            List<String> dropped = dropUserSchemas(c);
            if (!dropped.isEmpty()) {
                log.info("load - dropped {} schemas before loading: {}", dropped.size(), dropped);
            }
            long rows = records(in);
            log.info("load - {} rows loaded in {} ms", rows, (System.nanoTime() - start) / 1_000_000);
        } catch (SQLException e) {
            throw new IOException("loading the dump failed on the engine: " + e.getErrorCode() + " "
                    + e.getMessage(), e);
        } catch (EOFException e) {
            throw DumpInput.cutShort();
        }
    }

    private long records(DumpInput in) throws IOException, SQLException {
        long rows = 0;
        while (true) {
            int type = in.type();
            if (type != DumpFormat.STATEMENT) {
                retryDeferredViews();
            }
            switch (type) {
                case DumpFormat.STATEMENT -> statement(new DumpStatement(in.unsignedByte(), in.string(), in.string(),
                        in.string(), in.string()));
                case DumpFormat.TABLE -> rows += table(in);
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

    private void statement(DumpStatement statement) throws SQLException {
        session(statement.schema(), statement.sqlMode(), statement.timeZone());
        try (Statement s = c.createStatement()) {
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
    private void retryDeferredViews() throws SQLException {
        while (!deferredViews.isEmpty()) {
            List<DumpStatement> pass = new ArrayList<>(deferredViews);
            deferredViews.clear();
            for (DumpStatement view : pass) {
                statement(view);
            }
            if (deferredViews.size() == pass.size()) {
                DumpStatement first = deferredViews.get(0);
                deferredViews.clear();
                statement(new DumpStatement(DumpFormat.PLAIN, first.schema(), first.sqlMode(), first.timeZone(),
                        first.sql())); // fails with the engine's own error
            }
        }
    }

    private long table(DumpInput in) throws IOException, SQLException {
        String tableSchema = in.string();
        String table = in.string();
        int n = in.unsignedShort();
        List<String> columns = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            columns.add(in.string());
        }
        String name = identifier(tableSchema) + "." + identifier(table);
        session("", DumpFormat.SQL_MODE, DumpFormat.TIME_ZONE);
        if (DumpFormat.SYSTEM_SCHEMAS.contains(tableSchema)) {
            // the operator's bookkeeping: this engine's copy is replaced by the dumped node's
            try (Statement s = c.createStatement()) {
                s.execute("DELETE FROM " + name);
            }
        }
        RowBatches batches = new RowBatches(c, name, columns, BATCH_ROWS, BATCH_BYTES);
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
                batches.close();
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

    private void session(String database, String mode, String zone) throws SQLException {
        try (Statement s = c.createStatement()) {
            if (!mode.equals(sqlMode)) {
                s.execute("SET SESSION sql_mode = " + DumpFormat.literal(mode));
                sqlMode = mode;
            }
            if (!zone.equals(timeZone)) {
                s.execute("SET SESSION time_zone = " + DumpFormat.literal(zone));
                timeZone = zone;
            }
        }
        if (!database.isEmpty() && !database.equals(schema)) {
            c.setCatalog(database);
            schema = database;
        }
    }

    private static String abbreviate(String sql) {
        return sql.length() <= 200 ? sql : sql.substring(0, 200) + "...";
    }

    /** Multi-row INSERTs of a table's rows, flushed by row count or size. */
    private static final class RowBatches {
        private final Connection c;
        private final String prefix;
        private final String rowPlaceholders;
        private final int columns;
        private final int maxRows;
        private final long maxBytes;
        private final List<byte[][]> pending = new ArrayList<>();
        private long pendingBytes;
        private PreparedStatement full;

        RowBatches(Connection c, String table, List<String> columns, int maxRows, long maxBytes) {
            this.c = c;
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

        void add(byte[][] values) throws SQLException {
            pending.add(values);
            for (byte[] value : values) {
                pendingBytes += value == null ? 4 : value.length + 4;
            }
            if (pending.size() >= maxRows || pendingBytes >= maxBytes) {
                flush();
            }
        }

        void flush() throws SQLException {
            if (pending.isEmpty()) {
                return;
            }
            try {
                if (pending.size() == maxRows) {
                    if (full == null) {
                        full = c.prepareStatement(sql(maxRows));
                    }
                    insert(full);
                } else {
                    try (PreparedStatement p = c.prepareStatement(sql(pending.size()))) {
                        insert(p);
                    }
                }
            } finally {
                pending.clear();
                pendingBytes = 0;
            }
        }

        void close() throws SQLException {
            if (full != null) {
                full.close();
            }
        }

        private void insert(PreparedStatement p) throws SQLException {
            int i = 1;
            for (byte[][] row : pending) {
                for (int k = 0; k < columns; k++) {
                    if (row[k] == null) {
                        p.setNull(i++, java.sql.Types.BINARY);
                    } else {
                        p.setBytes(i++, row[k]);
                    }
                }
            }
            p.executeUpdate();
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
