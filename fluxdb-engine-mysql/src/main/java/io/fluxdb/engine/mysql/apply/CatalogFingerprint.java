package io.fluxdb.engine.mysql.apply;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A SHA-256 over everything DDL and account statements change: schemas, tables, columns, indexes, constraints,
 * partitions, views, routines and their parameters, triggers, events, InnoDB table ids (a rebuild, TRUNCATE or a
 * RENAME that swaps two tables gives new ids even when names and columns are unchanged), and the privilege tables.
 * Statistics, row counts, auto-increment counters and times of last use are left out, because they change without
 * DDL. So is the {@code fluxdb} schema and its grants, which are this engine's own bookkeeping.
 *
 * <p>Only this node compares its fingerprints (before a DDL statement and after a crash), so values that differ
 * between nodes, such as table ids, are fine. Rows are hashed in sorted order, so the engine's row order does not
 * matter.
 */
final class CatalogFingerprint {

    private static final String EXCLUDED_SCHEMAS = "('fluxdb', 'information_schema', 'performance_schema')";

    /**
     * The queries, each with alternatives for engines that lack a table: the first that runs is used, and a part that
     * no engine version offers is left out.
     */
    private static final List<List<String>> PARTS = List.of(
            List.of("SELECT SCHEMA_NAME, DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM"
                    + " information_schema.SCHEMATA WHERE SCHEMA_NAME NOT IN " + EXCLUDED_SCHEMAS),
            List.of("SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, ENGINE, ROW_FORMAT, TABLE_COLLATION, CREATE_OPTIONS,"
                    + " TABLE_COMMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA NOT IN " + EXCLUDED_SCHEMAS
                    + " AND TABLE_TYPE <> 'TEMPORARY'"),
            List.of("SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, COLUMN_DEFAULT, IS_NULLABLE,"
                    + " COLUMN_TYPE, CHARACTER_SET_NAME, COLLATION_NAME, COLUMN_KEY, EXTRA, COLUMN_COMMENT,"
                    + " GENERATION_EXPRESSION FROM information_schema.COLUMNS WHERE TABLE_SCHEMA NOT IN "
                    + EXCLUDED_SCHEMAS),
            List.of("SELECT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, NON_UNIQUE, SUB_PART,"
                    + " INDEX_TYPE, COMMENT, INDEX_COMMENT FROM information_schema.STATISTICS WHERE TABLE_SCHEMA NOT IN "
                    + EXCLUDED_SCHEMAS),
            List.of("SELECT CONSTRAINT_SCHEMA, CONSTRAINT_NAME, TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_TYPE FROM"
                    + " information_schema.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA NOT IN " + EXCLUDED_SCHEMAS),
            List.of("SELECT CONSTRAINT_SCHEMA, CONSTRAINT_NAME, UNIQUE_CONSTRAINT_SCHEMA, UNIQUE_CONSTRAINT_NAME,"
                    + " UPDATE_RULE, DELETE_RULE, TABLE_NAME, REFERENCED_TABLE_NAME FROM"
                    + " information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA NOT IN " + EXCLUDED_SCHEMAS),
            List.of("SELECT CONSTRAINT_SCHEMA, CONSTRAINT_NAME, TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION,"
                    + " REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME FROM"
                    + " information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA NOT IN " + EXCLUDED_SCHEMAS),
            List.of("SELECT CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE FROM"
                    + " information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA NOT IN " + EXCLUDED_SCHEMAS),
            List.of("SELECT TABLE_SCHEMA, TABLE_NAME, PARTITION_NAME, SUBPARTITION_NAME, PARTITION_METHOD,"
                    + " SUBPARTITION_METHOD, PARTITION_EXPRESSION, SUBPARTITION_EXPRESSION, PARTITION_DESCRIPTION,"
                    + " PARTITION_COMMENT FROM information_schema.PARTITIONS WHERE PARTITION_NAME IS NOT NULL AND"
                    + " TABLE_SCHEMA NOT IN " + EXCLUDED_SCHEMAS),
            List.of("SELECT TABLE_SCHEMA, TABLE_NAME, VIEW_DEFINITION, CHECK_OPTION, IS_UPDATABLE, DEFINER,"
                    + " SECURITY_TYPE, CHARACTER_SET_CLIENT, COLLATION_CONNECTION FROM information_schema.VIEWS"
                    + " WHERE TABLE_SCHEMA NOT IN " + EXCLUDED_SCHEMAS),
            List.of("SELECT ROUTINE_SCHEMA, ROUTINE_NAME, ROUTINE_TYPE, DTD_IDENTIFIER, ROUTINE_DEFINITION,"
                    + " IS_DETERMINISTIC, SQL_DATA_ACCESS, SECURITY_TYPE, CREATED, LAST_ALTERED, SQL_MODE,"
                    + " ROUTINE_COMMENT, DEFINER, CHARACTER_SET_CLIENT, COLLATION_CONNECTION FROM"
                    + " information_schema.ROUTINES WHERE ROUTINE_SCHEMA NOT IN " + EXCLUDED_SCHEMAS),
            List.of("SELECT SPECIFIC_SCHEMA, SPECIFIC_NAME, ROUTINE_TYPE, ORDINAL_POSITION, PARAMETER_MODE,"
                    + " PARAMETER_NAME, DTD_IDENTIFIER FROM information_schema.PARAMETERS WHERE SPECIFIC_SCHEMA NOT IN "
                    + EXCLUDED_SCHEMAS),
            List.of("SELECT TRIGGER_SCHEMA, TRIGGER_NAME, EVENT_MANIPULATION, EVENT_OBJECT_SCHEMA, EVENT_OBJECT_TABLE,"
                    + " ACTION_ORDER, ACTION_STATEMENT, ACTION_TIMING, CREATED, SQL_MODE, DEFINER FROM"
                    + " information_schema.TRIGGERS WHERE TRIGGER_SCHEMA NOT IN " + EXCLUDED_SCHEMAS),
            List.of("SELECT EVENT_SCHEMA, EVENT_NAME, DEFINER, TIME_ZONE, EVENT_DEFINITION, EVENT_TYPE, EXECUTE_AT,"
                    + " INTERVAL_VALUE, INTERVAL_FIELD, SQL_MODE, STARTS, ENDS, STATUS, ON_COMPLETION, CREATED,"
                    + " LAST_ALTERED, EVENT_COMMENT FROM information_schema.EVENTS WHERE EVENT_SCHEMA NOT IN "
                    + EXCLUDED_SCHEMAS),
            // InnoDB's own table ids; MySQL 8 names the view INNODB_TABLES.
            List.of("SELECT NAME, TABLE_ID FROM information_schema.INNODB_SYS_TABLES WHERE NAME LIKE '%/%'"
                            + " AND NAME NOT LIKE 'fluxdb/%' AND NAME NOT LIKE '%#sql%'",
                    "SELECT NAME, TABLE_ID FROM information_schema.INNODB_TABLES WHERE NAME LIKE '%/%'"
                            + " AND NAME NOT LIKE 'fluxdb/%' AND NAME NOT LIKE '%#sql%'"),
            // Accounts: MariaDB 10.4+ keeps them in global_priv; mysql.user is a view there and the table elsewhere.
            // ALTER USER with an unchanged password (a managed engine sets root's at every start) changes only
            // password_last_changed, so it is left out; a new password changes authentication_string.
            List.of("SELECT Host, User, JSON_REMOVE(Priv, '$.password_last_changed') FROM mysql.global_priv",
                    "SELECT * FROM mysql.user"),
            List.of("SELECT * FROM mysql.db WHERE Db <> 'fluxdb'"),
            List.of("SELECT * FROM mysql.tables_priv WHERE Db <> 'fluxdb'"),
            List.of("SELECT * FROM mysql.columns_priv WHERE Db <> 'fluxdb'"),
            List.of("SELECT * FROM mysql.procs_priv WHERE Db <> 'fluxdb'"),
            List.of("SELECT * FROM mysql.proxies_priv"),
            List.of("SELECT * FROM mysql.roles_mapping", "SELECT * FROM mysql.role_edges"),
            List.of("SELECT * FROM mysql.servers"),
            List.of("SELECT * FROM mysql.plugin"));

