package io.fluxdb.engine.mysql.sql;

import io.fluxdb.engine.spi.Determinism;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;

/**
 * What one linear pass over a statement's tokens finds anywhere in it, at any nesting depth: locking clauses,
 * non-deterministic functions, user variables, sequence calls and LIMIT without ORDER BY. The classifier combines
 * these with the statement's leading keywords.
 */
final class StatementFacts {

    /** Nesting depth up to which LIMIT/ORDER BY are tracked; deeper nesting is rare and only loses that flag. */
    private static final int MAX_DEPTH = 32;

    /** Functions that make a statement's effect node-dependent, by upper-case name. */
    private static final Map<String, Determinism> FUNCTIONS = Map.ofEntries(
            Map.entry("NOW", Determinism.NEEDS_TIMESTAMP),
            Map.entry("CURDATE", Determinism.NEEDS_TIMESTAMP),
            Map.entry("CURTIME", Determinism.NEEDS_TIMESTAMP),
            Map.entry("UNIX_TIMESTAMP", Determinism.NEEDS_TIMESTAMP),
            Map.entry("RAND", Determinism.NEEDS_RAND_SEED),
            Map.entry("LAST_INSERT_ID", Determinism.NEEDS_LAST_INSERT_ID),
            Map.entry("UUID", Determinism.UUID),
            Map.entry("UUID_SHORT", Determinism.UUID),
            Map.entry("UUID_V4", Determinism.UUID),
            Map.entry("UUID_V7", Determinism.UUID),
            Map.entry("SYS_GUID", Determinism.UUID),
            Map.entry("SYSDATE", Determinism.SYSDATE),
            Map.entry("GET_LOCK", Determinism.ADVISORY_LOCK),
            Map.entry("RELEASE_LOCK", Determinism.ADVISORY_LOCK),
            Map.entry("RELEASE_ALL_LOCKS", Determinism.ADVISORY_LOCK),
            Map.entry("IS_FREE_LOCK", Determinism.ADVISORY_LOCK),
            Map.entry("IS_USED_LOCK", Determinism.ADVISORY_LOCK),
            Map.entry("SLEEP", Determinism.UNSAFE_FUNCTION),
            Map.entry("BENCHMARK", Determinism.UNSAFE_FUNCTION),
            Map.entry("CONNECTION_ID", Determinism.UNSAFE_FUNCTION),
            Map.entry("USER", Determinism.UNSAFE_FUNCTION),
            Map.entry("SESSION_USER", Determinism.UNSAFE_FUNCTION),
            Map.entry("SYSTEM_USER", Determinism.UNSAFE_FUNCTION),
            Map.entry("FOUND_ROWS", Determinism.UNSAFE_FUNCTION),
            Map.entry("ROW_COUNT", Determinism.UNSAFE_FUNCTION),
            Map.entry("VERSION", Determinism.UNSAFE_FUNCTION),
            Map.entry("LOAD_FILE", Determinism.UNSAFE_FUNCTION),
            Map.entry("RANDOM_BYTES", Determinism.UNSAFE_FUNCTION),
            Map.entry("MASTER_POS_WAIT", Determinism.UNSAFE_FUNCTION),
            Map.entry("SOURCE_POS_WAIT", Determinism.UNSAFE_FUNCTION),
            Map.entry("MASTER_GTID_WAIT", Determinism.UNSAFE_FUNCTION));

    /** Reserved words that call a function without parentheses. */
    private static final Map<String, Determinism> BARE_FUNCTIONS = Map.of(
            "CURRENT_TIMESTAMP", Determinism.NEEDS_TIMESTAMP,
            "CURRENT_DATE", Determinism.NEEDS_TIMESTAMP,
            "CURRENT_TIME", Determinism.NEEDS_TIMESTAMP,
            "LOCALTIME", Determinism.NEEDS_TIMESTAMP,
            "LOCALTIMESTAMP", Determinism.NEEDS_TIMESTAMP,
            "UTC_DATE", Determinism.NEEDS_TIMESTAMP,
            "UTC_TIME", Determinism.NEEDS_TIMESTAMP,
            "UTC_TIMESTAMP", Determinism.NEEDS_TIMESTAMP,
            "CURRENT_USER", Determinism.UNSAFE_FUNCTION,
            "CURRENT_ROLE", Determinism.UNSAFE_FUNCTION);

    final EnumSet<Determinism> determinism = EnumSet.noneOf(Determinism.class);
    /** FOR UPDATE, FOR SHARE or LOCK IN SHARE MODE. */
    boolean lockingClause;
    /** INTO OUTFILE or INTO DUMPFILE. */
    boolean intoFile;
    /** SELECT ... INTO @var, or {@code @var := ...}. */
    boolean assignsUserVariable;
    /** NEXTVAL(), SETVAL() or NEXT VALUE FOR: advances a sequence, which is a write. */
    boolean advancesSequence;
    /** A LIMIT in a query block that has no ORDER BY before it. */
    boolean limitWithoutOrderBy;

