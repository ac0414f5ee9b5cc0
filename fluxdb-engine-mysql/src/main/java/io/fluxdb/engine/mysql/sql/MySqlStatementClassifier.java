package io.fluxdb.engine.mysql.sql;

import static java.util.Objects.requireNonNull;

import io.fluxdb.engine.spi.Classification;
import io.fluxdb.engine.spi.Determinism;
import io.fluxdb.engine.spi.ParseContext;
import io.fluxdb.engine.spi.StatementClassifier;
import io.fluxdb.engine.spi.StatementKind;
import io.fluxdb.engine.spi.TransactionEffect;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * <p>Text is read as the engine reads it in the session's {@link ParseContext}: its {@code sql_mode} (backslash
 * escapes, double quotes, brackets) and, for text given as bytes, its client character set. A statement that changes
 * either ({@code SET sql_mode}, {@code SET NAMES}) changes the reading of the statements after it in the same text,
 * as it does in the engine.
 *
 * <p>Thread-safe and stateless.
 */
public final class MySqlStatementClassifier implements StatementClassifier {

    private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)");

    private final Reading.Versions versions;

    /** A classifier that reads every executable comment as SQL, whatever its version. */
    public MySqlStatementClassifier() {
        this.versions = Reading.Versions.ALL;
    }

    /**
     * A classifier for a known server, which skips versioned comments it would skip.
     *
     * @param serverVersion the server version as a number, major * 10000 + minor * 100 + patch (80036 for 8.0.36,
     *     101106 for 10.11.6), as used in {@code /*!80036 ...*}{@code /}
     * @param mariaDb whether the server is MariaDB, which also runs {@code /*M!...*}{@code /} comments and skips
     *     {@code /*!} comments for MySQL 5.7 to 9.x
     */
    public MySqlStatementClassifier(long serverVersion, boolean mariaDb) {
        if (serverVersion < 0) {
            throw new IllegalArgumentException("serverVersion: " + serverVersion + " (expected: >= 0)");
        }
        this.versions = Reading.Versions.of(serverVersion, mariaDb);
    }

    /**
     * A classifier for the server that reports this version ({@code SELECT VERSION()}, or the handshake's server
     * version, such as {@code 10.11.6-MariaDB-log}, {@code 5.5.5-10.11.6-MariaDB} or {@code 8.0.36}). A version it
     * cannot read gives a classifier that reads every executable comment.
     */
    public static MySqlStatementClassifier forServerVersion(String version) {
        requireNonNull(version, "version is null");
        boolean mariaDb = version.toLowerCase(Locale.ROOT).contains("mariadb");
        // MariaDB before 11 prefixes its handshake version with 5.5.5- for old replication clients.
        String v = mariaDb && version.startsWith("5.5.5-") ? version.substring(6) : version;
        Matcher m = VERSION.matcher(v);
        if (!m.lookingAt()) {
            return new MySqlStatementClassifier();
        }
        long number = Long.parseLong(m.group(1)) * 10_000 + Long.parseLong(m.group(2)) * 100
                + Long.parseLong(m.group(3));
        return new MySqlStatementClassifier(number, mariaDb);
    }

    @Override
    public List<Classification> classifyAll(String sql) {
        return classifyAll(sql, ParseContext.DEFAULT);
    }

    @Override
    public List<Classification> classifyAll(String sql, ParseContext context) {
        requireNonNull(sql, "sql is null");
        requireNonNull(context, "context is null");
        return classify(SqlText.of(sql), context);
    }

    @Override
    public List<Classification> classifyAll(ByteBuffer sql, ParseContext context) {
        requireNonNull(sql, "sql is null");
        requireNonNull(context, "context is null");
        return classify(SqlText.of(sql), context);
    }

    private List<Classification> classify(SqlText source, ParseContext context) {
        String sql = source.text();
        Reading reading = Reading.of(SqlMode.parse(context.sqlMode()), context.characterSet(), source.bytes(),
                versions);
        List<Classification> result = new ArrayList<>(1);
        boolean ambiguous = false;
        SqlLexer lx = new SqlLexer(sql, 0, sql.length(), reading);
        Segment segment = new Segment(reading.mode().oracle());
        int segmentStart = 0;
        for (int t = lx.next(); ; t = lx.next()) {
            boolean endSuffix = segment.closeBlock(lx, sql);
            boolean separator = t == SqlLexer.PUNCT && sql.charAt(lx.start) == ';' && segment.depth == 0;
            if (t == SqlLexer.EOF || separator) {
                int after = t == SqlLexer.EOF ? sql.length() : lx.end;
                if (segment.tokens > 0) {
                    int end = t == SqlLexer.EOF ? sql.length() : lx.start;
                    StatementAnalyzer a = StatementAnalyzer.analyze(source, segmentStart, end, reading);
                    result.add(ambiguous ? ambiguous(a.classification()) : a.classification());
                    if (a.change.changes() && after < sql.length()) {
                        ReadingShift shift = ReadingShift.after(reading, a.change, source, after);
                        ambiguous |= shift.ambiguous();
                        reading = shift.reading();
                        lx = new SqlLexer(sql, after, sql.length(), reading);
                    }
                }
                if (t == SqlLexer.EOF) {
                    break;
                }
                segmentStart = after;
                segment = new Segment(reading.mode().oracle());
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

    /** A statement that cannot be read with certainty: at least a write, and flagged. */
    private static Classification ambiguous(Classification c) {
        EnumSet<Determinism> flags = EnumSet.of(Determinism.AMBIGUOUS_TEXT);
        flags.addAll(c.determinism());
        StatementKind kind = c.kind().compareTo(StatementKind.WRITE) < 0 ? StatementKind.WRITE : c.kind();
        return new Classification(kind, c.keyword(), c.implicitCommit(), flags, c.transaction(), c.database(),
                c.assignments(), c.temporaryTable(), c.start(), c.end(), c.statementCount(), c.userVariablesRead(),
                c.userVariablesAssigned(), c.accessMode());
    }

    /**
     * Tracks whether a statement is a stored-program definition (CREATE PROCEDURE/FUNCTION/TRIGGER/EVENT/PACKAGE,
     * MariaDB's BEGIN NOT ATOMIC, and under sql_mode=ORACLE anonymous BEGIN and DECLARE blocks), whose body holds
     * semicolons that do not end the statement. Inside one, BEGIN and CASE open a block and END closes one; END IF,
     * END LOOP, END WHILE, END REPEAT and END FOR close blocks whose openers are not counted. Under ORACLE a routine's
     * declarations come between its AS or IS and its BEGIN: the AS/IS of the routine (and of each routine in a package
     * body) opens the block, and the BEGIN that follows opens nothing more.
     */
    private static final class Segment {
        /** Keywords after CREATE/ALTER within which the program kind must appear. */
        private static final int PROGRAM_KEYWORD_WINDOW = 12;

        private final boolean oracle;
        int tokens;
        int depth;
        boolean program;
        boolean createOrAlter;
        boolean firstIsBegin;
        boolean pendingEnd;
        /** ORACLE: blocks opened by AS/IS (or DECLARE) whose BEGIN has not come yet, by depth. */
        private final BitSet awaitingBegin = new BitSet();
        /** ORACLE: after PROCEDURE or FUNCTION, until AS/IS or a semicolon: a routine's header. */
        boolean routineHeader;
        int parentheses;

        Segment(boolean oracle) {
            this.oracle = oracle;
        }

        void accept(SqlLexer lx, String sql) {
            tokens++;
            boolean word = lx.type == SqlLexer.WORD;
            if (lx.type == SqlLexer.PUNCT) {
                char c = sql.charAt(lx.start);
                parentheses += c == '(' ? 1 : c == ')' && parentheses > 0 ? -1 : 0;
                routineHeader &= c != ';';
            }
            if (tokens == 1) {
                createOrAlter = word && (is(lx, sql, "CREATE") || is(lx, sql, "ALTER"));
                firstIsBegin = word && is(lx, sql, "BEGIN");
                if (oracle && word && is(lx, sql, "DECLARE")) {
                    program = true;
                    openDeclarations();
                }
                return;
            }
            if (tokens == 2 && firstIsBegin && (oracle || (word && is(lx, sql, "NOT")))) {
                program = true;
                depth = 1;
                return;
            }
            if (!program) {
                if (createOrAlter && tokens <= PROGRAM_KEYWORD_WINDOW && word
                        && (is(lx, sql, "PROCEDURE") || is(lx, sql, "FUNCTION") || is(lx, sql, "TRIGGER")
                        || is(lx, sql, "EVENT") || is(lx, sql, "PACKAGE"))) {
                    program = true;
                    // Triggers and events have no declaration section: an AS in their body is an alias.
                    routineHeader = oracle && !is(lx, sql, "TRIGGER") && !is(lx, sql, "EVENT");
                }
                return;
            }
            if (!word) {
                return;
            }
            if (oracle && (is(lx, sql, "PROCEDURE") || is(lx, sql, "FUNCTION"))) {
                routineHeader = true;
            } else if (routineHeader && parentheses == 0 && (is(lx, sql, "AS") || is(lx, sql, "IS"))) {
                routineHeader = false;
                openDeclarations();
            } else if (is(lx, sql, "BEGIN")) {
                if (awaitingBegin.get(depth)) {
                    awaitingBegin.clear(depth);
                } else {
                    depth++;
                }
            } else if (is(lx, sql, "CASE")) {
                depth++;
            } else if (is(lx, sql, "END")) {
                pendingEnd = true;
            }
        }

        private void openDeclarations() {
            depth++;
            awaitingBegin.set(depth);
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
            awaitingBegin.clear(depth);
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
