package io.fluxdb.engine.mysql.sql;

import static io.fluxdb.engine.mysql.sql.StatementFacts.is;
import static io.fluxdb.engine.mysql.sql.StatementFacts.upper;

import io.fluxdb.engine.spi.Classification;
import io.fluxdb.engine.spi.Determinism;
import io.fluxdb.engine.spi.StatementKind;
import io.fluxdb.engine.spi.TransactionEffect;
import io.fluxdb.engine.spi.VariableAssignment;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

/**
 * Classifies one statement (the text between two separators) by its leading keywords and the
 * {@link StatementFacts} of its whole text.
 *
 * @see <a href="https://dev.mysql.com/doc/refman/8.4/en/implicit-commit.html">Statements That Cause an Implicit
 *     Commit</a>
 */
final class StatementAnalyzer {

    /** Statements nest (EXPLAIN ANALYZE, SET STATEMENT ... FOR, WITH); deeper nesting than this is unknown. */
    private static final int MAX_NESTING = 8;

    final String text;
    final SqlLexer lx;
    final StatementFacts facts;

    StatementKind kind = StatementKind.WRITE;
    boolean implicitCommit;
    TransactionEffect transaction = TransactionEffect.NONE;
    String database;
    List<VariableAssignment> assignments;
    boolean temporaryTable;

    private StatementAnalyzer(String text, SqlLexer lx, StatementFacts facts) {
        this.text = text;
        this.lx = lx;
        this.facts = facts;
    }

    static Classification analyze(String text, int from, int to, SqlLexer.Versions versions) {
        StatementFacts facts = StatementFacts.scan(new SqlLexer(text, from, to, versions));
        SqlLexer lx = new SqlLexer(text, from, to, versions);
        StatementAnalyzer a = new StatementAnalyzer(text, lx, facts);
        int t = lx.next();
        boolean sawParenthesis = false;
        while (t == SqlLexer.PUNCT && text.charAt(lx.start) == '(') {
            sawParenthesis = true;
            t = lx.next();
        }
        String keyword = "";
        if (t == SqlLexer.EOF) {
            a.kind = sawParenthesis ? StatementKind.WRITE : StatementKind.EMPTY;
        } else if (t == SqlLexer.WORD) {
            keyword = upper(text, lx.start, lx.end);
            a.statement(keyword, 0);
        }
        // Any other leading token (a string, a number, stray punctuation) is not SQL we know: WRITE.
        return a.result(keyword, from, to);
    }

    private Classification result(String keyword, int from, int to) {
        EnumSet<Determinism> determinism = facts.determinism;
        if (facts.limitWithoutOrderBy && (kind == StatementKind.WRITE || kind == StatementKind.DDL)) {
            determinism.add(Determinism.LIMIT_WITHOUT_ORDER_BY);
        }
        return new Classification(kind, keyword, implicitCommit, determinism, transaction,
                Optional.ofNullable(database), assignments == null ? List.of() : assignments, temporaryTable,
                from, to, 1);
    }

    /** Classifies the statement whose first keyword is the current token. */
    void statement(String keyword, int nesting) {
        if (nesting > MAX_NESTING) {
            kind = StatementKind.WRITE;
            return;
        }
        switch (keyword) {
            case "SELECT", "TABLE", "VALUES" -> query();
            case "WITH" -> with(nesting);
            case "INSERT", "UPDATE", "DELETE", "REPLACE", "CALL", "DO", "BINLOG", "EXECUTE" -> kind =
                    StatementKind.WRITE;
            case "LOAD" -> {
                if (nextWordIs("INDEX")) {
                    admin(true);
                } else {
                    kind = StatementKind.WRITE;
                }
            }
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
            case "GET" -> {
                if (nextWordIs("DIAGNOSTICS") || isWord("CURRENT") || isWord("STACKED")) {
                    kind = StatementKind.READ;
                }
            }
            case "CREATE" -> create();
            case "DROP" -> drop();
            case "ALTER" -> {
                if (nextWordIs("INSTANCE")) {
                    admin(true);
                } else {
                    ddl();
                }
            }
            case "RENAME", "TRUNCATE", "GRANT", "REVOKE", "IMPORT" -> ddl();
            case "SET" -> new SetStatementParser(this).parse(nesting);
            default -> kind = StatementKind.WRITE;
        }
    }

    /** SELECT, TABLE, VALUES or a parenthesized query: a read unless something in it writes or locks. */
    private void query() {
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

    private void start() {
        int t = nextToken();
        if (t == SqlLexer.WORD && isWord("TRANSACTION")) {
            TransactionEffect effect = TransactionEffect.BEGIN;
            for (t = lx.next(); t != SqlLexer.EOF; t = lx.next()) {
                if (isWord("READ") && lx.next() == SqlLexer.WORD && isWord("ONLY")) {
                    effect = TransactionEffect.BEGIN_READ_ONLY;
                }
            }
            transaction(effect, true);
        } else if (t == SqlLexer.WORD) {
            admin(true);
        } else {
            kind = StatementKind.WRITE;
        }
    }

    /** BEGIN [WORK] starts a transaction; MariaDB's BEGIN NOT ATOMIC starts a compound statement. */
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

    /** CREATE [OR REPLACE] TEMPORARY TABLE touches only this connection; every other CREATE is DDL. */
    private void create() {
        int t = lx.next();
        if (t == SqlLexer.WORD && isWord("OR")) {
            lx.next();
            t = lx.next();
        }
        if (t == SqlLexer.WORD && isWord("TEMPORARY")) {
            temporary();
        } else {
            ddl();
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
    private void temporary() {
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

    boolean nextWordIs(String upperWord) {
        return nextToken() == SqlLexer.WORD && isWord(upperWord);
    }

    /** The name a token denotes: quotes removed and doubled quotes undone. */
    String identifier(int start, int end) {
        char q = text.charAt(start);
        if ((q == '`' || q == '"' || q == '\'') && end - start >= 2 && text.charAt(end - 1) == q) {
            String quote = String.valueOf(q);
            return text.substring(start + 1, end - 1).replace(quote + quote, quote);
        }
        return text.substring(start, end);
    }

    void addAssignment(VariableAssignment assignment) {
        if (assignments == null) {
            assignments = new ArrayList<>(2);
        }
        assignments.add(assignment);
    }
}
