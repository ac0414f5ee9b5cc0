package io.fluxdb.engine.mysql.sql;

import static io.fluxdb.engine.mysql.sql.StatementFacts.upper;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Works out the value of {@code SET sql_mode = expression} where the text tells it: a literal ({@code 'ANSI_QUOTES'},
 * {@code ANSI}), the current mode ({@code @@sql_mode}), and the forms drivers and frameworks send to add or remove a
 * mode: {@code CONCAT(@@sql_mode, ',STRICT_TRANS_TABLES')}, {@code REPLACE(@@sql_mode, 'ONLY_FULL_GROUP_BY', '')},
 * nested, optionally inside {@code (SELECT ...)}. Anything else (a user variable, DEFAULT, a number) is unknown.
 */
final class SqlModeValue {

    private final String text;
    private final List<int[]> tokens = new ArrayList<>();
    private final SqlText source;
    private final Reading reading;
    private int next;

    SqlModeValue(StatementAnalyzer a, int start, int end) {
        this.text = a.text;
        this.source = a.source;
        this.reading = a.reading;
        if (start >= 0) {
            SqlLexer lx = new SqlLexer(text, start, end, reading);
            for (int t = lx.next(); t != SqlLexer.EOF; t = lx.next()) {
                tokens.add(new int[] {t, lx.start, lx.end});
            }
        }
    }

    /** The mode after the assignment, given the mode before it; null if the text does not tell. */
    SqlMode evaluate(SqlMode current) {
        next = 0;
        SqlMode result = expression(current);
        return next == tokens.size() ? result : null;
    }

    private SqlMode expression(SqlMode current) {
        if (next >= tokens.size()) {
            return null;
        }
        int[] token = tokens.get(next++);
        int type = token[0];
        String word = type == SqlLexer.WORD ? upper(text, token[1], token[2]) : "";
        if (type == SqlLexer.STRING || type == SqlLexer.QUOTED_ID) {
            // Under ANSI_QUOTES, "ANSI" is an identifier, which SET takes as the value's name.
            return SqlMode.parse(literal(token));
        }
        if (type == SqlLexer.SYS_VAR) {
            String name = text.substring(token[1] + 2, token[2]).toLowerCase(Locale.ROOT);
            return name.equals("sql_mode") || name.equals("session.sql_mode") || name.equals("local.sql_mode")
                    ? current : null;
        }
        if (type == SqlLexer.PUNCT && text.charAt(token[1]) == '(') {
            if (next < tokens.size() && tokens.get(next)[0] == SqlLexer.WORD
                    && StatementFacts.is(text, tokens.get(next)[1], tokens.get(next)[2], "SELECT")) {
                next++;
            }
            SqlMode inner = expression(current);
            return close() ? inner : null;
        }
        if (word.equals("CONCAT") && open()) {
            return concat(current);
        }
        if (word.equals("REPLACE") && open()) {
            return replace(current);
        }
        if (type == SqlLexer.WORD && !word.equals("DEFAULT") && (next == tokens.size() || !isPunct(next, '('))) {
            return SqlMode.parse(word);
        }
        return null;
    }

    /** CONCAT(mode, ',NAME', ...): the mode with more names. */
    private SqlMode concat(SqlMode current) {
        SqlMode base = expression(current);
        List<String> added = new ArrayList<>();
        while (base != null && next < tokens.size() && isPunct(next, ',')) {
            next++;
            if (next >= tokens.size() || tokens.get(next)[0] != SqlLexer.STRING) {
                return null;
            }
            added.add(literal(tokens.get(next++)));
        }
        return base != null && close() ? base.plus(added) : null;
    }

    /**
     * REPLACE(mode, 'NAME', ''): the mode without a name. Unknown when the text removed is not a whole name or is
     * part of another name the mode holds, since the engine replaces text, not names.
     */
    private SqlMode replace(SqlMode current) {
        SqlMode base = expression(current);
        if (base == null || next + 3 >= tokens.size() || !isPunct(next, ',') || tokens.get(next + 1)[0] != SqlLexer.STRING
                || !isPunct(next + 2, ',') || tokens.get(next + 3)[0] != SqlLexer.STRING) {
            return null;
        }
        String removed = literal(tokens.get(next + 1)).toUpperCase(Locale.ROOT);
        String replacement = literal(tokens.get(next + 3));
        next += 4;
        if (!close() || !replacement.isEmpty() || !removed.matches("[A-Z0-9_]+")) {
            return null;
        }
        for (String name : base.names()) {
            if (!name.equals(removed) && name.contains(removed)) {
                return null;
            }
        }
        return base.minus(removed);
    }

    private boolean open() {
        if (next < tokens.size() && isPunct(next, '(')) {
            next++;
            return true;
        }
        return false;
    }

    private boolean close() {
        if (next < tokens.size() && isPunct(next, ')')) {
            next++;
            return true;
        }
        return false;
    }

    private boolean isPunct(int index, char c) {
        int[] token = tokens.get(index);
        return token[0] == SqlLexer.PUNCT && token[2] - token[1] == 1 && text.charAt(token[1]) == c;
    }

    private String literal(int[] token) {
        return StatementAnalyzer.unquote(source.slice(token[1], token[2], reading.charset()));
    }
}
