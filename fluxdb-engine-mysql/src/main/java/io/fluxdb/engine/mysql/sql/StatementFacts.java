package io.fluxdb.engine.mysql.sql;

import io.fluxdb.engine.spi.Determinism;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What one linear pass over a statement's tokens finds anywhere in it, at any nesting depth: locking clauses,
 * non-deterministic functions and system variables, node-local tables, user variables read and assigned, sequences and
 * LIMIT without ORDER BY. The classifier combines these with the statement's leading keywords.
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
            Map.entry("USER", Determinism.ACCOUNT),
            Map.entry("SESSION_USER", Determinism.ACCOUNT),
            Map.entry("SYSTEM_USER", Determinism.ACCOUNT),
            Map.entry("LOAD_FILE", Determinism.SERVER_FILE),
            Map.entry("NEXTVAL", Determinism.SEQUENCE),
            Map.entry("SETVAL", Determinism.SEQUENCE),
            Map.entry("LASTVAL", Determinism.SEQUENCE),
            Map.entry("SLEEP", Determinism.UNSAFE_FUNCTION),
            Map.entry("BENCHMARK", Determinism.UNSAFE_FUNCTION),
            Map.entry("CONNECTION_ID", Determinism.UNSAFE_FUNCTION),
            Map.entry("FOUND_ROWS", Determinism.UNSAFE_FUNCTION),
            Map.entry("ROW_COUNT", Determinism.UNSAFE_FUNCTION),
            Map.entry("VERSION", Determinism.UNSAFE_FUNCTION),
            Map.entry("RANDOM_BYTES", Determinism.UNSAFE_FUNCTION),
            Map.entry("MASTER_POS_WAIT", Determinism.UNSAFE_FUNCTION),
            Map.entry("SOURCE_POS_WAIT", Determinism.UNSAFE_FUNCTION),
            Map.entry("MASTER_GTID_WAIT", Determinism.UNSAFE_FUNCTION),
            Map.entry("BINLOG_GTID_POS", Determinism.UNSAFE_FUNCTION),
            Map.entry("WSREP_LAST_SEEN_GTID", Determinism.UNSAFE_FUNCTION),
            Map.entry("WSREP_LAST_WRITTEN_GTID", Determinism.UNSAFE_FUNCTION),
            Map.entry("WSREP_SYNC_WAIT_UPTO_GTID", Determinism.UNSAFE_FUNCTION));

    /**
     * Functions that are deterministic when given an argument: RAND(seed) repeats its sequence, and
     * LAST_INSERT_ID(expr) returns expr (setting the value the next LAST_INSERT_ID() returns, on every node alike).
     */
    private static final Map<String, Determinism> WITHOUT_ARGUMENTS = Map.of(
            "RAND", Determinism.NEEDS_RAND_SEED,
            "LAST_INSERT_ID", Determinism.NEEDS_LAST_INSERT_ID);

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
            "CURRENT_USER", Determinism.ACCOUNT,
            "CURRENT_ROLE", Determinism.ACCOUNT);

    /** System variables whose value a replayed statement would not see alike on every node, by lower-case name. */
    private static final Map<String, Determinism> SYSTEM_VARIABLES = Map.of(
            "timestamp", Determinism.NEEDS_TIMESTAMP,
            "identity", Determinism.NEEDS_LAST_INSERT_ID,
            "last_insert_id", Determinism.NEEDS_LAST_INSERT_ID,
            "pseudo_thread_id", Determinism.UNSAFE_FUNCTION,
            "warning_count", Determinism.UNSAFE_FUNCTION,
            "error_count", Determinism.UNSAFE_FUNCTION);

    /** System variables that describe the node itself (its host, files, identity, version, replication position). */
    private static final Set<String> NODE_VARIABLES = Set.of(
            "hostname", "server_id", "server_uuid", "port", "socket", "bind_address", "report_host", "report_port",
            "datadir", "basedir", "tmpdir", "plugin_dir", "character_sets_dir", "lc_messages_dir", "secure_file_priv",
            "pid_file", "log_error", "general_log_file", "slow_query_log_file", "log_bin_basename", "log_bin_index",
            "relay_log", "relay_log_basename", "relay_log_index", "innodb_data_home_dir", "innodb_log_group_home_dir",
            "aria_log_dir_path", "version", "version_comment", "version_compile_machine", "version_compile_os",
            "version_malloc_library", "version_source_revision", "version_ssl_library", "system_time_zone",
            "gtid_domain_id", "gtid_binlog_pos", "gtid_binlog_state", "gtid_current_pos", "gtid_slave_pos",
            "last_gtid", "wsrep_node_address", "wsrep_node_name", "wsrep_node_incoming_address");

    final EnumSet<Determinism> determinism = EnumSet.noneOf(Determinism.class);
    /** FOR UPDATE, FOR SHARE or LOCK IN SHARE MODE. */
    boolean lockingClause;
    /** INTO OUTFILE or INTO DUMPFILE. */
    boolean intoFile;
    /** SELECT ... INTO @var, or {@code @var := ...}. */
    boolean assignsUserVariable;
    /** NEXTVAL(), SETVAL(), NEXT VALUE FOR or seq.NEXTVAL: advances a sequence, which is a write. */
    boolean advancesSequence;
    /** A LIMIT in a query block that has no ORDER BY before it. */
    boolean limitWithoutOrderBy;
    /** Whether the last query block at the outermost level has an ORDER BY. */
    boolean orderedAtTop;
    /** A system variable of {@link #NODE_VARIABLES}; matters in statements that are replicated. */
    boolean readsNodeVariable;
    /** A table named {@code schema.table} that {@link NodeLocalTables} knows; matters in replicated statements. */
    boolean namesNodeLocalTable;
    /** PREPARE or EXECUTE: SQL built at run time; matters in the body of a routine, trigger or event. */
    boolean dynamicSql;
    /** Occurrences of each user variable in a reading position, by lower-case name, in order of first use. */
    final Map<String, Integer> userVariableReads = new LinkedHashMap<>();
    /** User variables assigned with {@code :=} or {@code INTO}, lower case, in order. */
    final Set<String> userVariablesAssigned = new LinkedHashSet<>();

    private StatementFacts() {
    }

    static StatementFacts scan(SqlLexer lx, SqlText source, Reading reading) {
        return new Scan(lx, source, reading).run();
    }

    /** One pass's state: the previous two tokens and what waits for the next token to be decided. */
    private static final class Scan {
        private final StatementFacts facts = new StatementFacts();
        private final SqlLexer lx;
        private final SqlText source;
        private final Reading reading;
        private final String text;
        private final boolean[] ordered = new boolean[MAX_DEPTH];
        private int depth;
        private int prevType = SqlLexer.EOF;
        private int prevStart;
        private int prevEnd;
        private int prev2Type = SqlLexer.EOF;
        private int prev2Start;
        private int prev2End;
        /** Whether the previous token, and the one before it, came right after a {@code .}. */
        private boolean prevAfterDot;
        private boolean prev2AfterDot;
        /** A flag that applies if the token after {@code (} is {@code )}: RAND() but not RAND(1). */
        private Determinism ifNoArguments;
        /** A user variable whose role the next token decides ({@code :=} makes it assigned). */
        private String pendingVariable;
        /** After INTO (not OUTFILE/DUMPFILE): user variables here are assigned. */
        private boolean intoList;

        Scan(SqlLexer lx, SqlText source, Reading reading) {
            this.lx = lx;
            this.source = source;
            this.reading = reading;
            this.text = lx.text();
        }

        StatementFacts run() {
            for (int t = lx.next(); t != SqlLexer.EOF; t = lx.next()) {
                int s = lx.start;
                int e = lx.end;
                settlePending(t, s, e);
                switch (t) {
                    case SqlLexer.WORD -> word(s, e);
                    case SqlLexer.USER_VAR -> userVariable(s, e);
                    case SqlLexer.SYS_VAR -> systemVariable(s, e);
                    case SqlLexer.PUNCT -> punctuation(s, e);
                    case SqlLexer.QUOTED_ID -> {
                        intoList = false;
                        qualifiedName(s, e);
                    }
                    default -> intoList = false;
                }
                prev2AfterDot = prevAfterDot;
                prevAfterDot = isDot(prevType, prevStart);
                prev2Type = prevType;
                prev2Start = prevStart;
                prev2End = prevEnd;
                prevType = t;
                prevStart = s;
                prevEnd = e;
            }
            settlePending(SqlLexer.EOF, text.length(), text.length());
            facts.orderedAtTop = ordered[0];
            return facts;
        }

        private void settlePending(int t, int s, int e) {
            if (ifNoArguments != null) {
                if (t == SqlLexer.PUNCT && text.charAt(s) == ')') {
                    facts.determinism.add(ifNoArguments);
                }
                ifNoArguments = null;
            }
            if (pendingVariable != null) {
                if (t == SqlLexer.PUNCT && e - s == 2 && text.startsWith(":=", s)) {
                    facts.assignsUserVariable = true;
                    facts.userVariablesAssigned.add(pendingVariable);
                } else {
                    facts.userVariableReads.merge(pendingVariable, 1, Integer::sum);
                }
                pendingVariable = null;
            }
        }

        private void word(int s, int e) {
            qualifiedName(s, e);
            if (prevType == SqlLexer.WORD) {
                if (is(text, prevStart, prevEnd, "FOR") && (is(text, s, e, "UPDATE") || is(text, s, e, "SHARE"))
                        || is(text, prevStart, prevEnd, "LOCK") && is(text, s, e, "IN")) {
                    facts.lockingClause = true;
                } else if (is(text, prevStart, prevEnd, "INTO")) {
                    if (is(text, s, e, "OUTFILE") || is(text, s, e, "DUMPFILE")) {
                        facts.intoFile = true;
                    }
                } else if (is(text, s, e, "VALUE") && is(text, prevStart, prevEnd, "NEXT")) {
                    facts.advancesSequence = true;
                    facts.determinism.add(Determinism.SEQUENCE);
                } else if (is(text, s, e, "VALUE") && is(text, prevStart, prevEnd, "PREVIOUS")) {
                    facts.determinism.add(Determinism.SEQUENCE);
                }
            }
            if (is(text, s, e, "PREPARE") || is(text, s, e, "EXECUTE")) {
                facts.dynamicSql = true;
            }
            intoList = is(text, s, e, "INTO");
            if (prevType == SqlLexer.PUNCT && text.charAt(prevStart) == '.' && reading.mode().oracle()) {
                // sql_mode=ORACLE: seq.NEXTVAL and seq.CURRVAL
                if (is(text, s, e, "NEXTVAL")) {
                    facts.advancesSequence = true;
                    facts.determinism.add(Determinism.SEQUENCE);
                } else if (is(text, s, e, "CURRVAL")) {
                    facts.determinism.add(Determinism.SEQUENCE);
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
                // DEFINER = CURRENT_USER names the account that creates an object: see Determinism.IMPLICIT_DEFINER.
                boolean definer = prevType == SqlLexer.PUNCT && text.charAt(prevStart) == '='
                        && prev2Type == SqlLexer.WORD && is(text, prev2Start, prev2End, "DEFINER");
                if (d != null && !definer) {
                    facts.determinism.add(d);
                }
            }
        }

        /**
         * A name that ends {@code schema.table}: the two tokens before it are a schema and a dot, and the schema is not
         * itself the table of {@code db.table.column}. Spaces and comments around the dot are allowed, as in the
         * engine; quoted names are unquoted.
         */
        private void qualifiedName(int s, int e) {
            if (facts.namesNodeLocalTable || !isDot(prevType, prevStart) || prev2AfterDot
                    || (prev2Type != SqlLexer.WORD && prev2Type != SqlLexer.QUOTED_ID)) {
                return;
            }
            facts.namesNodeLocalTable = NodeLocalTables.isNodeLocal(name(prev2Start, prev2End), name(s, e));
        }

        private String name(int s, int e) {
            return StatementAnalyzer.unquote(source.slice(s, e, reading.charset()));
        }

        private boolean isDot(int type, int start) {
            return type == SqlLexer.PUNCT && text.charAt(start) == '.';
        }

        private void userVariable(int s, int e) {
            String name = userVariableName(s, e);
            if (intoList) {
                facts.assignsUserVariable = true;
                facts.userVariablesAssigned.add(name);
            } else {
                pendingVariable = name;
            }
            facts.determinism.add(Determinism.USER_VARIABLES);
        }

        private String userVariableName(int s, int e) {
            String quoted = source.slice(s + 1, e, reading.charset());
            return StatementAnalyzer.unquote(quoted).toLowerCase(Locale.ROOT);
        }

        private void systemVariable(int s, int e) {
            intoList = false;
            String name = text.substring(s + 2, e).toLowerCase(Locale.ROOT);
            int dot = name.indexOf('.');
            if (dot > 0 && isScope(name.substring(0, dot))) {
                name = name.substring(dot + 1);
            }
            Determinism d = SYSTEM_VARIABLES.get(name);
            if (d != null) {
                facts.determinism.add(d);
            }
            if (NODE_VARIABLES.contains(name)) {
                facts.readsNodeVariable = true;
            }
        }

        private static boolean isScope(String prefix) {
            return switch (prefix) {
                case "global", "session", "local", "persist", "persist_only" -> true;
                default -> false;
            };
        }

        private void punctuation(int s, int e) {
            char c = text.charAt(s);
            if (c != ',') {
                intoList = false;
            }
            if (c == '(' && e - s == 1) {
                if (prevType == SqlLexer.WORD && !namesTable(text, prev2Type, prev2Start, prev2End)) {
                    function(upper(text, prevStart, prevEnd));
                }
                depth++;
                if (depth < MAX_DEPTH) {
                    ordered[depth] = false;
                }
            } else if (c == ')' && depth > 0) {
                depth--;
            }
        }

        private void function(String name) {
            Determinism d = FUNCTIONS.get(name);
            if (d != null) {
                facts.determinism.add(d);
                if (name.equals("NEXTVAL") || name.equals("SETVAL")) {
                    facts.advancesSequence = true;
                }
            } else {
                ifNoArguments = WITHOUT_ARGUMENTS.get(name);
            }
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

    /** Whether the text between two positions is {@code upperWord}, ignoring the case of ASCII letters only. */
    static boolean is(String text, int start, int end, String upperWord) {
        if (end - start != upperWord.length()) {
            return false;
        }
        for (int i = 0; i < upperWord.length(); i++) {
            char c = text.charAt(start + i);
            if (c >= 'a' && c <= 'z') {
                c -= 'a' - 'A';
            }
            if (c != upperWord.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The text between two positions with ASCII letters in upper case; the engine's keywords are ASCII. */
    static String upper(String text, int start, int end) {
        char[] chars = new char[end - start];
        for (int i = 0; i < chars.length; i++) {
            char c = text.charAt(start + i);
            chars[i] = c >= 'a' && c <= 'z' ? (char) (c - ('a' - 'A')) : c;
        }
        return new String(chars);
    }
}
