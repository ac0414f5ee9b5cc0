package io.fluxdb.engine.mysql.snapshot;

import static io.fluxdb.engine.mysql.snapshot.DumpFormat.identifier;
import static io.fluxdb.engine.mysql.snapshot.DumpFormat.literal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything a dump holds besides rows, read while nothing is applied (the engine's catalog is not versioned like its
 * rows, so it must be read at the dump's point): accounts and grants, schemas, table definitions, and the views,
 * routines, triggers and events that are created after the rows (triggers must not fire while rows load). Small: it
 * is held in memory; rows are streamed.
 *
 * @param before statements run before any rows load, in order
 * @param tables the user tables whose rows the dump holds, with their stored (not generated) columns
 * @param after statements run after the rows
 * @param bookkeeping the operator's own tables whose rows the dump holds (all columns)
 */
record DumpCatalog(List<DumpStatement> before, List<TableData> tables, List<DumpStatement> after,
        List<TableData> bookkeeping) {

    /** A table whose rows are dumped, with its columns in order. */
    record TableData(String schema, String name, List<String> columns) {
        String quotedName() {
            return identifier(schema) + "." + identifier(name);
        }

        /**
         * What to select for column {@code i}: its value as a binary string, so text keeps the bytes of its column's
         * character set (the driver converts only text it is told is text) and every type reads as bytes.
         */
        String selectExpression(int i) {
            return "CAST(" + identifier(columns.get(i)) + " AS BINARY)";
        }
    }

    /**
     * Reads the catalog through {@code c}, whose session uses {@link DumpFormat#SQL_MODE} (so definitions come out with
     * back-quoted identifiers).
     *
     * @param skippedAccounts account names (any host) left out: the engine's own and the operator's admin account,
     *     which every node has with its own credentials
     * @param bookkeepingTables the operator tables to dump, as {@code schema.table}
     */
    static DumpCatalog read(Connection c, Set<String> skippedAccounts, List<String> bookkeepingTables)
            throws SQLException {
        List<DumpStatement> before = new ArrayList<>();
        List<DumpStatement> after = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            List<DumpStatement> grants = new ArrayList<>();
            Accounts.read(s, skippedAccounts, before, grants);
            for (String schema : strings(s, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME"
                    + " NOT IN " + DumpFormat.systemSchemaList() + " ORDER BY SCHEMA_NAME")) {
                before.add(DumpStatement.plain("", column(s, "SHOW CREATE DATABASE " + identifier(schema), 2)));
            }
            List<TableData> tables = tables(s, before, after);
            routines(s, after);
            triggers(s, after);
            events(s, after);
            after.addAll(grants);
            List<TableData> bookkeeping = new ArrayList<>();
            for (String qualified : bookkeepingTables) {
                String[] parts = qualified.split("\\.", 2);
                bookkeeping.add(table(c, parts[0], parts[1], false));
            }
            return new DumpCatalog(List.copyOf(before), List.copyOf(tables), List.copyOf(after),
                    List.copyOf(bookkeeping));
        }
    }

    private static List<TableData> tables(Statement s, List<DumpStatement> before, List<DumpStatement> after)
            throws SQLException {
        Map<String[], String> all = new LinkedHashMap<>();
        try (ResultSet rs = s.executeQuery("SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES"
                + " WHERE TABLE_SCHEMA NOT IN " + DumpFormat.systemSchemaList()
                + " ORDER BY TABLE_SCHEMA, TABLE_NAME")) {
            while (rs.next()) {
                all.put(new String[] {rs.getString(1), rs.getString(2)}, rs.getString(3));
            }
        }
        List<TableData> tables = new ArrayList<>();
        for (Map.Entry<String[], String> table : all.entrySet()) {
            String schema = table.getKey()[0];
            String name = table.getKey()[1];
            String quoted = identifier(schema) + "." + identifier(name);
            switch (table.getValue()) {
                case "VIEW" -> {
                    try (ResultSet rs = s.executeQuery("SHOW CREATE VIEW " + quoted)) {
                        rs.next();
                        after.add(new DumpStatement(DumpFormat.VIEW, schema, DumpFormat.SQL_MODE, DumpFormat.TIME_ZONE,
                                rs.getString(2)));
                    }
                }
                case "SEQUENCE" -> {
                    before.add(DumpStatement.plain(schema, column(s, "SHOW CREATE SEQUENCE " + quoted, 2)));
                    // a sequence's position is not versioned: read here, where nothing changes it
                    String next = column(s, "SELECT next_not_cached_value FROM " + quoted, 1);
                    before.add(DumpStatement.plain(schema, "DO SETVAL(" + quoted + ", " + next + ", 0)"));
                }
                default -> {
                    before.add(DumpStatement.plain(schema, column(s, "SHOW CREATE TABLE " + quoted, 2)));
                    tables.add(table(s.getConnection(), schema, name, true));
                }
            }
        }
        return tables;
    }

    private static void routines(Statement s, List<DumpStatement> after) throws SQLException {
        List<String[]> routines = rows(s, "SELECT ROUTINE_SCHEMA, ROUTINE_NAME, ROUTINE_TYPE FROM"
                + " information_schema.ROUTINES WHERE ROUTINE_SCHEMA NOT IN " + DumpFormat.systemSchemaList()
                + " AND ROUTINE_TYPE IN ('PROCEDURE', 'FUNCTION') ORDER BY ROUTINE_SCHEMA, ROUTINE_TYPE, ROUTINE_NAME");
        for (String[] r : routines) {
            // columns: name, sql_mode, definition, character_set_client, collation_connection, database collation
            try (ResultSet rs = s.executeQuery("SHOW CREATE " + r[2] + " " + identifier(r[0]) + "." + identifier(r[1]))) {
                rs.next();
                after.add(new DumpStatement(DumpFormat.PLAIN, r[0], rs.getString(2), DumpFormat.TIME_ZONE,
                        rs.getString(3)));
            }
        }
    }

    private static void triggers(Statement s, List<DumpStatement> after) throws SQLException {
        List<String[]> triggers = rows(s, "SELECT TRIGGER_SCHEMA, TRIGGER_NAME FROM information_schema.TRIGGERS"
                + " WHERE TRIGGER_SCHEMA NOT IN " + DumpFormat.systemSchemaList()
                + " ORDER BY TRIGGER_SCHEMA, EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER");
        for (String[] t : triggers) {
            // columns: name, sql_mode, definition, ...
            try (ResultSet rs = s.executeQuery("SHOW CREATE TRIGGER " + identifier(t[0]) + "." + identifier(t[1]))) {
                rs.next();
                after.add(new DumpStatement(DumpFormat.PLAIN, t[0], rs.getString(2), DumpFormat.TIME_ZONE,
                        rs.getString(3)));
            }
        }
    }

    private static void events(Statement s, List<DumpStatement> after) throws SQLException {
        List<String[]> events = rows(s, "SELECT EVENT_SCHEMA, EVENT_NAME FROM information_schema.EVENTS"
                + " WHERE EVENT_SCHEMA NOT IN " + DumpFormat.systemSchemaList() + " ORDER BY EVENT_SCHEMA, EVENT_NAME");
        for (String[] e : events) {
            // columns: name, sql_mode, time_zone, definition, ...
            try (ResultSet rs = s.executeQuery("SHOW CREATE EVENT " + identifier(e[0]) + "." + identifier(e[1]))) {
                rs.next();
                after.add(new DumpStatement(DumpFormat.PLAIN, e[0], rs.getString(2), rs.getString(3),
                        rs.getString(4)));
            }
        }
    }

    /** The table's columns in order; with {@code storedOnly}, without generated ones, which the engine computes. */
    private static TableData table(Connection c, String schema, String table, boolean storedOnly)
            throws SQLException {
        List<String> columns = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT COLUMN_NAME FROM information_schema.COLUMNS"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?" + (storedOnly ? " AND IS_GENERATED = 'NEVER'" : "")
                + " ORDER BY ORDINAL_POSITION")) {
            p.setString(1, schema);
            p.setString(2, table);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
            }
        }
        return new TableData(schema, table, List.copyOf(columns));
    }

    private static String column(Statement s, String sql, int column) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new SQLException("no result from: " + sql);
            }
            return rs.getString(column);
        }
    }

    private static List<String> strings(Statement s, String sql) throws SQLException {
        return rows(s, sql).stream().map(r -> r[0]).toList();
    }

    static List<String[]> rows(Statement s, String sql) throws SQLException {
        List<String[]> rows = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                String[] row = new String[n];
                for (int i = 0; i < n; i++) {
                    row[i] = rs.getString(i + 1);
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /** {@code 'user'@'host'}. */
    static String account(String user, String host) {
        return literal(user) + "@" + literal(host);
    }
}
