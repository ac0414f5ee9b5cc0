package io.fluxdb.server.node;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** CHECKSUM TABLE of every user table of an engine, read on a direct engine connection (not through FluxDB). */
final class EngineChecksums {
    private EngineChecksums() {
    }

    /** The checksum of each base table outside the system schemas and {@code fluxdb}, by quoted name. */
    static Map<String, Long> of(Connection engine) throws SQLException {
        Map<String, Long> sums = new TreeMap<>();
        try (Statement s = engine.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT CONCAT('`', TABLE_SCHEMA, '`.`', TABLE_NAME, '`')"
                    + " FROM information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA NOT IN"
                    + " ('mysql', 'sys', 'information_schema', 'performance_schema', 'fluxdb')")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                try (ResultSet rs = s.executeQuery("CHECKSUM TABLE " + table + " EXTENDED")) {
                    rs.next();
                    sums.put(table, rs.getLong(2));
                }
            }
        }
        return sums;
    }
}
