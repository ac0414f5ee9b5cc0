package io.fluxdb.engine.mysql.apply;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Names the leader's account as DEFINER in statements that would otherwise take the applying connection's account:
 * {@code CREATE [OR REPLACE] [ALGORITHM = ...] [SQL SECURITY ...] VIEW}, {@code CREATE ... PROCEDURE}, stored {@code
 * FUNCTION}, {@code TRIGGER}, {@code EVENT} and {@code PACKAGE}, and {@code ALTER EVENT} (which makes the altering
 * account the definer). MySQL's binary log writes the DEFINER into such statements for the same reason. Statements that
 * name a DEFINER, loadable functions ({@code CREATE FUNCTION ... RETURNS ... SONAME}), {@code ALTER VIEW} (which keeps
 * the view's definer) and all other statements are returned unchanged.
 *
 * <p>Only the statement's head is read, with comments skipped and the content of executable comments ({@code /*!...}
 * and {@code /*M!...}) read as code, since the engine runs it. The clause is inserted after {@code CREATE [OR REPLACE]
 * [ALGORITHM = ...]}, where the grammar wants it; inside an executable comment when the head is in one.
 */
final class DefinerClause {

    private static final Set<String> CREATE_TARGETS = Set.of("VIEW", "PROCEDURE", "FUNCTION", "TRIGGER", "EVENT",
            "PACKAGE");
    private static final Pattern QUOTED_ACCOUNT = Pattern.compile(
            "('([^'\\\\]|''|\\\\.)*'|`([^`]|``)*`|\"([^\"\\\\]|\"\"|\\\\.)*\")@"
                    + "('([^'\\\\]|''|\\\\.)*'|`([^`]|``)*`|\"([^\"\\\\]|\"\"|\\\\.)*\")");

    private DefinerClause() {
    }

    /**
     * {@code sql} with {@code DEFINER = account} inserted when the statement needs it, else {@code sql} itself.
     *
     * @param account the leader's account as the engine writes it, {@code 'user'@'host'}; {@code user@host} (as
     *     {@code CURRENT_USER()} returns it) is quoted here
     */
    static String apply(String sql, String account) {
        requireNonNull(sql, "sql is null");
        requireNonNull(account, "account is null");
        int at = insertionPoint(sql);
        if (at < 0) {
            return sql;
        }
        String rest = sql.substring(at);
        boolean spaced = !rest.isEmpty() && Character.isWhitespace(rest.charAt(0));
        return sql.substring(0, at) + " DEFINER = " + quoted(account) + (spaced ? "" : " ") + rest;
    }

    /** Where the DEFINER clause goes, or -1 when the statement gets none. */
    static int insertionPoint(String sql) {
        List<Token> tokens = new Head(sql).tokens(16);
        if (tokens.isEmpty()) {
            return -1;
        }
        int i = 0;
        boolean create = tokens.get(0).is("CREATE");
        if (!create && !tokens.get(0).is("ALTER")) {
            return -1;
        }
        int insertAfter = tokens.get(i++).end;
        if (create && i + 1 < tokens.size() && tokens.get(i).is("OR") && tokens.get(i + 1).is("REPLACE")) {
            insertAfter = tokens.get(i + 1).end;
            i += 2;
        }
        if (i + 2 < tokens.size() && tokens.get(i).is("ALGORITHM") && tokens.get(i + 1).text.equals("=")) {
            insertAfter = tokens.get(i + 2).end;
            i += 3;
        }
        for (; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.is("DEFINER")) {
                return -1;
            }
            if (t.is("SQL") && i + 2 < tokens.size() && tokens.get(i + 1).is("SECURITY")) {
                i += 2; // SQL SECURITY {DEFINER | INVOKER}: the word DEFINER here names no account
                continue;
            }
            if (t.is("AGGREGATE")) {
                continue;
            }
            String word = t.text.toUpperCase(Locale.ROOT);
            if (!create) {
                return word.equals("EVENT") ? insertAfter : -1;
            }
            if (!CREATE_TARGETS.contains(word)) {
                return -1;
            }
            return word.equals("FUNCTION") && isLoadable(tokens, i + 1) ? -1 : insertAfter;
        }
        return -1;
    }

    // CREATE FUNCTION [IF NOT EXISTS] name RETURNS type SONAME 'lib': a loadable function has no definer. A stored
    // function has a parameter list right after its name.
    private static boolean isLoadable(List<Token> tokens, int i) {
        if (i + 2 < tokens.size() && tokens.get(i).is("IF") && tokens.get(i + 1).is("NOT")
                && tokens.get(i + 2).is("EXISTS")) {
            i += 3;
        }
        i++; // the name
        if (i + 1 < tokens.size() && tokens.get(i).text.equals(".")) {
            i += 2; // schema.name
        }
        return i < tokens.size() && tokens.get(i).is("RETURNS");
    }

    private static String quoted(String account) {
        if (QUOTED_ACCOUNT.matcher(account).matches()) {
            return account;
        }
        int at = account.lastIndexOf('@');
        if (at < 0) {
            throw new IllegalStateException("corrupt log entry: account '" + account
                    + "' (expected: 'user'@'host')");
        }
        // Back quotes: their content has no escapes, whatever the session's sql_mode.
        return Sql.identifier(account.substring(0, at)) + "@" + Sql.identifier(account.substring(at + 1));
    }

    /** A word, quoted name or punctuation character of the statement head, with where it ends in the text. */
    private record Token(String text, int end) {
        boolean is(String keyword) {
            return text.equalsIgnoreCase(keyword);
        }
    }

    /** Reads the first tokens of a statement the way the engine does: comments skipped, executable comments read. */
    private static final class Head {
        private final String sql;
        private int pos;
        private boolean inExecutableComment;

        Head(String sql) {
            this.sql = sql;
        }

        List<Token> tokens(int max) {
            List<Token> tokens = new ArrayList<>();
            while (tokens.size() < max) {
                skipSpaceAndComments();
                if (pos >= sql.length()) {
                    break;
                }
                tokens.add(next());
            }
            return tokens;
        }

        private Token next() {
            char c = sql.charAt(pos);
            int start = pos;
            if (c == '`' || c == '\'' || c == '"') {
                pos = closingQuote(c, pos + 1);
            } else if (Character.isLetterOrDigit(c) || c == '_' || c == '$') {
                while (pos < sql.length() && (Character.isLetterOrDigit(sql.charAt(pos)) || sql.charAt(pos) == '_'
                        || sql.charAt(pos) == '$')) {
                    pos++;
                }
            } else {
                pos++;
            }
            return new Token(sql.substring(start, pos), pos);
        }

        private int closingQuote(char quote, int from) {
            int i = from;
            while (i < sql.length()) {
                char c = sql.charAt(i);
                if (c == '\\' && quote != '`') {
                    i += 2;
                } else if (c == quote) {
                    if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                        i += 2;
                    } else {
                        return i + 1;
                    }
                } else {
                    i++;
                }
            }
            return sql.length();
        }

        private void skipSpaceAndComments() {
            while (pos < sql.length()) {
                char c = sql.charAt(pos);
                if (Character.isWhitespace(c)) {
                    pos++;
                } else if (inExecutableComment && sql.startsWith("*/", pos)) {
                    inExecutableComment = false;
                    pos += 2;
                } else if (sql.startsWith("/*!", pos) || sql.startsWith("/*M!", pos)) {
                    pos += sql.charAt(pos + 2) == 'M' ? 4 : 3;
                    while (pos < sql.length() && Character.isDigit(sql.charAt(pos))) {
                        pos++; // the version the comment needs
                    }
                    inExecutableComment = true;
                } else if (sql.startsWith("/*", pos)) {
                    int close = sql.indexOf("*/", pos + 2);
                    pos = close < 0 ? sql.length() : close + 2;
                } else if (c == '#' || (sql.startsWith("--", pos)
                        && (pos + 2 >= sql.length() || Character.isWhitespace(sql.charAt(pos + 2))))) {
                    int eol = sql.indexOf('\n', pos);
                    pos = eol < 0 ? sql.length() : eol + 1;
                } else {
                    return;
                }
            }
        }
    }
}
