package io.fluxdb.engine.mysql.apply;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code fluxdb} schema each engine keeps for itself (it is never replicated): which log entries it applied, which
 * of its own leader transactions committed, and which DDL statement it was about to run. Versioned, so a later FluxDB
 * can evolve it: {@code fluxdb.schema_version} holds the version, and {@link #ensure} applies the steps after it.
 * Each step is idempotent, so a crash halfway through one repeats it at the next start.
 */
final class BookkeepingSchema {
    private static final Logger log = LoggerFactory.getLogger(BookkeepingSchema.class);

    static final String APPLIED_LOG = "fluxdb.applied_log";
    static final String APPLIED_FLOOR = "fluxdb.applied_floor";
    static final String DDL_INTENT = "fluxdb.ddl_intent";
    static final String SCHEMA = "fluxdb";

    private static final String LOCK = "fluxdb.schema";
    private static final int LOCK_TIMEOUT_SECONDS = 30;

    /** Step {@code i} takes the schema from version {@code i} to {@code i + 1}. */
    private static final List<List<String>> STEPS = List.of(List.of(
            "CREATE TABLE IF NOT EXISTS " + APPLIED_LOG + " ("
                    + " idx BIGINT UNSIGNED NOT NULL PRIMARY KEY,"
                    + " error_code SMALLINT UNSIGNED NULL COMMENT 'engine error of a failed entry; NULL when applied'"
                    + ") ENGINE=InnoDB COMMENT='log indexes above applied_floor that this engine applied'",
            "CREATE TABLE IF NOT EXISTS " + APPLIED_FLOOR + " ("
                    + " id TINYINT UNSIGNED NOT NULL PRIMARY KEY,"
                    + " idx BIGINT UNSIGNED NOT NULL"
                    + ") ENGINE=InnoDB COMMENT='every log index up to idx is applied; one row, id 1'",
            "INSERT IGNORE INTO " + APPLIED_FLOOR + " (id, idx) VALUES (1, 0)",
            "CREATE TABLE IF NOT EXISTS " + LeaderCommits.TABLE + " ("
                    + " xid VARBINARY(64) NOT NULL PRIMARY KEY,"
                    + " committed_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)"
                    + ") ENGINE=InnoDB COMMENT='XA transactions of this node''s leader whose entries are not applied yet'",
            "CREATE TABLE IF NOT EXISTS " + DDL_INTENT + " ("
                    + " xid VARBINARY(64) NOT NULL PRIMARY KEY,"
                    + " idx BIGINT UNSIGNED NULL,"
                    + " state ENUM('started','executed','orphan') NOT NULL,"
                    + " fingerprint BINARY(32) NOT NULL,"
                    + " created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)"
                    + ") ENGINE=InnoDB COMMENT='DDL statements about to run, with the catalog fingerprint before them'"),
            List.of("CREATE TABLE IF NOT EXISTS " + ChecksumRecord.TABLE + " ("
                    + " idx BIGINT UNSIGNED NOT NULL,"
                    + " table_name VARCHAR(192) NOT NULL,"
                    + " checksum VARCHAR(64) NOT NULL,"
                    + " PRIMARY KEY (idx, table_name)"
                    + ") ENGINE=InnoDB COMMENT='checksums of every table when this engine applied a CHECKSUM entry'"),
            List.of("CREATE TABLE IF NOT EXISTS " + ClusterIdentity.TABLE + " ("
                    + " id TINYINT UNSIGNED NOT NULL PRIMARY KEY,"
                    + " cluster_id VARCHAR(64) NOT NULL"
                    + ") ENGINE=InnoDB COMMENT='the cluster whose log this engine applies; one row, id 1'"));

    /**
     * The tables that say what this engine applied, carried by a dump so that the node that loads it knows which log
     * entries its data holds: the floor, the recorded indexes, the leader's committed transactions whose entries are
     * still to come, the DDL intents, and the checksums recorded at CHECKSUM entries.
     */
    static final List<String> APPLY_STATE = List.of(APPLIED_FLOOR, APPLIED_LOG, LeaderCommits.TABLE, DDL_INTENT,
            ChecksumRecord.TABLE);

    /** The version this FluxDB writes. */
    static final int VERSION = STEPS.size();

    private BookkeepingSchema() {
    }

    /** Whether the engine has a {@code fluxdb} schema written by some FluxDB (before {@link #ensure} creates one). */
    static boolean exists(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM"
                + " information_schema.TABLES WHERE TABLE_SCHEMA = '" + SCHEMA + "' AND TABLE_NAME = 'schema_version'")) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }

    /**
     * Creates or upgrades the schema. Several operators may start against one engine at once: a named lock serialises
     * them.
     *
     * @throws IllegalStateException if the schema was written by a newer FluxDB
     */
    static void ensure(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT GET_LOCK('" + LOCK + "', " + LOCK_TIMEOUT_SECONDS + ")")) {
                if (!rs.next() || rs.getInt(1) != 1) {
                    throw new IllegalStateException("another FluxDB operator held the lock '" + LOCK + "' on the engine"
                            + " for " + LOCK_TIMEOUT_SECONDS + " s while creating the fluxdb schema; start again");
                }
            }
            try {
                s.execute("CREATE DATABASE IF NOT EXISTS " + SCHEMA);
                s.execute("CREATE TABLE IF NOT EXISTS fluxdb.schema_version ("
                        + " id TINYINT UNSIGNED NOT NULL PRIMARY KEY, version INT UNSIGNED NOT NULL) ENGINE=InnoDB");
                s.execute("INSERT IGNORE INTO fluxdb.schema_version (id, version) VALUES (1, 0)");
                int version;
                try (ResultSet rs = s.executeQuery("SELECT version FROM fluxdb.schema_version WHERE id = 1")) {
                    rs.next();
                    version = rs.getInt(1);
                }
                if (version > VERSION) {
                    throw new IllegalStateException("the engine's fluxdb schema has version " + version
                            + ", written by a newer FluxDB; this one knows versions up to " + VERSION
                            + " (run the newer FluxDB, or restore the engine from a backup taken before the upgrade)");
                }
                for (int step = version; step < VERSION; step++) {
                    for (String sql : STEPS.get(step)) {
                        s.execute(sql);
                    }
                    s.execute("UPDATE fluxdb.schema_version SET version = " + (step + 1) + " WHERE id = 1");
                    log.info("fluxdb schema - upgraded to version {}", step + 1);
                }
            } finally {
                s.execute("DO RELEASE_LOCK('" + LOCK + "')");
            }
        }
    }

    /**
     * Refuses an engine that allocates auto-increment values in a way replay cannot reproduce: with
     * {@code innodb_autoinc_lock_mode = 2}, a multi-row INSERT ... SELECT may get values that are not consecutive, and
     * replay only knows the first one.
     */
    static void checkAutoIncrementLockMode(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT @@innodb_autoinc_lock_mode")) {
            rs.next();
            int mode = rs.getInt(1);
            if (mode > 1) {
                throw new IllegalStateException("the engine runs with innodb_autoinc_lock_mode = " + mode + ", which"
                        + " hands out auto-increment values that replay on other nodes cannot reproduce; set"
                        + " innodb_autoinc_lock_mode = 1 in the [mysqld] section of the engine's configuration (or start"
                        + " it with --innodb-autoinc-lock-mode=1) and restart the engine");
            }
        }
    }

    /**
     * Lets every account insert into {@code fluxdb.leader_commits}, which a leader does inside each client
     * transaction. Needs {@code GRANT ... TO PUBLIC} (MariaDB 10.11+); elsewhere warns that each account needs the
     * grant.
     *
     */
    static void grantLeaderCommitsToPublic(Connection c) {
        try (Statement s = c.createStatement()) {
            s.execute("GRANT INSERT ON " + LeaderCommits.TABLE + " TO PUBLIC");
        } catch (SQLException e) {
            log.warn("fluxdb schema - cannot GRANT INSERT ON {} TO PUBLIC ({} {}): that needs MariaDB 10.11 or newer"
                    + " and an admin account with GRANT OPTION. In a cluster, an account can commit writes through the"
                    + " leader only after GRANT INSERT ON {} TO that account", LeaderCommits.TABLE, e.getErrorCode(),
                    e.getMessage(), LeaderCommits.TABLE);
        }
    }
}
