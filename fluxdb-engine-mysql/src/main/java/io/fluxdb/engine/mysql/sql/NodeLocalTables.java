package io.fluxdb.engine.mysql.sql;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.util.Objects.requireNonNull;

import io.fluxdb.engine.spi.ParseContext;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The tables whose content belongs to one node rather than to the replicated data: each node's engine fills them
 * itself (its connections, status counters, table sizes and times, statistics, logs, replication position), so a
 * replicated write that reads them would store each node's own values.
 *
 * <p>Whole schemas: {@code information_schema} (some of its tables, such as {@code COLUMNS}, would agree on every node,
 * but {@code TABLES}, {@code PROCESSLIST}, the status and {@code INNODB_*} tables do not, and telling them apart
 * column by column is not worth the risk), {@code performance_schema}, {@code sys} (views over it), and the operator's
 * bookkeeping schema {@code fluxdb}, which is never replicated. In {@code mysql}, the statistics, log and replication
 * tables; its account, routine and time zone tables reach every node alike.
 *
 * <p>Names are compared without case (folded to upper case), as the engine compares {@code information_schema}.
 * Where the engine compares a name exactly, a name that differs in case only is taken for the node-local one: a
 * refusal too many rather than a divergence.
 */
public final class NodeLocalTables {

    /** Schemas every table of which is the node's own, upper case. */
    private static final Set<String> SCHEMAS = Set.of("INFORMATION_SCHEMA", "PERFORMANCE_SCHEMA", "SYS",
            // The operator's bookkeeping (io.fluxdb.engine.mysql.apply.BookkeepingSchema): applied indexes, commits.
            "FLUXDB");

    /** The tables of {@code mysql} that each node fills itself, upper case. */
    private static final Set<String> MYSQL_TABLES = Set.of(
            // statistics: ANALYZE TABLE runs on one node only, and InnoDB samples its own pages
            "INNODB_TABLE_STATS", "INNODB_INDEX_STATS", "TABLE_STATS", "COLUMN_STATS", "INDEX_STATS",
            // logs and replication state
            "GENERAL_LOG", "SLOW_LOG", "GTID_SLAVE_POS", "TRANSACTION_REGISTRY", "GTID_EXECUTED",
            "SLAVE_MASTER_INFO", "SLAVE_RELAY_LOG_INFO", "SLAVE_WORKER_INFO");

    private NodeLocalTables() {
    }

    /** Whether every table of {@code schema} is node-local. */
    public static boolean isNodeLocalSchema(String schema) {
        return SCHEMAS.contains(fold(schema));
    }

    /** Whether some table of {@code schema} is node-local, so that unqualified names may read one. */
    public static boolean holdsNodeLocalTables(String schema) {
        String s = fold(schema);
        return SCHEMAS.contains(s) || s.equals("MYSQL");
    }

    /** Whether {@code schema.table} is node-local. */
    static boolean isNodeLocal(String schema, String table) {
        String s = fold(schema);
        return SCHEMAS.contains(s) || (s.equals("MYSQL") && MYSQL_TABLES.contains(fold(table)));
    }

    /** Whether a table name written without schema is node-local in a session whose default database is the one given. */
    private static boolean isNodeLocal(Optional<String> database, String table) {
        return database.isPresent() && isNodeLocal(database.get(), table);
    }

    /**
     * The first node-local table a statement names, as it would be read in a session whose default database is
     * {@code database}: {@code schema.table} for a qualified name, or a description of the default database whose
     * tables unqualified names would read. For the error a client gets; empty when it names none (or when the text
     * holds more than one statement).
     *
     * <p>With a default database that is node-local as a whole, every unqualified name could be one of its tables (a
     * word cannot be told from a keyword without a parser), so that database is named whatever else the statement
     * holds. In {@code mysql}, an unqualified name of one of its node-local tables is taken for that table, though it
     * may be a column.
     *
     * @param statement the statement as the client sent it, in its character set, from {@code offset}
     */
    public static Optional<String> namedIn(byte[] statement, int offset, ParseContext context,
            Optional<String> database) {
        requireNonNull(statement, "statement is null");
        requireNonNull(context, "context is null");
        requireNonNull(database, "database is null");
        Reading reading = Reading.of(SqlMode.parse(context.sqlMode()), context.characterSet(), true,
                Reading.Versions.ALL);
        // Latin-1 maps each byte to one char: offsets in the string are offsets in the bytes.
        String text = new String(statement, offset, statement.length - offset, ISO_8859_1);
        List<SqlToken> tokens = SqlToken.ofOneStatement(text, reading);
        if (tokens == null) {
            return Optional.empty();
        }
        boolean wholeSchema = database.isPresent() && isNodeLocalSchema(database.get());
        for (int i = 0; i < tokens.size(); i++) {
            if (!tokens.get(i).isName() || (i > 0 && tokens.get(i - 1).isPunct(text, '.'))) {
                continue; // not a name, or a table or column of a qualified name
            }
            String name = identifier(statement, offset, tokens.get(i), reading);
            if (i + 2 < tokens.size() && tokens.get(i + 1).isPunct(text, '.') && tokens.get(i + 2).isName()) {
                String table = identifier(statement, offset, tokens.get(i + 2), reading);
                if (isNodeLocal(name, table)) {
                    return Optional.of(name + "." + table);
                }
            } else if (!wholeSchema && isNodeLocal(database, name)) {
                return Optional.of(name + " of the session's default database " + database.get());
            }
        }
        return wholeSchema ? Optional.of("the tables of the session's default database " + database.get())
                : Optional.empty();
    }

    private static String identifier(byte[] statement, int offset, SqlToken t, Reading reading) {
        return StatementAnalyzer.unquote(new String(statement, offset + t.start(), t.end() - t.start(),
                reading.charset()));
    }

    private static String fold(String name) {
        return name.toUpperCase(Locale.ROOT);
    }
}
