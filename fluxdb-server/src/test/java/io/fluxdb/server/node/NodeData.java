package io.fluxdb.server.node;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one node's engine holds after a {@link ClusterCrashIT} run, read on a direct engine connection: the test's
 * rows, the schema of {@code app}, table checksums, and the node's replication bookkeeping.
 *
 * @param tokens the distinct tokens of {@code items}
 * @param updatedBy the tokens of the updates found in {@code items}
 * @param duplicates (token, kind) pairs present more than once: a write applied twice
 * @param badCounts rows whose {@code v} is not 1 exactly when an update marked them, and writers whose counter is
 *     not the number of their transactions: a statement applied twice or a transaction applied in part
 * @param columns every table of {@code app} with its columns in order
 * @param sideRows the tokens in each side table
 * @param checksums CHECKSUM TABLE of every user table
 * @param floor every index up to it is applied (pruned bookkeeping)
 * @param applied each index above the floor recorded in {@code fluxdb.applied_log}, with its error code (0 for none)
 * @param leftovers DDL intents, prepared XA transactions and leader commits still held: all must be gone once the
 *     node applied everything
 */
record NodeData(Set<String> tokens, Set<String> updatedBy, List<String> duplicates, List<String> badCounts,
        SortedMap<String, String> columns, SortedMap<String, List<String>> sideRows, Map<String, Long> checksums,
        long floor, SortedMap<Long, Integer> applied, List<String> leftovers) {

    static NodeData read(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            SortedMap<String, String> columns = new TreeMap<>();
            for (List<String> row : rows(s, "SELECT TABLE_NAME, GROUP_CONCAT(COLUMN_NAME ORDER BY ORDINAL_POSITION)"
                    + " FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'app' GROUP BY TABLE_NAME")) {
                columns.put(row.get(0), row.get(1));
            }
            SortedMap<String, List<String>> sideRows = new TreeMap<>();
            for (String table : columns.keySet()) {
                if (table.startsWith("side_")) {
                    sideRows.put(table, column(s, "SELECT token FROM app." + table + " ORDER BY id"));
                }
            }
            List<String> badCounts = column(s, "SELECT CONCAT('item ', token, '/', kind, ' v=', v) FROM app.items"
                    + " WHERE v <> (updated_by IS NOT NULL)");
            badCounts.addAll(column(s, "SELECT CONCAT('counter ', writer, ' n=', n, ' transactions=', t) FROM"
                    + " (SELECT c.writer, c.n, (SELECT COUNT(*) FROM app.items i WHERE i.writer = c.writer"
                    + " AND i.kind = 't') AS t FROM app.counters c) counted WHERE n <> t"));
            SortedMap<Long, Integer> applied = new TreeMap<>();
            for (List<String> row : rows(s, "SELECT idx, COALESCE(error_code, 0) FROM fluxdb.applied_log")) {
                applied.put(Long.parseLong(row.get(0)), Integer.parseInt(row.get(1)));
            }
            List<String> leftovers = column(s, "SELECT CONCAT('ddl_intent ', xid, ' ', state) FROM fluxdb.ddl_intent");
            leftovers.addAll(column(s, "SELECT CONCAT('leader_commits ', xid) FROM fluxdb.leader_commits"));
            for (List<String> row : rows(s, "XA RECOVER")) {
                leftovers.add("prepared XA " + row.get(3));
            }
            return new NodeData(new TreeSet<>(column(s, "SELECT DISTINCT token FROM app.items")),
                    new TreeSet<>(column(s, "SELECT updated_by FROM app.items WHERE updated_by IS NOT NULL")),
                    column(s, "SELECT CONCAT(token, '/', kind, ' x', COUNT(*)) FROM app.items GROUP BY token, kind"
                            + " HAVING COUNT(*) > 1"),
                    badCounts, columns, sideRows, EngineChecksums.of(c),
                    Long.parseLong(column(s, "SELECT idx FROM fluxdb.applied_floor").getFirst()), applied, leftovers);
        }
    }

    /** The highest index this node recorded, 0 if none. */
    long lastApplied() {
        return applied.isEmpty() ? floor : applied.lastKey();
    }

    private static List<String> column(Statement s, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        for (List<String> row : rows(s, sql)) {
            values.add(row.getFirst());
        }
        return values;
    }

    private static List<List<String>> rows(Statement s, String sql) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }
}
