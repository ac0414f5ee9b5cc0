package io.fluxdb.engine.mysql.sql;

import io.fluxdb.engine.spi.Determinism;
import io.fluxdb.engine.spi.StatementKind;

/**
 * INSERT, REPLACE, UPDATE and LOAD: writes whose form decides whether replay gives the leader's rows.
 *
 * @see <a href="https://dev.mysql.com/doc/refman/8.4/en/replication-rbr-safe-unsafe.html">MySQL: Determination of
 *     Safe and Unsafe Statements in Binary Logging</a>
 */
final class WriteStatements {

    private final StatementAnalyzer a;
    private final SqlLexer lx;
    private final String text;

    WriteStatements(StatementAnalyzer analyzer) {
        this.a = analyzer;
        this.lx = analyzer.lx;
        this.text = analyzer.text;
    }

    /** INSERT|REPLACE [LOW_PRIORITY | DELAYED | HIGH_PRIORITY] [IGNORE] [INTO] table ... */
    void insert(boolean replace) {
        a.kind = StatementKind.WRITE;
        boolean ignore = false;
        int t = lx.next();
        while (t == SqlLexer.WORD && (a.isWord("LOW_PRIORITY") || a.isWord("DELAYED") || a.isWord("HIGH_PRIORITY")
                || a.isWord("IGNORE"))) {
            ignore |= a.isWord("IGNORE");
            t = lx.next();
        }
        rowsFromSelect(t, ignore || replace, true);
    }

    /** UPDATE [LOW_PRIORITY] [IGNORE] ...: with IGNORE, the rows that fail depend on the order rows are updated in. */
    void update() {
        a.kind = StatementKind.WRITE;
        boolean ignore = false;
        int t = lx.next();
        while (t == SqlLexer.WORD && (a.isWord("LOW_PRIORITY") || a.isWord("IGNORE"))) {
            ignore |= a.isWord("IGNORE");
            t = lx.next();
        }
        if (ignore && !a.facts.orderedAtTop) {
            a.determinism.add(Determinism.UNORDERED_CONFLICT);
        }
    }

    /**
     * LOAD DATA|XML [LOW_PRIORITY | CONCURRENT] [LOCAL] INFILE ...: LOCAL reads a file the client sends, otherwise a
     * file on the engine's host. LOAD INDEX INTO CACHE is maintenance.
     */
    void load() {
        int t = lx.next();
        if (t == SqlLexer.WORD && a.isWord("INDEX")) {
            a.admin(true);
            return;
        }
        a.kind = StatementKind.WRITE;
        if (t != SqlLexer.WORD || !(a.isWord("DATA") || a.isWord("XML"))) {
            return;
        }
        t = lx.next();
        while (t == SqlLexer.WORD && (a.isWord("LOW_PRIORITY") || a.isWord("CONCURRENT"))) {
            t = lx.next();
        }
        if (t == SqlLexer.WORD && a.isWord("LOCAL")) {
            a.determinism.add(Determinism.LOCAL_INFILE);
        } else if (t == SqlLexer.WORD && a.isWord("INFILE")) {
            a.determinism.add(Determinism.SERVER_FILE);
        }
    }

    /**
     * Reads the rest of an INSERT, REPLACE ({@code insert}) or CREATE TABLE from the current token {@code t}, to find
     * whether its rows come from a SELECT and whether that SELECT orders them. Rows that collide on a unique key are
     * ignored, replaced or updated in the order they come, so with {@code IGNORE} or {@code REPLACE} ({@code
     * conflicts}, or those words before the SELECT of a CREATE TABLE) or {@code ON DUPLICATE KEY UPDATE}, an
     * unordered SELECT is flagged.
     */
    void rowsFromSelect(int t, boolean conflicts, boolean insert) {
        boolean resolvesConflicts = conflicts;
        int depth = 0;
        int selectDepth = -1;
        boolean ordered = false;
        boolean rowsGiven = false;
        boolean withFirst = false;
        for (; t != SqlLexer.EOF; t = lx.next()) {
            if (t == SqlLexer.PUNCT) {
                if (a.isPunct('(')) {
                    depth++;
                } else if (a.isPunct(')')) {
                    depth = Math.max(0, depth - 1);
                }
                continue;
            }
            if (t != SqlLexer.WORD) {
                continue;
            }
            if (insert && depth == 0 && selectDepth < 0
                    && (a.isWord("VALUES") || a.isWord("VALUE") || a.isWord("SET"))) {
                rowsGiven = true;
            } else if (!insert && depth == 0 && selectDepth < 0 && (a.isWord("IGNORE") || a.isWord("REPLACE"))) {
                resolvesConflicts = true;
            } else if (insert && depth == 0 && a.isWord("ON") && duplicateKeyFollows()) {
                resolvesConflicts = true;
            } else if (depth == 0 && selectDepth < 0 && a.isWord("WITH")) {
                withFirst = true;
            } else if (a.isWord("SELECT") && !rowsGiven) {
                if (selectDepth < 0 && (depth == 0 || (depth == 1 && !withFirst))) {
                    selectDepth = depth;
                    ordered = false;
                } else if (depth == selectDepth) {
                    // the next SELECT of a UNION: an ORDER BY must come after it to order the whole
                    ordered = false;
                }
            } else if (a.isWord("ORDER") && depth == selectDepth) {
                ordered = true;
            }
        }
        if (selectDepth >= 0 && resolvesConflicts && !ordered) {
            a.determinism.add(Determinism.UNORDERED_CONFLICT);
        }
    }

    /** Whether the word after the current ON is DUPLICATE; the lexer stays on ON either way. */
    private boolean duplicateKeyFollows() {
        long mark = lx.mark();
        int start = lx.start;
        int end = lx.end;
        boolean duplicate = lx.next() == SqlLexer.WORD && a.isWord("DUPLICATE");
        lx.reset(mark);
        lx.type = SqlLexer.WORD;
        lx.start = start;
        lx.end = end;
        return duplicate;
    }
}
