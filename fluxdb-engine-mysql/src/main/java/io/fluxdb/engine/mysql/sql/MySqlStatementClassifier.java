package io.fluxdb.engine.mysql.sql;

import static java.util.Objects.requireNonNull;

import io.fluxdb.engine.spi.Classification;
import io.fluxdb.engine.spi.StatementClassifier;
import io.fluxdb.engine.spi.StatementKind;
import io.fluxdb.engine.spi.TransactionEffect;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Classifies MySQL and MariaDB statement text for routing, with a hand-written lexer: no parser, no grammar, and
 * no allocation per token.
 *
 * <p>It reads the leading keywords of each statement (after comments and parentheses) and scans the rest for the
 * few things that change the answer anywhere in a statement: locking clauses, non-deterministic functions, user
 * variables, sequence calls, LIMIT without ORDER BY. What it does not recognise is a {@link StatementKind#WRITE}.
 * Executable comments ({@code /*!...*}{@code /}, {@code /*M!...*}{@code /}) are read as SQL; given the server
 * version, those the server skips are skipped too.
 *
 * <p>Thread-safe and stateless.
 */
public final class MySqlStatementClassifier implements StatementClassifier {

    private final SqlLexer.Versions versions;

    /** A classifier that reads every executable comment as SQL, whatever its version. */
    public MySqlStatementClassifier() {
        this.versions = SqlLexer.Versions.ALL;
    }

    /**
     * A classifier for a known server, which skips versioned comments it would skip.
     *
     * @param serverVersion the server version as a number, major * 10000 + minor * 100 + patch (80036 for 8.0.36,
     *     101106 for 10.11.6), as used in {@code /*!80036 ...*}{@code /}
     * @param mariaDb whether the server is MariaDB, which also runs {@code /*M!...*}{@code /} comments
     */
    public MySqlStatementClassifier(long serverVersion, boolean mariaDb) {
        if (serverVersion < 0) {
            throw new IllegalArgumentException("serverVersion: " + serverVersion + " (expected: >= 0)");
        }
        this.versions = new SqlLexer.Versions(serverVersion, mariaDb);
    }

    @Override
    public List<Classification> classifyAll(String sql) {
        requireNonNull(sql, "sql is null");
        List<Classification> result = new ArrayList<>(1);
        SqlLexer lx = new SqlLexer(sql, 0, sql.length(), versions);
        Segment segment = new Segment();
        int segmentStart = 0;
        for (int t = lx.next(); ; t = lx.next()) {
            boolean endSuffix = segment.closeBlock(lx, sql);
            boolean separator = t == SqlLexer.PUNCT && sql.charAt(lx.start) == ';' && segment.depth == 0;
            if (t == SqlLexer.EOF || separator) {
                if (segment.tokens > 0) {
                    int end = t == SqlLexer.EOF ? sql.length() : lx.start;
                    result.add(StatementAnalyzer.analyze(sql, segmentStart, end, versions));
                }
                if (t == SqlLexer.EOF) {
                    break;
                }
                segmentStart = lx.end;
                segment = new Segment();
                continue;
            }
            if (!endSuffix) {
                segment.accept(lx, sql);
            }
        }
        if (result.isEmpty()) {
            result.add(new Classification(StatementKind.EMPTY, "", false, Set.of(), TransactionEffect.NONE,
                    Optional.empty(), List.of(), false, 0, sql.length(), 1));
        }
        return result;
    }

    /**
     * Tracks whether a statement is a stored-program definition (CREATE PROCEDURE/FUNCTION/TRIGGER/EVENT, MariaDB's
     * BEGIN NOT ATOMIC), whose body holds semicolons that do not end the statement. Inside one, BEGIN and CASE open
     * a block and END closes one; END IF, END LOOP, END WHILE, END REPEAT and END FOR close blocks whose openers are
     * not counted.
     */
    private static final class Segment {
        /** Keywords after CREATE/ALTER within which the program kind must appear. */
        private static final int PROGRAM_KEYWORD_WINDOW = 12;

        int tokens;
        int depth;
        boolean program;
        boolean createOrAlter;
        boolean firstIsBegin;
        boolean pendingEnd;

        void accept(SqlLexer lx, String sql) {
            tokens++;
            boolean word = lx.type == SqlLexer.WORD;
            if (tokens == 1) {
                createOrAlter = word && (is(lx, sql, "CREATE") || is(lx, sql, "ALTER"));
                firstIsBegin = word && is(lx, sql, "BEGIN");
                return;
            }
            if (tokens == 2 && firstIsBegin && word && is(lx, sql, "NOT")) {
                program = true;
                depth = 1;
                return;
            }
            if (!program) {
                if (createOrAlter && tokens <= PROGRAM_KEYWORD_WINDOW && word
                        && (is(lx, sql, "PROCEDURE") || is(lx, sql, "FUNCTION") || is(lx, sql, "TRIGGER")
                        || is(lx, sql, "EVENT") || is(lx, sql, "PACKAGE"))) {
                    program = true;
                }
                return;
            }
            if (word) {
                if (is(lx, sql, "BEGIN") || is(lx, sql, "CASE")) {
                    depth++;
                } else if (is(lx, sql, "END")) {
                    pendingEnd = true;
                }
            }
        }

        /**
         * Settles a preceding END once the token after it is known, before that token is looked at. Returns
         * whether the token is the second word of END IF, END CASE and the like, which opens nothing.
         */
        boolean closeBlock(SqlLexer lx, String sql) {
            if (!pendingEnd) {
                return false;
            }
            pendingEnd = false;
            boolean word = lx.type == SqlLexer.WORD;
            if (word && (is(lx, sql, "IF") || is(lx, sql, "LOOP") || is(lx, sql, "WHILE")
                    || is(lx, sql, "REPEAT") || is(lx, sql, "FOR"))) {
                tokens++;
                return true;
            }
            depth = Math.max(0, depth - 1);
            if (word && is(lx, sql, "CASE")) {
                tokens++;
                return true;
            }
            return false;
        }

        private static boolean is(SqlLexer lx, String sql, String upperWord) {
            return StatementFacts.is(sql, lx.start, lx.end, upperWord);
        }
    }
}
