package io.fluxdb.engine.mysql.sql;

import static io.fluxdb.engine.mysql.sql.StatementFacts.is;
import static io.fluxdb.engine.mysql.sql.StatementFacts.upper;

import io.fluxdb.engine.spi.AccessMode;
import io.fluxdb.engine.spi.Classification;
import io.fluxdb.engine.spi.Determinism;
import io.fluxdb.engine.spi.StatementKind;
import io.fluxdb.engine.spi.TransactionEffect;
import io.fluxdb.engine.spi.VariableAssignment;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Classifies one statement (the text between two separators) by its leading keywords and the
 * {@link StatementFacts} of its whole text. Writes, definitions and SET statements, which need more reading, are
 * left to {@link WriteStatements}, {@link DefinitionStatements} and {@link SetStatementParser}.
 *
 * @see <a href="https://dev.mysql.com/doc/refman/8.4/en/implicit-commit.html">Statements That Cause an Implicit
 *     Commit</a>
 */
final class StatementAnalyzer {

    /** Statements nest (EXPLAIN ANALYZE, SET STATEMENT ... FOR, WITH); deeper nesting than this is unknown. */
    private static final int MAX_NESTING = 8;

    final SqlText source;
    final String text;
    final Reading reading;
    final SqlLexer lx;
    final StatementFacts facts;

    StatementKind kind = StatementKind.WRITE;
    boolean implicitCommit;
    TransactionEffect transaction = TransactionEffect.NONE;
    String database;
    List<VariableAssignment> assignments;
    boolean temporaryTable;
    /** Flags that come from the statement's structure rather than from single tokens. */
    final EnumSet<Determinism> determinism = EnumSet.noneOf(Determinism.class);
    AccessMode accessMode = AccessMode.UNCHANGED;
    /**
     * User variables assigned with {@code =} (SET, GET DIAGNOSTICS), by how often: the token pass counted each of
     * these occurrences as a read, since only the statement's structure tells them from a comparison.
     */
    final Map<String, Integer> assignedTargets = new LinkedHashMap<>();
    /** How this statement changes the reading of the statements after it, if it does. */
    ReadingChange change = ReadingChange.NONE;
    /**
     * A view, routine, trigger or event definition: its body runs later, so the user variables in it are not read
     * or assigned now. Other flags in the body are kept: every node evaluates them when the body runs.
     */
    boolean definesProgram;
    private String keyword = "";
    private int from;
    private int to;

    private StatementAnalyzer(SqlText source, Reading reading, SqlLexer lx, StatementFacts facts) {
        this.source = source;
        this.text = source.text();
        this.reading = reading;
        this.lx = lx;
        this.facts = facts;
    }

    static StatementAnalyzer analyze(SqlText source, int from, int to, Reading reading) {
        StatementFacts facts = StatementFacts.scan(new SqlLexer(source.text(), from, to, reading), source, reading);
        SqlLexer lx = new SqlLexer(source.text(), from, to, reading);
        StatementAnalyzer a = new StatementAnalyzer(source, reading, lx, facts);
        String text = source.text();
        int t = lx.next();
        boolean sawParenthesis = false;
        while (t == SqlLexer.PUNCT && text.charAt(lx.start) == '(') {
            sawParenthesis = true;
            t = lx.next();
        }
        if (t == SqlLexer.EOF) {
            a.kind = sawParenthesis ? StatementKind.WRITE : StatementKind.EMPTY;
        } else if (t == SqlLexer.WORD) {
            a.keyword = upper(text, lx.start, lx.end);
            a.statement(a.keyword, 0);
        }
        // Any other leading token (a string, a number, stray punctuation) is not SQL we know: WRITE.
        a.from = from;
        a.to = to;
        return a;
    }

    Classification classification() {
        EnumSet<Determinism> flags = EnumSet.copyOf(facts.determinism);
        flags.addAll(determinism);
        boolean replicated = kind == StatementKind.WRITE || kind == StatementKind.DDL;
        if (replicated && facts.limitWithoutOrderBy) {
            flags.add(Determinism.LIMIT_WITHOUT_ORDER_BY);
        }
        if (replicated && facts.readsNodeVariable) {
            flags.add(Determinism.NODE_VARIABLE);
        }
        if (facts.namesNodeLocalTable && readsTablesWhenReplicated()) {
            flags.add(Determinism.NODE_LOCAL_TABLE);
        }
        List<String> read = new ArrayList<>();
        Set<String> assigned = new LinkedHashSet<>();
        if (definesProgram) {
            flags.remove(Determinism.USER_VARIABLES);
            if (facts.dynamicSql) {
                flags.add(Determinism.DYNAMIC_SQL);
            }
        } else {
            for (Map.Entry<String, Integer> e : facts.userVariableReads.entrySet()) {
                if (e.getValue() > assignedTargets.getOrDefault(e.getKey(), 0)) {
                    read.add(e.getKey());
                }
            }
            assigned.addAll(facts.userVariablesAssigned);
            assigned.addAll(assignedTargets.keySet());
        }
        return new Classification(kind, keyword, implicitCommit, flags, transaction, Optional.ofNullable(database),
                assignments == null ? List.of() : assignments, temporaryTable, from, to, 1, read,
                List.copyOf(assigned), accessMode);
    }

