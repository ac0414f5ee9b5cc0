package io.fluxdb.engine.mysql.sql;

import static io.fluxdb.engine.mysql.sql.StatementFacts.upper;

import io.fluxdb.engine.spi.AccessMode;
import io.fluxdb.engine.spi.StatementKind;
import io.fluxdb.engine.spi.TransactionEffect;
import io.fluxdb.engine.spi.VariableAssignment;
import io.fluxdb.engine.spi.VariableAssignment.Scope;
import java.util.Locale;

/**
 * The SET statement's many forms: variable assignments, SET NAMES / CHARACTER SET, SET TRANSACTION, SET ROLE,
 * SET PASSWORD, and MariaDB's SET STATEMENT ... FOR. Besides the assignments, it finds what a SET does to the
 * transaction access mode, and how it changes the reading of the statements after it (SQL mode, client character
 * set).
 *
 * @see <a href="https://dev.mysql.com/doc/refman/8.4/en/set-variable.html">SET Syntax for Variable Assignment</a>
 * @see <a href="https://mariadb.com/kb/en/set-statement/">MariaDB: SET STATEMENT</a>
 */
final class SetStatementParser {

    private final StatementAnalyzer a;
    private final SqlLexer lx;
    private final String text;
    /** Inside SET STATEMENT: values end at FOR, and the assignments last for one statement only. */
    private boolean statementFor;
    private int valueStart;
    private int valueEnd;

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
        String userVariable = null;
        if (t == SqlLexer.USER_VAR) {
            userVariable = a.userVariable(lx.start, lx.end);
            name = userVariable;
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
        } else if (t == SqlLexer.WORD && a.isWord("NAMES") && !statementFor) {
            return special(target, "names");
        } else if (t == SqlLexer.WORD && (a.isWord("CHARSET")
                || (a.isWord("CHARACTER") && lx.next() == SqlLexer.WORD && a.isWord("SET"))) && !statementFor) {
            return special(target, "character set");
        } else if (t == SqlLexer.WORD && a.isWord("TRANSACTION") && !statementFor) {
            return transaction(sawScope ? target : Scope.NEXT_TRANSACTION);
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
        boolean colonEquals = op == SqlLexer.PUNCT && text.startsWith(":=", lx.start) && lx.end - lx.start == 2;
        if (op != SqlLexer.PUNCT || !(a.isPunct('=') || colonEquals)) {
            return false;
        }
        if (userVariable != null && !colonEquals) {
            a.assignedTarget(userVariable);
        }
        String value = value();
        if (value.isEmpty()) {
            return false;
        }
        if (target == Scope.GLOBAL) {
            // A global value changes neither this session nor the way its text is read.
            if (!statementFor) {
                a.addAssignment(new VariableAssignment(target, name, value));
                raise(StatementKind.ADMIN);
            }
            return true;
        }
        if (target == Scope.SESSION && (name.equals("tx_read_only") || name.equals("transaction_read_only"))) {
            permit(readOnlyValue(value));
        }
        if (statementFor) {
            // SET STATEMENT's values hold for its one statement, which the engine has read by then.
            return true;
        }
        a.addAssignment(new VariableAssignment(target, name, value));
        if (target == Scope.SESSION) {
            switch (name) {
                case "autocommit" -> autocommit(value);
                case "sql_mode" -> sqlMode();
                case "character_set_client" -> characterSet();
                default -> {
                    // other session variables do not change how text is read
                }
            }
        }
        return true;
    }

    /** SET NAMES x [COLLATE y], SET CHARACTER SET x: no '=', value up to the comma. Both set the client's set. */
    private boolean special(Scope scope, String name) {
        String value = value();
        if (value.isEmpty()) {
            return false;
        }
        a.addAssignment(new VariableAssignment(scope, name, value));
        if (scope == Scope.GLOBAL) {
            raise(StatementKind.ADMIN);
        } else {
            characterSet();
        }
        return true;
    }