    private StatementFacts() {
    }

    static StatementFacts scan(SqlLexer lx) {
        StatementFacts facts = new StatementFacts();
        String text = lx.text();
        boolean[] ordered = new boolean[MAX_DEPTH];
        int depth = 0;
        int prevType = SqlLexer.EOF;
        int prevStart = 0;
        int prevEnd = 0;
        int prev2Type = SqlLexer.EOF;
        int prev2Start = 0;
        int prev2End = 0;
        for (int t = lx.next(); t != SqlLexer.EOF; t = lx.next()) {
            int s = lx.start;
            int e = lx.end;
            if (t == SqlLexer.WORD) {
                if (prevType == SqlLexer.WORD) {
                    if (is(text, prevStart, prevEnd, "FOR") && (is(text, s, e, "UPDATE") || is(text, s, e, "SHARE"))
                            || is(text, prevStart, prevEnd, "LOCK") && is(text, s, e, "IN")) {
                        facts.lockingClause = true;
                    } else if (is(text, prevStart, prevEnd, "INTO")
                            && (is(text, s, e, "OUTFILE") || is(text, s, e, "DUMPFILE"))) {
                        facts.intoFile = true;
                    } else if (is(text, prevStart, prevEnd, "NEXT") && is(text, s, e, "VALUE")) {
                        facts.advancesSequence = true;
                    }
                }
                if (is(text, s, e, "ORDER")) {
                    if (depth < MAX_DEPTH) {
                        ordered[depth] = true;
                    }
                } else if (is(text, s, e, "SELECT")) {
                    if (depth < MAX_DEPTH) {
                        ordered[depth] = false;
                    }
                } else if (is(text, s, e, "LIMIT")) {
                    if (depth < MAX_DEPTH && !ordered[depth]) {
                        facts.limitWithoutOrderBy = true;
                    }
                } else if (e - s >= 8 && e - s <= 17) {
                    Determinism d = BARE_FUNCTIONS.get(upper(text, s, e));
                    if (d != null) {
                        facts.determinism.add(d);
                    }
                }
            } else if (t == SqlLexer.USER_VAR) {
                facts.determinism.add(Determinism.USER_VARIABLES);
                if (prevType == SqlLexer.WORD && is(text, prevStart, prevEnd, "INTO")) {
                    facts.assignsUserVariable = true;
                }
            } else if (t == SqlLexer.PUNCT) {
                char c = text.charAt(s);
                if (c == '(' && e - s == 1) {
                    if (prevType == SqlLexer.WORD && !namesTable(text, prev2Type, prev2Start, prev2End)) {
                        facts.function(upper(text, prevStart, prevEnd));
                    }
                    depth++;
                    if (depth < MAX_DEPTH) {
                        ordered[depth] = false;
                    }
                } else if (c == ')' && depth > 0) {
                    depth--;
                } else if (c == ':' && prevType == SqlLexer.USER_VAR) {
                    facts.assignsUserVariable = true;
                }
            }
            prev2Type = prevType;
            prev2Start = prevStart;
            prev2End = prevEnd;
            prevType = t;
            prevStart = s;
            prevEnd = e;
        }
        return facts;
    }

    private void function(String name) {
        Determinism d = FUNCTIONS.get(name);
        if (d != null) {
            determinism.add(d);
        } else if (name.equals("NEXTVAL") || name.equals("SETVAL")) {
            advancesSequence = true;
        }
    }

    /**
     * Whether the word before a {@code (} is a table or index name rather than a function, as in
     * {@code INSERT INTO user(name)} or {@code KEY uuid (uuid)}: tables called {@code user} are common.
     */
    private static boolean namesTable(String text, int type, int start, int end) {
        if (type == SqlLexer.PUNCT) {
            return text.charAt(start) == '.';
        }
        return type == SqlLexer.WORD && (is(text, start, end, "INTO") || is(text, start, end, "INSERT")
                || is(text, start, end, "REPLACE") || is(text, start, end, "TABLE")
                || is(text, start, end, "REFERENCES") || is(text, start, end, "ON") || is(text, start, end, "KEY")
                || is(text, start, end, "INDEX") || is(text, start, end, "EXISTS") || is(text, start, end, "JOIN")
                || is(text, start, end, "CONSTRAINT") || is(text, start, end, "FROM")
                || is(text, start, end, "UPDATE"));
    }

    static boolean is(String text, int start, int end, String upperWord) {
        return end - start == upperWord.length() && text.regionMatches(true, start, upperWord, 0, upperWord.length());
    }

    static String upper(String text, int start, int end) {
        return text.substring(start, end).toUpperCase(Locale.ROOT);
    }
}
