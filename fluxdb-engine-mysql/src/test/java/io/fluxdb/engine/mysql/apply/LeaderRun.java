package io.fluxdb.engine.mysql.apply;

import io.fluxdb.engine.spi.BoundValue;
import io.fluxdb.engine.spi.EntryKind;
import io.fluxdb.engine.spi.LogEntryContent;
import io.fluxdb.engine.spi.ReplayHints;
import io.fluxdb.engine.spi.ReplicatedStatement;
import io.fluxdb.engine.spi.SessionContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Runs statements on a leader's engine the way the FluxDB leader does (the clock and the random seeds pinned before
 * each statement, the insert id and LAST_INSERT_ID() observed) and collects them, with those values as replay hints,
 * into a log entry.
 */
final class LeaderRun {
    /** 2001-02-03 04:05:06.123456 UTC: far from any node's own clock, so a replay that ignored it would differ. */
    static final long BASE_MICROS = 981_173_106_123_456L;

    private final Connection c;
    private final List<ReplicatedStatement> statements = new ArrayList<>();
    private long micros = BASE_MICROS;

    LeaderRun(Connection c) {
        this.c = c;
    }

    /** Runs a text statement one second after the previous one. */
    LeaderRun run(String sql) throws SQLException {
        return run(sql, Map.of());
    }

    /**
     * Runs a text statement that reads user variables; {@code userVariables} are the values they held on the leader,
     * which the caller assigned there and read back, as the leader's front end does.
     */
    LeaderRun run(String sql, Map<String, BoundValue> userVariables) throws SQLException {
        return execute(sql, List.of(), null, userVariables);
    }

    /**
     * Runs a prepared statement; {@code binder} binds the leader's values with plain JDBC, independently of the code
     * under test, while {@code parameters} are the same values as they travel in the entry.
     */
    LeaderRun prepared(String sql, List<BoundValue> parameters, Binder binder) throws SQLException {
        return execute(sql, parameters, binder, Map.of());
    }

    private LeaderRun execute(String sql, List<BoundValue> parameters, Binder binder,
            Map<String, BoundValue> userVariables) throws SQLException {
        micros += 1_000_000;
        long seed1 = ThreadLocalRandom.current().nextLong(1, 1L << 30);
        long seed2 = ThreadLocalRandom.current().nextLong(1, 1L << 30);
        long lastInsertId;
        try (Statement s = c.createStatement()) {
            s.execute("SET timestamp = " + Sql.seconds(micros) + ", rand_seed1 = " + seed1 + ", rand_seed2 = " + seed2);
            try (ResultSet rs = s.executeQuery("SELECT LAST_INSERT_ID()")) {
                rs.next();
                lastInsertId = rs.getLong(1);
            }
        }
        long affected;
        OptionalLong insertId;
        if (parameters.isEmpty()) {
            try (Statement s = c.createStatement()) {
                affected = s.executeLargeUpdate(sql, Statement.RETURN_GENERATED_KEYS);
                insertId = firstKey(s);
            }
        } else {
            try (PreparedStatement p = c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
                binder.bind(p);
                affected = p.executeLargeUpdate();
                insertId = firstKey(p);
            }
        }
        ReplayHints hints = new ReplayHints(insertId, OptionalLong.of(lastInsertId),
                Optional.of(new ReplayHints.RandSeed(seed1, seed2)), OptionalLong.of(micros), userVariables);
        statements.add(new ReplicatedStatement(sql, parameters, hints, OptionalLong.of(affected)));
        return this;
    }

    /**
     * Runs LOAD DATA LOCAL INFILE with {@code file} as the client's file, and records the bytes in the statement's
     * hints, as the leader's front end does.
     */
    LeaderRun load(String sql, byte[] file) throws SQLException {
        micros += 1_000_000;
        long affected;
        try (Statement s = c.createStatement()) {
            s.execute("SET timestamp = " + Sql.seconds(micros));
            s.unwrap(org.mariadb.jdbc.Statement.class).setLocalInfileInputStream(
                    new java.io.ByteArrayInputStream(file));
            affected = s.executeLargeUpdate(sql);
        }
        ReplayHints hints = new ReplayHints(OptionalLong.empty(), OptionalLong.empty(), Optional.empty(),
                OptionalLong.of(micros), Map.of()).withLocalInfile(file);
        statements.add(new ReplicatedStatement(sql, List.of(), hints, OptionalLong.of(affected)));
        return this;
    }

    /** Binds the leader's parameter values with plain JDBC setters. */
    interface Binder {
        void bind(PreparedStatement p) throws SQLException;
    }

    private static OptionalLong firstKey(Statement s) throws SQLException {
        try (ResultSet keys = s.getGeneratedKeys()) {
            return keys.next() ? OptionalLong.of(keys.getLong(1)) : OptionalLong.empty();
        }
    }

    List<ReplicatedStatement> statements() {
        return List.copyOf(statements);
    }

    /** The entry: these statements, in the leader connection's session, as its account. */
    LogEntryContent entry(EntryKind kind, Optional<String> originTransaction) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET timestamp = DEFAULT");
        }
        return new LogEntryContent(kind, BASE_MICROS, "leader_1", 7, session(c), Optional.of(account(c)),
                originTransaction, statements);
    }

    LogEntryContent entry() throws SQLException {
        return entry(EntryKind.TRANSACTION, Optional.empty());
    }

    static String account(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT CURRENT_USER()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** The session of {@code c} as the leader's front end reports it. */
    static SessionContext session(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT DATABASE(), @@sql_mode,"
                + " @@time_zone, @@character_set_client, @@character_set_connection, @@character_set_results,"
                + " @@collation_connection, @@foreign_key_checks, @@unique_checks, @@auto_increment_increment,"
                + " @@auto_increment_offset")) {
            rs.next();
            return new SessionContext(Optional.ofNullable(rs.getString(1)), rs.getString(2), rs.getString(3),
                    rs.getString(4), rs.getString(5), Optional.ofNullable(rs.getString(6)), rs.getString(7),
                    rs.getBoolean(8), rs.getBoolean(9), rs.getInt(10), rs.getInt(11), Map.of());
        }
    }
}
