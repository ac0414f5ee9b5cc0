package io.fluxdb.engine.mysql.apply;

import io.fluxdb.engine.spi.EngineChecksum;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checksums of every user table and the applied watermark, read in one consistent snapshot.
 *
 * <p>Each row is hashed (MD5 over its columns, each quoted after a cast to binary, so NULL, the empty string and the
 * text {@code NULL} differ and column boundaries cannot shift), and a table's value is its row count and the sums of
 * the two halves of those hashes. Sums do not depend on row order, so nodes agree whatever their physical order, and
 * tables without a primary key work too. Times are read in UTC so TIMESTAMP columns compare as instants.
 */
final class TableChecksums {

    private static final String SYSTEM_SCHEMAS =
            "('mysql', 'sys', 'information_schema', 'performance_schema', 'fluxdb')";
    /** The engine reports "table definition has changed" when a DDL statement ran after the snapshot began. */
    private static final int TABLE_DEF_CHANGED = 1412;
    private static final int ATTEMPTS = 5;

    private TableChecksums() {
    }

    static EngineChecksum compute(Connection c) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                return once(c);
            } catch (SQLException e) {
                if (e.getErrorCode() != TABLE_DEF_CHANGED || attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** What a session that checksums tables sets first: times read in UTC, values read the same on every node. */
    static final String SESSION_SETUP = "SET SESSION time_zone = '+00:00', sql_mode = 'NO_ENGINE_SUBSTITUTION'";

    private static EngineChecksum once(Connection c) throws SQLException {
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        try (Statement s = c.createStatement()) {
            s.execute(SESSION_SETUP);
            s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
            try {
                Watermark watermark = new Watermark();
                AppliedLog.load(c, watermark);
                return new EngineChecksum(watermark.value(), inTransaction(s));
            } finally {
                s.execute("ROLLBACK");
            }
        }
    }

    /**
     * The checksum of every user table as the open transaction sees it; the session must read times in UTC (see the
     * class comment).
     */
    static TreeMap<String, String> inTransaction(Statement s) throws SQLException {
        TreeMap<String, String> tables = new TreeMap<>();
        for (Map.Entry<String, Table> table : tables(s).entrySet()) {
            tables.put(table.getKey(), checksum(s, table.getValue()));
        }
        return tables;
    }

    /** A table as a quoted name for SQL and its columns in order. */
    private record Table(String quotedName, List<String> columns) {
    }

    /** Every user base table, by {@code schema.table}. */
    private static Map<String, Table> tables(Statement s) throws SQLException {
        Map<String, Table> tables = new LinkedHashMap<>();
        try (ResultSet rs = s.executeQuery("SELECT c.TABLE_SCHEMA, c.TABLE_NAME, c.COLUMN_NAME"
                + " FROM information_schema.COLUMNS c JOIN information_schema.TABLES t"
                + " ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME"
                + " WHERE t.TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED') AND t.TABLE_SCHEMA NOT IN " + SYSTEM_SCHEMAS
                + " ORDER BY c.TABLE_SCHEMA, c.TABLE_NAME, c.ORDINAL_POSITION")) {
            while (rs.next()) {
                String schema = rs.getString(1);
                String name = rs.getString(2);
                tables.computeIfAbsent(schema + "." + name,
                        k -> new Table(Sql.identifier(schema) + "." + Sql.identifier(name), new ArrayList<>()))
                        .columns().add(rs.getString(3));
            }
        }
        return tables;
    }

    private static String checksum(Statement s, Table table) throws SQLException {
        StringBuilder row = new StringBuilder("MD5(CONCAT_WS(','");
        for (String column : table.columns()) {
            row.append(", QUOTE(CAST(").append(Sql.identifier(column)).append(" AS BINARY))");
        }
        row.append("))");
        String sql = "SELECT COUNT(*), COALESCE(SUM(CAST(CONV(SUBSTRING(h, 1, 16), 16, 10) AS UNSIGNED)), 0),"
                + " COALESCE(SUM(CAST(CONV(SUBSTRING(h, 17, 16), 16, 10) AS UNSIGNED)), 0)"
                + " FROM (SELECT " + row + " AS h FROM " + table.quotedName() + ") AS r";
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1) + ":" + rs.getString(2) + ":" + rs.getString(3);
        }
    }
}