    /**
     * SET [GLOBAL | SESSION] TRANSACTION characteristic [, characteristic]: the characteristics (isolation level,
     * READ ONLY, READ WRITE) are the rest of the statement.
     */
    private boolean transaction(Scope scope) {
        String value = restOfStatement();
        if (value.isEmpty()) {
            return false;
        }
        a.addAssignment(new VariableAssignment(scope, "transaction", value));
        if (scope == Scope.GLOBAL) {
            raise(StatementKind.ADMIN);
            return true;
        }
        SqlLexer words = new SqlLexer(text, valueStart, valueEnd, a.reading);
        boolean afterRead = false;
        for (int t = words.next(); t != SqlLexer.EOF; t = words.next()) {
            boolean word = t == SqlLexer.WORD;
            if (afterRead && word && StatementFacts.is(text, words.start, words.end, "ONLY")) {
                permit(AccessMode.READ_ONLY);
            } else if (afterRead && word && StatementFacts.is(text, words.start, words.end, "WRITE")) {
                permit(AccessMode.READ_WRITE);
            }
            afterRead = word && StatementFacts.is(text, words.start, words.end, "READ");
        }
        return true;
    }

    /** Keeps the most permissive access mode a statement asks for. */
    private void permit(AccessMode mode) {
        if (mode.compareTo(a.accessMode) > 0) {
            a.accessMode = mode;
        }
    }

    /** The access mode {@code tx_read_only = value} asks for. */
    private AccessMode readOnlyValue(String value) {
        return switch (StatementAnalyzer.unquote(value.trim()).toUpperCase(Locale.ROOT)) {
            case "1", "ON", "TRUE" -> AccessMode.READ_ONLY;
            case "0", "OFF", "FALSE" -> AccessMode.READ_WRITE;
            default -> AccessMode.UNKNOWN;
        };
    }

    /**
     * The expression text up to the next comma outside parentheses (or the end; or FOR in SET STATEMENT), as written.
     * Leaves the lexer on that comma, FOR or EOF, and the expression's bounds in {@link #valueStart} and
     * {@link #valueEnd}.
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
            } else if (statementFor && depth == 0 && a.isWord("FOR")) {
                break;
            }
            if (first < 0) {
                first = lx.start;
            }
            last = lx.end;
        }
        valueStart = first;
        valueEnd = last;
        return first < 0 ? "" : a.source.slice(first, last, a.reading.charset());
    }

    /** The text of the rest of the statement, as written; its bounds in {@link #valueStart}, {@link #valueEnd}. */
    private String restOfStatement() {
        int first = -1;
        int last = -1;
        for (int t = lx.next(); t != SqlLexer.EOF; t = lx.next()) {
            if (first < 0) {
                first = lx.start;
            }
            last = lx.end;
        }
        valueStart = first;
        valueEnd = last;
        return first < 0 ? "" : a.source.slice(first, last, a.reading.charset());
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

    /** {@code SET sql_mode = value}: the reading of the statements after this one, where the value tells. */
    private void sqlMode() {
        SqlMode current = a.change.mode() != null ? a.change.mode() : a.reading.mode();
        SqlMode next = new SqlModeValue(a, valueStart, valueEnd).evaluate(current);
        a.change = next == null ? a.change.withUnknownMode() : a.change.withMode(next);
    }

    /** SET NAMES, SET CHARACTER SET, SET character_set_client: the character set the next statements come in. */
    private void characterSet() {
        SqlLexer value = new SqlLexer(text, valueStart, valueEnd, a.reading);
        int t = value.next();
        String name = t == SqlLexer.WORD || t == SqlLexer.STRING || t == SqlLexer.QUOTED_ID
                ? MySqlCharsets.normalize(text.substring(value.start, value.end)) : "";
        boolean literal = !name.isEmpty() && !name.equals("default") && MySqlCharsets.known(name);
        a.change = literal ? a.change.withCharacterSet(name) : a.change.withUnknownCharacterSet();
    }

    private void raise(StatementKind kind) {
        if (kind.compareTo(a.kind) > 0) {
            a.kind = kind;
        }
    }

    /**
     * MariaDB's SET STATEMENT var = value [, ...] FOR statement: the inner statement decides the kind. The values
     * last for that one statement and are not session state, but tx_read_only among them can make it read-write.
     */
    private void statementFor(int nesting) {
        statementFor = true;
        int t = lx.next();
        while (true) {
            if (!assignment(t, Scope.SESSION, false) || lx.type == SqlLexer.EOF) {
                a.kind = StatementKind.WRITE;
                return;
            }
            if (a.isWord("FOR")) {
                break;
            }
            t = lx.next();
        }
        int n = lx.next();
        while (n == SqlLexer.PUNCT && text.charAt(lx.start) == '(') {
            n = lx.next();
        }
        AccessMode outer = a.accessMode;
        if (n == SqlLexer.WORD) {
            a.statement(upper(text, lx.start, lx.end), nesting + 1);
        } else {
            a.kind = StatementKind.WRITE;
        }
        permit(outer);
    }
}