    /**
     * Whether a table this replicated statement names may be read: any write, a CREATE (CREATE TABLE ... SELECT, a
     * view) and a routine, trigger or event body, which reads when it runs. Other DDL (ALTER TABLE, TRUNCATE, DROP,
     * GRANT ... ON) names a table as its object without reading its rows.
     */
    private boolean readsTablesWhenReplicated() {
        return kind == StatementKind.WRITE
                || (kind == StatementKind.DDL && (keyword.equals("CREATE") || definesProgram));
    }

    /** Classifies the statement whose first keyword is the current token. */
    void statement(String word, int nesting) {
        if (nesting > MAX_NESTING) {
            kind = StatementKind.WRITE;
            return;
        }
        switch (word) {
            case "SELECT", "TABLE", "VALUES" -> query();
            case "WITH" -> with(nesting);
            case "INSERT" -> new WriteStatements(this).insert(false);
            case "REPLACE" -> new WriteStatements(this).insert(true);
            case "UPDATE" -> new WriteStatements(this).update();
            case "LOAD" -> new WriteStatements(this).load();
            case "DELETE", "CALL", "DO", "BINLOG", "EXECUTE" -> kind = StatementKind.WRITE;
            case "SHOW", "HELP", "CHECKSUM", "HANDLER" -> kind = StatementKind.READ;
            case "EXPLAIN", "DESCRIBE", "DESC" -> explain(nesting);
            case "ANALYZE" -> analyzeStatement(nesting);
            case "CHECK", "OPTIMIZE", "REPAIR", "FLUSH", "RESET", "PURGE", "INSTALL", "UNINSTALL", "CHANGE",
                    "CACHE" -> admin(true);
            case "KILL", "SHUTDOWN", "RESTART", "BACKUP", "CLONE" -> admin(false);
            case "START" -> start();
            case "BEGIN" -> begin();
            case "COMMIT" -> transaction(TransactionEffect.COMMIT, false);
            case "ROLLBACK" -> rollback();
            case "SAVEPOINT" -> transaction(TransactionEffect.NONE, false);
            case "RELEASE" -> {
                if (nextWordIs("SAVEPOINT")) {
                    transaction(TransactionEffect.NONE, false);
                }
            }
            case "XA" -> xa();
            case "LOCK" -> lockTables(TransactionEffect.LOCK_TABLES);
            case "UNLOCK" -> lockTables(TransactionEffect.UNLOCK_TABLES);
            case "USE" -> use();
            case "PREPARE", "DEALLOCATE" -> kind = StatementKind.SESSION;
            case "GET" -> diagnostics();
            case "CREATE" -> new DefinitionStatements(this).create();
            case "ALTER" -> new DefinitionStatements(this).alter();
            case "DROP" -> drop();
            case "RENAME", "TRUNCATE", "GRANT", "REVOKE", "IMPORT" -> ddl();
            case "SET" -> new SetStatementParser(this).parse(nesting);
            default -> kind = StatementKind.WRITE;
        }
    }

    /** SELECT, TABLE, VALUES or a parenthesized query: a read unless something in it writes or locks. */
    void query() {
        if (facts.advancesSequence) {
            kind = StatementKind.WRITE;
        } else if (facts.lockingClause) {
            kind = StatementKind.LOCKING_READ;
        } else if (facts.assignsUserVariable) {
            kind = StatementKind.SESSION;
        } else {
            // INTO OUTFILE/DUMPFILE writes a file on this node's engine host, where the client asked for it.
            kind = StatementKind.READ;
        }
    }