    private static final int UNKNOWN_TABLE = 1109;
    private static final int NO_SUCH_TABLE = 1146;

    private CatalogFingerprint() {
    }

    /** The fingerprint as the engine is now. Sets the session's time zone to UTC, in which it shows times. */
    static byte[] compute(Connection c) throws SQLException {
        MessageDigest digest = sha256();
        try (Statement s = c.createStatement()) {
            s.execute("SET SESSION time_zone = '+00:00'");
            for (List<String> alternatives : PARTS) {
                List<String> rows = rows(s, alternatives);
                digest.update(ByteBuffer.allocate(4).putInt(rows.size()).array());
                for (String row : rows) {
                    digest.update(row.getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        return digest.digest();
    }

    private static List<String> rows(Statement s, List<String> alternatives) throws SQLException {
        for (String sql : alternatives) {
            try (ResultSet rs = s.executeQuery(sql)) {
                int columns = rs.getMetaData().getColumnCount();
                List<String> rows = new ArrayList<>();
                while (rs.next()) {
                    StringBuilder row = new StringBuilder();
                    for (int i = 1; i <= columns; i++) {
                        String value = rs.getString(i);
                        // Length-prefixed, so no value can imitate a separator; NULL differs from every string.
                        row.append(value == null ? "-1:" : value.length() + ":" + value);
                    }
                    rows.add(row.append('\n').toString());
                }
                Collections.sort(rows);
                return rows;
            } catch (SQLException e) {
                if (e.getErrorCode() != UNKNOWN_TABLE && e.getErrorCode() != NO_SUCH_TABLE) {
                    throw e;
                }
            }
        }
        return List.of();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
