package io.fluxdb.engine.mysql.sql;

import io.fluxdb.engine.spi.Determinism;

/**
 * CREATE and ALTER. Most are DDL; CREATE TEMPORARY TABLE is a write of this connection. Views, stored routines,
 * triggers and events run with their definer's privileges; without a DEFINER clause the definer is the account that
 * runs the statement, which replay on another node does not share: such statements are flagged
 * {@link Determinism#IMPLICIT_DEFINER} (MySQL's binary log writes the DEFINER into them for the same reason).
 *
 * @see <a href="https://mariadb.com/kb/en/create-view/">MariaDB: CREATE VIEW</a>
 */
final class DefinitionStatements {

    private final StatementAnalyzer a;
    private final SqlLexer lx;
    private final String text;

    DefinitionStatements(StatementAnalyzer analyzer) {
        this.a = analyzer;
        this.lx = analyzer.lx;
        this.text = analyzer.text;
    }

    /** CREATE [OR REPLACE] [TEMPORARY] ..., with the view and routine clauses before the object's kind. */
    void create() {
        int t = lx.next();
        if (t == SqlLexer.WORD && a.isWord("OR")) {
            lx.next();
            t = lx.next();
        }
        if (t == SqlLexer.WORD && a.isWord("TEMPORARY")) {
            a.temporary();
            t = lx.next();
            if (t == SqlLexer.WORD && a.isWord("TABLE")) {
                new WriteStatements(a).rowsFromSelect(lx.next(), false, false);
            }
            return;
        }
        a.ddl();
        boolean namesDefiner = definerClauses(t);
        if (lx.type != SqlLexer.WORD) {
            return;
        }
        if (a.isWord("TABLE")) {
            new WriteStatements(a).rowsFromSelect(lx.next(), false, false);
        } else if (a.isWord("VIEW") || a.isWord("PROCEDURE") || a.isWord("TRIGGER") || a.isWord("EVENT")
                || a.isWord("PACKAGE")) {
            implicitDefinerUnless(namesDefiner);
        } else if (a.isWord("FUNCTION") || a.isWord("AGGREGATE")) {
            // A loadable function (CREATE FUNCTION f RETURNS ... SONAME 'lib.so') has no definer.
            if (!sonameFollows()) {
                implicitDefinerUnless(namesDefiner);
            }
        }
    }

    /**
     * ALTER ... is DDL, except ALTER INSTANCE. ALTER EVENT makes the account that runs it the event's definer unless it
     * names one (checked on MariaDB 10.11); ALTER VIEW keeps the definer the view had.
     */
    void alter() {
        int t = lx.next();
        if (t == SqlLexer.WORD && a.isWord("INSTANCE")) {
            a.admin(true);
            return;
        }
        a.ddl();
        boolean namesDefiner = definerClauses(t);
        if (lx.type == SqlLexer.WORD && a.isWord("EVENT")) {
            implicitDefinerUnless(namesDefiner);
        } else if (lx.type == SqlLexer.WORD && a.isWord("VIEW")) {
            // ALTER VIEW ... AS SELECT gives the view a new body, which runs later, as a CREATE does.
            a.definesProgram = true;
        }
    }

    /**
     * Reads {@code [ALGORITHM = x] [DEFINER = account | CURRENT_USER[()]] [SQL SECURITY x]} from the current token
     * {@code t}, in any order, leaving the lexer on the word after them. Returns whether they name the definer.
     */
    private boolean definerClauses(int t) {
        boolean named = false;
        while (t == SqlLexer.WORD) {
            if (a.isWord("ALGORITHM")) {
                lx.next();
                lx.next();
            } else if (a.isWord("DEFINER")) {
                lx.next();
                named = account();
            } else if (a.isWord("SQL")) {
                lx.next();
                lx.next();
            } else {
                break;
            }
            t = lx.next();
        }
        return named;
    }

    /** Reads the account after {@code DEFINER =}; true if it names one, false for CURRENT_USER. */
    private boolean account() {
        int t = lx.next();
        if (t == SqlLexer.WORD && a.isWord("CURRENT_USER")) {
            long mark = lx.mark();
            if (lx.next() == SqlLexer.PUNCT && a.isPunct('(')) {
                lx.next();
            } else {
                lx.reset(mark);
            }
            return false;
        }
        long mark = lx.mark();
        if (lx.next() != SqlLexer.HOST) {
            lx.reset(mark);
        }
        return t == SqlLexer.WORD || t == SqlLexer.STRING || t == SqlLexer.QUOTED_ID;
    }

    private boolean sonameFollows() {
        for (int t = lx.next(); t != SqlLexer.EOF; t = lx.next()) {
            if (t == SqlLexer.WORD && a.isWord("SONAME")) {
                return true;
            }
            if (t == SqlLexer.PUNCT && text.charAt(lx.start) == '(') {
                // Stored functions have a parameter list; loadable ones do not.
                return false;
            }
        }
        return false;
    }

    private void implicitDefinerUnless(boolean namesDefiner) {
        a.definesProgram = true;
        if (!namesDefiner) {
            a.determinism.add(Determinism.IMPLICIT_DEFINER);
        }
    }
}