    /** WITH [RECURSIVE] name [(columns)] AS (...), ... main-statement. */
    private void with(int nesting) {
        int depth = 0;
        boolean afterClose = false;
        for (int t = lx.next(); t != SqlLexer.EOF; t = lx.next()) {
            if (t == SqlLexer.PUNCT) {
                char c = text.charAt(lx.start);
                if (c == '(') {
                    if (depth == 0 && afterClose) {
                        query();
                        return;
                    }
                    depth++;
                } else if (c == ')') {
                    depth = Math.max(0, depth - 1);
                    afterClose = depth == 0;
                    continue;
                }
            } else if (depth == 0 && t == SqlLexer.WORD && (isWord("SELECT") || isWord("TABLE") || isWord("VALUES")
                    || isWord("INSERT") || isWord("UPDATE") || isWord("DELETE") || isWord("REPLACE"))) {
                statement(upper(text, lx.start, lx.end), nesting + 1);
                return;
            }
            afterClose = false;
        }
        kind = StatementKind.WRITE;
    }

    /** EXPLAIN/DESCRIBE only describe a plan, except EXPLAIN ANALYZE, which runs the statement. */
    private void explain(int nesting) {
        kind = StatementKind.READ;
        if (nextWordIs("ANALYZE")) {
            innerStatement(nesting);
        }
    }

    /** ANALYZE TABLE is maintenance; MariaDB's ANALYZE statement runs the statement and reports on it. */
    private void analyzeStatement(int nesting) {
        int t = nextToken();
        if (t == SqlLexer.WORD && (isWord("TABLE") || isWord("TABLES") || isWord("NO_WRITE_TO_BINLOG")
                || isWord("LOCAL"))) {
            admin(true);
            return;
        }
        lx.reset(markBeforeCurrent);
        innerStatement(nesting);
    }

    /** The lexer state before the token {@link #nextToken()} read last, to read that token again. */
    private long markBeforeCurrent;

    /** Classifies the statement that follows, skipping FORMAT=... options; keeps the outer keyword. */
    private void innerStatement(int nesting) {
        int t = nextToken();
        while (t == SqlLexer.WORD && (isWord("FORMAT") || isWord("EXTENDED") || isWord("PARTITIONS"))) {
            if (isWord("FORMAT")) {
                nextToken();
                if (lx.type == SqlLexer.PUNCT && text.charAt(lx.start) == '=') {
                    nextToken();
                }
            }
            t = nextToken();
        }
        while (t == SqlLexer.PUNCT && text.charAt(lx.start) == '(') {
            t = nextToken();
        }
        if (t == SqlLexer.WORD) {
            statement(upper(text, lx.start, lx.end), nesting + 1);
        } else {
            kind = StatementKind.WRITE;
        }
    }

    /** Advances, remembering the state before the token so it can be read again. */
    int nextToken() {
        markBeforeCurrent = lx.mark();
        return lx.next();
    }

    /** START TRANSACTION [READ ONLY | READ WRITE | WITH CONSISTENT SNAPSHOT], ...; START SLAVE and the like. */
    private void start() {
        int t = nextToken();
        if (t == SqlLexer.WORD && isWord("TRANSACTION")) {
            TransactionEffect effect = TransactionEffect.BEGIN;
            for (t = lx.next(); t != SqlLexer.EOF; t = lx.next()) {
                if (isWord("READ") && lx.next() == SqlLexer.WORD) {
                    if (isWord("ONLY")) {
                        effect = TransactionEffect.BEGIN_READ_ONLY;
                        accessMode = AccessMode.READ_ONLY;
                    } else if (isWord("WRITE")) {
                        accessMode = AccessMode.READ_WRITE;
                    }
                }
            }
            transaction(effect, true);
        } else if (t == SqlLexer.WORD) {
            admin(true);
        } else {
            kind = StatementKind.WRITE;
        }
    }

    /**
     * BEGIN [WORK] starts a transaction; MariaDB's BEGIN NOT ATOMIC starts a compound statement, and so does any BEGIN
     * with a body under sql_mode=ORACLE.
     */
    private void begin() {
        int t = lx.next();
        if (t == SqlLexer.EOF || (t == SqlLexer.WORD && isWord("WORK") && lx.next() == SqlLexer.EOF)) {
            transaction(TransactionEffect.BEGIN, true);
        } else {
            kind = StatementKind.WRITE;
        }
    }

    private void rollback() {
        int t = lx.next();
        if (t == SqlLexer.WORD && isWord("WORK")) {
            t = lx.next();
        }
        transaction(t == SqlLexer.WORD && isWord("TO") ? TransactionEffect.NONE : TransactionEffect.ROLLBACK, false);
    }

    private void xa() {
        int t = lx.next();
        if (t != SqlLexer.WORD) {
            kind = StatementKind.WRITE;
        } else if (isWord("START") || isWord("BEGIN")) {
            transaction(TransactionEffect.BEGIN, false);
        } else if (isWord("COMMIT")) {
            transaction(TransactionEffect.COMMIT, false);
        } else if (isWord("ROLLBACK")) {
            transaction(TransactionEffect.ROLLBACK, false);
        } else if (isWord("END") || isWord("PREPARE")) {
            transaction(TransactionEffect.NONE, false);
        } else if (isWord("RECOVER")) {
            kind = StatementKind.READ;
        } else {
            kind = StatementKind.WRITE;
        }
    }

