package io.fluxdb.engine.mysql.apply;

import io.fluxdb.engine.mysql.MySqlEngine;
import io.fluxdb.engine.mysql.MySqlEngineFactory;
import io.fluxdb.engine.spi.EngineConfig;
import io.fluxdb.engine.spi.EntryKind;
import io.fluxdb.engine.spi.LogEntryContent;
import io.fluxdb.engine.spi.ReplicatedStatement;
import io.fluxdb.engine.spi.SessionContext;
import io.fluxdb.testkit.MariaDbProcess;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Engines, connections and entries for the apply integration tests. */
public final class ApplyTesting {
    private ApplyTesting() {
    }

    public static MySqlEngine engine(MariaDbProcess db, Map<String, String> options) {
        MySqlEngine engine = (MySqlEngine) new MySqlEngineFactory().create(new EngineConfig(db.host(), db.port(), "root",
                db.rootPassword(), Optional.empty(), Optional.empty(), options));
        engine.start();
        return engine;
    }

    /** A root connection that counts changed rows and prepares on the server, as the leader's clients may. */
    static Connection connect(MariaDbProcess db, String database) throws SQLException {
        return DriverManager.getConnection(db.jdbcUrl(database) + "&useAffectedRows=true&useServerPrepStmts=true",
                "root", db.rootPassword());
    }

    static Connection connect(MariaDbProcess db, String database, String user, String password) throws SQLException {
        return DriverManager.getConnection(db.jdbcUrl(database) + "&useAffectedRows=true", user, password);
    }

    static void exec(Connection c, String... statements) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    public static void exec(MariaDbProcess db, String... statements) throws SQLException {
        try (Connection c = connect(db, "")) {
            exec(c, statements);
        }
    }

    /** Each row as its columns joined by {@code |}, NULL as {@code null}. */
    static List<String> rows(Connection c, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                String[] values = new String[n];
                for (int i = 0; i < n; i++) {
                    values[i] = rs.getString(i + 1);
                }
                rows.add(String.join("|", Arrays.asList(values)));
            }
        }
        return rows;
    }

    public static List<String> rows(MariaDbProcess db, String sql) throws SQLException {
        try (Connection c = connect(db, "")) {
            return rows(c, sql);
        }
    }

    static long count(MariaDbProcess db, String sql) throws SQLException {
        return Long.parseLong(rows(db, sql).get(0));
    }

    /** The session of a client that selected {@code database} and changed nothing else. */
    static SessionContext session(String database) {
        return new SessionContext(Optional.ofNullable(database), "STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION",
                "+00:00", "utf8mb4", "utf8mb4", Optional.of("utf8mb4"), "utf8mb4_general_ci", true, true, 1, 1,
                Map.of());
    }

    /** A transaction entry of plain statements in {@code database}. */
    public static LogEntryContent transaction(String database, String... statements) {
        return entry(EntryKind.TRANSACTION, database, Optional.empty(), statements);
    }

    static LogEntryContent entry(EntryKind kind, String database, Optional<String> xid, String... statements) {
        return new LogEntryContent(kind, LeaderRun.BASE_MICROS, "leader_1", 1, session(database),
                Optional.of("root@localhost"), xid, Arrays.stream(statements).map(ReplicatedStatement::of).toList());
    }
}
