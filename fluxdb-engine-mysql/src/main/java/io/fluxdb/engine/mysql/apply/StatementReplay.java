package io.fluxdb.engine.mysql.apply;

import io.fluxdb.engine.spi.BoundValue;
import io.fluxdb.engine.spi.LogEntryContent;
import io.fluxdb.engine.spi.ReplayHints;
import io.fluxdb.engine.spi.ReplicatedStatement;
import java.io.ByteArrayInputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Runs an entry's statements as the leader ran them: before each one it pins what the leader observed (clock,
 * auto-increment values, random seeds, user variables), then runs the statement, as a server-side prepared statement
 * with exactly the leader's bound values when it has parameters, or as plain text (no {@code ?} placeholders, no JDBC
 * escapes) when it has none.
 */
final class StatementReplay {

    private StatementReplay() {
    }

    /** A statement of the entry, or what replay set before it, failed with an engine error. */
    static final class StatementFailure extends Exception {
        private static final long serialVersionUID = 1L;
        private final int statement;

        StatementFailure(int statement, SQLException cause) {
            super("statement " + statement + " failed: " + cause.getMessage(), cause);
            this.statement = statement;
        }

        int statement() {
            return statement;
        }

        SQLException sqlException() {
            return (SQLException) getCause();
        }
    }

    /**
     * Runs every statement of {@code entry} on {@code c} in the transaction the caller opened.
     *
     * @param assignedUserVariables receives the names of the user variables replay assigned, for the reset after
     * @return the rows each statement changed
     */
    static List<Long> run(Connection c, LogEntryContent entry, Collection<String> assignedUserVariables)
            throws StatementFailure {
        return run(c, entry, assignedUserVariables, -1);
    }

    /**
     * Runs every statement of {@code entry} as {@link #run(Connection, LogEntryContent, Collection)} does, on a
     * connection whose clock the caller pinned already.
     *
     * @param pinnedMicros the clock {@code c} is pinned to, in microseconds since the epoch; -1 when not pinned
     */
    static List<Long> run(Connection c, LogEntryContent entry, Collection<String> assignedUserVariables,
            long pinnedMicros) throws StatementFailure {
        List<Long> affected = new ArrayList<>(entry.statements().size());
        boolean insertIdForced = false;
        for (int i = 0; i < entry.statements().size(); i++) {
            ReplicatedStatement statement = entry.statements().get(i);
            ReplayHints hints = statement.hints();
            long micros = hints.timestampMicros().orElse(entry.timestampMicros());
            try {
                String set = hintAssignments(hints, micros, micros != pinnedMicros, insertIdForced);
                if (!set.isEmpty()) {
                    try (Statement s = c.createStatement()) {
                        s.execute("SET " + set);
                    }
                    pinnedMicros = micros;
                }
                insertIdForced = hints.insertId().isPresent();
                if (!hints.userVariables().isEmpty()) {
                    assignUserVariables(c, hints.userVariables());
                    assignedUserVariables.addAll(hints.userVariables().keySet());
                }
                String sql = entry.account().map(account -> DefinerClause.apply(statement.sql(), account))
                        .orElse(statement.sql());
                affected.add(hints.localInfile().isPresent()
                        ? load(c, sql, hints.localInfile().get().value())
                        : execute(c, sql, statement.parameters()));
            } catch (SQLException e) {
                throw new StatementFailure(i, e);
            }
        }
        return affected;
    }

    /** The clock the entry's first statement runs at, in microseconds since the epoch; -1 when it has none. */
    static long firstClock(LogEntryContent entry) {
        return entry.statements().isEmpty() ? -1
                : entry.statements().get(0).hints().timestampMicros().orElse(entry.timestampMicros());
    }

    /**
     * The {@code SET} assignments for a statement's hints, empty when nothing needs setting.
     *
     * @param clockChanged whether the clock must be pinned (the previous statement ran at another time)
     * @param insertIdForced whether an earlier statement's insert id may still be pending: the engine keeps a forced
     *     insert id until a statement generates a value, so one the earlier statement did not use would be taken by
     *     this one
     */
    static String hintAssignments(ReplayHints hints, long micros, boolean clockChanged, boolean insertIdForced) {
        List<String> parts = new ArrayList<>();
        if (clockChanged) {
            parts.add("timestamp = " + Sql.seconds(micros));
        }
        if (hints.insertId().isPresent()) {
            parts.add("insert_id = " + Long.toUnsignedString(hints.insertId().getAsLong()));
        } else if (insertIdForced) {
            parts.add("insert_id = 0");
        }
        hints.lastInsertId().ifPresent(id -> parts.add("last_insert_id = " + Long.toUnsignedString(id)));
        hints.randSeed().ifPresent(seed -> {
            parts.add("rand_seed1 = " + seed.seed1());
            parts.add("rand_seed2 = " + seed.seed2());
        });
        return String.join(", ", parts);
    }

    private static void assignUserVariables(Connection c, Map<String, BoundValue> variables) throws SQLException {
        StringBuilder sql = new StringBuilder("SET ");
        for (String name : variables.keySet()) {
            sql.append(sql.length() > 4 ? ", @" : "@").append(Sql.identifier(name)).append(" = ?");
        }
        try (PreparedStatement p = c.prepareStatement(sql.toString())) {
            int position = 1;
            for (BoundValue value : variables.values()) {
                BoundValues.bind(p, position++, value);
            }
            p.execute();
        }
    }

    private static long execute(Connection c, String sql, List<BoundValue> parameters) throws SQLException {
        if (parameters.isEmpty()) {
            try (Statement s = c.createStatement()) {
                s.setEscapeProcessing(false);
                return drain(s, s.execute(sql));
            }
        }
        try (PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.size(); i++) {
                BoundValues.bind(p, i + 1, parameters.get(i));
            }
            return drain(p, p.execute());
        }
    }

    /**
     * LOAD DATA LOCAL INFILE with the bytes the leader's client sent: the driver answers the engine's request for the
     * file with them, whatever file name the statement gives, so no file of this host is ever read.
     */
    private static long load(Connection c, String sql, byte[] file) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.setEscapeProcessing(false);
            s.unwrap(org.mariadb.jdbc.Statement.class).setLocalInfileInputStream(new ByteArrayInputStream(file));
            return drain(s, s.execute(sql));
        }
    }

    /** Reads past every result (a CALL may return several) and returns the last update count, 0 when none. */
    private static long drain(Statement s, boolean resultSet) throws SQLException {
        long affected = 0;
        boolean isResult = resultSet;
        while (true) {
            if (isResult) {
                s.getResultSet().close();
            } else {
                long count = s.getLargeUpdateCount();
                if (count == -1) {
                    return affected;
                }
                affected = count;
            }
            isResult = s.getMoreResults();
        }
    }
}