    private void lockTables(TransactionEffect effect) {
        int t = lx.next();
        if (t == SqlLexer.WORD && (isWord("TABLE") || isWord("TABLES"))) {
            transaction(effect, true);
        } else if (t == SqlLexer.WORD && isWord("INSTANCE")) {
            admin(false);
        } else {
            kind = StatementKind.WRITE;
        }
    }

    private void use() {
        int t = lx.next();
        if (t == SqlLexer.WORD || t == SqlLexer.QUOTED_ID || t == SqlLexer.STRING) {
            database = identifier(lx.start, lx.end);
            kind = StatementKind.SESSION;
        } else {
            kind = StatementKind.WRITE;
        }
    }

    /**
     * GET [CURRENT | STACKED] DIAGNOSTICS [CONDITION n] target = item, ...: reads the diagnostics area into variables;
     * a user variable before {@code =} is assigned.
     */
    private void diagnostics() {
        int t = nextToken();
        if (t == SqlLexer.WORD && (isWord("CURRENT") || isWord("STACKED"))) {
            t = nextToken();
        }
        if (t != SqlLexer.WORD || !isWord("DIAGNOSTICS")) {
            kind = StatementKind.WRITE;
            return;
        }
        kind = StatementKind.READ;
        String variable = null;
        for (t = lx.next(); t != SqlLexer.EOF; t = lx.next()) {
            if (variable != null && t == SqlLexer.PUNCT && text.charAt(lx.start) == '=') {
                assignedTarget(variable);
            }
            variable = t == SqlLexer.USER_VAR ? userVariable(lx.start, lx.end) : null;
        }
    }

    private void drop() {
        int t = lx.next();
        if (t == SqlLexer.WORD && isWord("TEMPORARY")) {
            temporary();
        } else if (t == SqlLexer.WORD && isWord("PREPARE")) {
            kind = StatementKind.SESSION;
        } else {
            ddl();
        }
    }

    // Temporary tables live in one connection and do not commit: the session's engine connection owns them, and
    // writes made from them to real tables are replicated as ordinary statements.
    void temporary() {
        kind = StatementKind.WRITE;
        temporaryTable = true;
    }

    void ddl() {
        kind = StatementKind.DDL;
        implicitCommit = true;
    }

    void admin(boolean commits) {
        kind = StatementKind.ADMIN;
        implicitCommit = commits;
    }

    void transaction(TransactionEffect effect, boolean commits) {
        kind = StatementKind.TRANSACTION;
        transaction = effect;
        implicitCommit = commits;
    }

    boolean isWord(String upperWord) {
        return lx.type == SqlLexer.WORD && is(text, lx.start, lx.end, upperWord);
    }

    boolean isPunct(char c) {
        return lx.type == SqlLexer.PUNCT && text.charAt(lx.start) == c && lx.end - lx.start == 1;
    }

    boolean nextWordIs(String upperWord) {
        return nextToken() == SqlLexer.WORD && isWord(upperWord);
    }

    /** The name a token denotes: quotes removed, doubled quotes undone, decoded from the text's character set. */
    String identifier(int start, int end) {
        return unquote(source.slice(start, end, reading.charset()));
    }

    /** The lower-case name of a user variable token ({@code @name}, {@code @'name'}). */
    String userVariable(int start, int end) {
        return identifier(start + 1, end).toLowerCase(java.util.Locale.ROOT);
    }

    /** Removes the quotes around a quoted name or string and undoes doubled quotes inside it. */
    static String unquote(String token) {
        if (token.length() >= 2) {
            char q = token.charAt(0);
            char close = q == '[' ? ']' : q;
            if ((q == '`' || q == '"' || q == '\'' || q == '[') && token.charAt(token.length() - 1) == close) {
                String quote = String.valueOf(close);
                return token.substring(1, token.length() - 1).replace(quote + quote, quote);
            }
        }
        return token;
    }

    /** The text of the current token, decoded. */
    String token() {
        return source.slice(lx.start, lx.end, reading.charset());
    }

    /** Records a user variable assigned with {@code =}, an occurrence the token pass counted as a read. */
    void assignedTarget(String name) {
        assignedTargets.merge(name, 1, Integer::sum);
    }

    void addAssignment(VariableAssignment assignment) {
        if (assignments == null) {
            assignments = new ArrayList<>(2);
        }
        assignments.add(assignment);
    }
}
