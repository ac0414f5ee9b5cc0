package io.fluxdb.engine.mysql.sql;

import static io.fluxdb.engine.mysql.sql.StatementFacts.upper;

import io.fluxdb.engine.spi.StatementKind;
import io.fluxdb.engine.spi.TransactionEffect;
import io.fluxdb.engine.spi.VariableAssignment;
import io.fluxdb.engine.spi.VariableAssignment.Scope;
import java.util.Locale;

/**
 * The SET statement's many forms: variable assignments, SET NAMES / CHARACTER SET, SET TRANSACTION, SET ROLE,
 * SET PASSWORD, and MariaDB's SET STATEMENT ... FOR.
 *
 * @see <a href="https://dev.mysql.com/doc/refman/8.4/en/set-variable.html">SET Syntax for Variable Assignment</a>
 * @see <a href="https://mariadb.com/kb/en/set-statement/">MariaDB: SET STATEMENT</a>
 */
final class SetStatementParser {

    private final StatementAnalyzer a;
    private final SqlLexer lx;
    private final String text;

    SetStatementParser(StatementAnalyzer analyzer) {
        this.a = analyzer;
        this.lx = analyzer.lx;
        this.text = analyzer.text;
    }

    void parse(int nesting) {
        int t = a.nextToken();
        if (t == SqlLexer.WORD) {
            if (a.isWord("STATEMENT")) {
                statementFor(nesting);
                return;
            }
            if (a.isWord("PASSWORD") || a.isWord("DEFAULT")) {
                a.ddl();
                return;
            }
            if (a.isWord("RESOURCE")) {
                a.admin(false);
                return;
            }
            if (a.isWord("ROLE")) {
                a.kind = StatementKind.SESSION;
                a.addAssignment(new VariableAssignment(Scope.SESSION, "role", restOfStatement()));
                return;
            }
        }
        a.kind = StatementKind.SESSION;
        Scope scope = Scope.SESSION;
        boolean sawScope = false;
        while (true) {
            if (t == SqlLexer.WORD && isScopeWord()) {
                scope = a.isWord("GLOBAL") || a.isWord("PERSIST") || a.isWord("PERSIST_ONLY")
                        ? Scope.GLOBAL : Scope.SESSION;
                sawScope = true;
                t = lx.next();
            }
            if (!assignment(t, scope, sawScope)) {
                a.kind = StatementKind.WRITE;
                return;
            }
            // assignment() stops on the separating comma or at the end.
            if (lx.type == SqlLexer.EOF) {
                return;
            }
            t = lx.next();
        }
    }

    private boolean isScopeWord() {
        return a.isWord("GLOBAL") || a.isWord("SESSION") || a.isWord("LOCAL") || a.isWord("PERSIST")
                || a.isWord("PERSIST_ONLY");
    }

    /** Reads one assignment starting at the current token; false if it is not one. */
    private boolean assignment(int t, Scope scope, boolean sawScope) {
        String name;
        Scope target = scope;
        if (t == SqlLexer.USER_VAR) {
            name = a.identifier(lx.start + 1, lx.end).toLowerCase(Locale.ROOT);
            target = Scope.USER;
        } else if (t == SqlLexer.SYS_VAR) {
            String full = text.substring(lx.start + 2, lx.end).toLowerCase(Locale.ROOT);
            int dot = full.indexOf('.');
            if (dot > 0) {
                String prefix = full.substring(0, dot);
                switch (prefix) {
                    case "global", "persist", "persist_only" -> {
                        target = Scope.GLOBAL;
                        full = full.substring(dot + 1);
                    }
                    case "session", "local" -> {
                        target = Scope.SESSION;
                        full = full.substring(dot + 1);
                    }
                    default -> {
                        // a structured variable such as a key cache's: keep the full name
                    }
                }
            } else {
                target = Scope.SESSION;
            }
            name = full;
        } else if (t == SqlLexer.WORD && a.isWord("NAMES")) {
            return special(target, "names");
        } else if (t == SqlLexer.WORD && (a.isWord("CHARSET")
                || (a.isWord("CHARACTER") && lx.next() == SqlLexer.WORD && a.isWord("SET")))) {
            return special(target, "character set");
        } else if (t == SqlLexer.WORD && a.isWord("TRANSACTION")) {
            return special(sawScope ? target : Scope.NEXT_TRANSACTION, "transaction");
        } else if (t == SqlLexer.WORD || t == SqlLexer.QUOTED_ID) {
            StringBuilder dotted = new StringBuilder(a.identifier(lx.start, lx.end));
            long mark = lx.mark();
            while (lx.next() == SqlLexer.PUNCT && text.charAt(lx.start) == '.' && lx.end - lx.start == 1) {
                int n = lx.next();
                if (n != SqlLexer.WORD && n != SqlLexer.QUOTED_ID) {
                    return false;
                }
                dotted.append('.').append(a.identifier(lx.start, lx.end));
                mark = lx.mark();
            }
            lx.reset(mark);
            name = dotted.toString().toLowerCase(Locale.ROOT);
        } else {
            return false;
        }
        int op = lx.next();
        if (op != SqlLexer.PUNCT || !(text.charAt(lx.start) == '=' || text.startsWith(":=", lx.start))) {
            return false;
        }
        String value = value();
        if (value.isEmpty()) {
            return false;
        }
        a.addAssignment(new VariableAssignment(target, name, value));
        if (target == Scope.GLOBAL) {
            raise(StatementKind.ADMIN);
        } else if (target == Scope.SESSION && name.equals("autocommit")) {
            autocommit(value);
        }
        return true;
    }

    /** SET NAMES x [COLLATE y], SET CHARACTER SET x, SET TRANSACTION ...: no '=', value up to the comma. */
    private boolean special(Scope scope, String name) {
        String value = value();
        if (value.isEmpty()) {
            return false;
        }
        a.addAssignment(new VariableAssignment(scope, name, value));
        if (scope == Scope.GLOBAL) {
            raise(StatementKind.ADMIN);
        }
        return true;
    }

    /**
     * The expression text up to the next comma outside parentheses (or the end), as written. Leaves the lexer on
     * that comma or at EOF.
     */
    private String value() {
        int depth = 0;
        int first = -1;
        int last = -1;
        for (int t = lx.next(); t != SqlLexer.EOF; t = lx.next()) {
            if (t == SqlLexer.PUNCT) {
                char c = text.charAt(lx.start);
                if (c == ',' && depth == 0) {
                    break;
                } else if (c == '(') {
                    depth++;
                } else if (c == ')' && depth > 0) {
                    depth--;
                }
            }
            if (first < 0) {
                first = lx.start;
            }
            last = lx.end;
        }
        return first < 0 ? "" : text.substring(first, last);
    }

    private String restOfStatement() {
        int first = -1;
        int last = -1;
        for (int t = lx.next(); t != SqlLexer.EOF; t = lx.next()) {
            if (first < 0) {
                first = lx.start;
            }
            last = lx.end;
        }
        return first < 0 ? "" : text.substring(first, last);
    }

    /** autocommit=1 commits an open transaction; a value that cannot be read is taken as 0, the safer guess. */
    private void autocommit(String value) {
        String v = value.toUpperCase(Locale.ROOT).replace("'", "").replace("\"", "").trim();
        boolean on = v.equals("1") || v.equals("ON") || v.equals("TRUE") || v.equals("DEFAULT");
        TransactionEffect effect = on ? TransactionEffect.AUTOCOMMIT_ON : TransactionEffect.AUTOCOMMIT_OFF;
        raise(StatementKind.TRANSACTION);
        a.transaction = effect;
        a.implicitCommit |= on;
    }

    private void raise(StatementKind kind) {
        if (kind.compareTo(a.kind) > 0) {
            a.kind = kind;
        }
    }

    /** MariaDB's SET STATEMENT var=value [, ...] FOR statement: the inner statement decides. */
    private void statementFor(int nesting) {
        int depth = 0;
        for (int t = lx.next(); t != SqlLexer.EOF; t = lx.next()) {
            if (t == SqlLexer.PUNCT) {
                char c = text.charAt(lx.start);
                if (c == '(') {
                    depth++;
                } else if (c == ')' && depth > 0) {
                    depth--;
                }
            } else if (t == SqlLexer.WORD && depth == 0 && a.isWord("FOR")) {
                int n = lx.next();
                while (n == SqlLexer.PUNCT && text.charAt(lx.start) == '(') {
                    n = lx.next();
                }
                if (n == SqlLexer.WORD) {
                    a.statement(upper(text, lx.start, lx.end), nesting + 1);
                } else {
                    a.kind = StatementKind.WRITE;
                }
                return;
            }
        }
        a.kind = StatementKind.WRITE;
    }
}
