package io.fluxdb.engine.mysql.sql;

/**
 * A streaming tokenizer for MySQL/MariaDB statement text. It keeps only the current token's type and bounds, so
 * classifying a multi-megabyte INSERT allocates nothing per token.
 *
 * <p>Comments are skipped, except executable comments ({@code /*!50003 ... *}{@code /}, {@code /*M! ... *}{@code /}),
 * whose content the server runs and so is lexed as SQL. Unterminated strings and comments end at the end of the
 * text; no input makes the lexer throw.
 *
 * @see <a href="https://dev.mysql.com/doc/refman/8.4/en/comments.html">MySQL: Comments</a>
 * @see <a href="https://mariadb.com/kb/en/comment-syntax/">MariaDB: Comment Syntax</a>
 */
final class SqlLexer {

    static final int EOF = 0;
    /** A keyword or unquoted identifier. */
    static final int WORD = 1;
    /** A backtick-quoted identifier. */
    static final int QUOTED_ID = 2;
    /** A single- or double-quoted string. */
    static final int STRING = 3;
    static final int NUMBER = 4;
    /** {@code @name}, {@code @'name'}, {@code @`name`}. */
    static final int USER_VAR = 5;
    /** {@code @@name}, {@code @@session.name}. */
    static final int SYS_VAR = 6;
    /** The host part of an account, {@code @'host'} written right after the user name. */
    static final int HOST = 7;
    /** One punctuation character, or an operator of two or three characters. */
    static final int PUNCT = 8;

    private final String text;
    private final int limit;
    private final Versions versions;
    private int pos;
    private boolean inExecutableComment;

    int type;
    int start;
    int end;

    /** Which executable comments the target server runs. */
    record Versions(long serverVersion, boolean mariaDb) {
        /** Runs every executable comment: the safe reading when the server is not known. */
        static final Versions ALL = new Versions(Long.MAX_VALUE, true);
    }

    SqlLexer(String text, int from, int to, Versions versions) {
        this.text = text;
        this.pos = from;
        this.limit = to;
        this.versions = versions;
    }

    String text() {
        return text;
    }

    /** Position and comment state before the next token, for {@link #reset}. */
    long mark() {
        return ((long) pos << 1) | (inExecutableComment ? 1 : 0);
    }

    void reset(long mark) {
        pos = (int) (mark >>> 1);
        inExecutableComment = (mark & 1) != 0;
    }

    /** Advances to the next token and returns its type ({@link #EOF} at the end). */
    int next() {
        skipSpaceAndComments();
        start = pos;
        if (pos >= limit) {
            end = limit;
            return type = EOF;
        }
        char c = text.charAt(pos);
        if (c == '\'' || c == '"') {
            pos = skipQuoted(pos, c, true);
            return finish(STRING);
        }
        if (c == '`') {
            pos = skipQuoted(pos, '`', false);
            return finish(QUOTED_ID);
        }
        if (c == '@') {
            return variable();
        }
        if (isWordChar(c)) {
            boolean digitsOnly = true;
            while (pos < limit && isWordChar(text.charAt(pos))) {
                digitsOnly &= Character.isDigit(text.charAt(pos));
                pos++;
            }
            if (digitsOnly) {
                // Decimal fraction and exponent belong to the number, so "1.5" is not "1" "." "5".
                while (pos < limit && (isWordChar(text.charAt(pos)) || text.charAt(pos) == '.')) {
                    pos++;
                }
                return finish(NUMBER);
            }
            return finish(WORD);
        }
        pos++;
        if (pos < limit) {
            char d = text.charAt(pos);
            boolean pair = switch (c) {
                case ':', '!' -> d == '=';
                case '<' -> d == '=' || d == '>';
                case '>' -> d == '=';
                case '|' -> d == '|';
                case '&' -> d == '&';
                case '-' -> d == '>';
                default -> false;
            };
            if (pair) {
                pos++;
                if (pos < limit && ((c == '<' && d == '=' && text.charAt(pos) == '>')
                        || (c == '-' && text.charAt(pos) == '>'))) {
                    pos++;
                }
            }
        }
        return finish(PUNCT);
    }

    private int finish(int tokenType) {
        end = pos;
        return type = tokenType;
    }

    private int variable() {
        int at = pos;
        pos++;
        if (pos < limit && text.charAt(pos) == '@') {
            pos++;
            while (pos < limit && (isWordChar(text.charAt(pos)) || text.charAt(pos) == '.')) {
                pos++;
            }
            return finish(SYS_VAR);
        }
        // 'user'@'host', `user`@`host`, user@host: the @ is glued to the user name.
        boolean host = at > 0 && isAccountEnd(text.charAt(at - 1));
        if (pos < limit) {
            char c = text.charAt(pos);
            if (c == '\'' || c == '"' || c == '`') {
                pos = skipQuoted(pos, c, c != '`');
            } else {
                while (pos < limit && (isWordChar(text.charAt(pos)) || text.charAt(pos) == '.'
                        || (host && (text.charAt(pos) == '%' || text.charAt(pos) == '-')))) {
                    pos++;
                }
            }
        }
        if (pos == at + 1 && !host) {
            return finish(PUNCT);
        }
        return finish(host ? HOST : USER_VAR);
    }

    private static boolean isAccountEnd(char c) {
        return c == '\'' || c == '"' || c == '`' || isWordChar(c);
    }

    static boolean isWordChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$'
                || c >= 0x80;
    }

    /** Returns the position after the closing quote; doubled quotes and (in strings) backslashes escape. */
    private int skipQuoted(int from, char quote, boolean backslash) {
        int i = from + 1;
        while (i < limit) {
            char c = text.charAt(i);
            if (backslash && c == '\\') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < limit && text.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return limit;
    }

    private void skipSpaceAndComments() {
        while (pos < limit) {
            char c = text.charAt(pos);
            if (c <= ' ' || Character.isWhitespace(c)) {
                pos++;
            } else if (c == '#') {
                skipLine();
            } else if (c == '-' && startsLineComment()) {
                skipLine();
            } else if (c == '/' && pos + 1 < limit && text.charAt(pos + 1) == '*') {
                blockComment();
            } else if (c == '*' && inExecutableComment && pos + 1 < limit && text.charAt(pos + 1) == '/') {
                inExecutableComment = false;
                pos += 2;
            } else {
                return;
            }
        }
    }

    // "--" starts a comment only when followed by whitespace or a control character, so "1--1" is arithmetic.
    private boolean startsLineComment() {
        if (pos + 1 >= limit || text.charAt(pos + 1) != '-') {
            return false;
        }
        return pos + 2 >= limit || text.charAt(pos + 2) <= ' ';
    }

    private void skipLine() {
        while (pos < limit && text.charAt(pos) != '\n') {
            pos++;
        }
    }

    private void blockComment() {
        int i = pos + 2;
        boolean mariaOnly = i + 1 < limit && text.charAt(i) == 'M' && text.charAt(i + 1) == '!';
        if (!inExecutableComment && (mariaOnly || (i < limit && text.charAt(i) == '!'))) {
            i += mariaOnly ? 2 : 1;
            int digits = 0;
            long version = 0;
            while (i < limit && digits < 6 && Character.isDigit(text.charAt(i))) {
                version = version * 10 + (text.charAt(i) - '0');
                i++;
                digits++;
            }
            boolean runs = (!mariaOnly || versions.mariaDb()) && (digits == 0 || version <= versions.serverVersion());
            if (runs) {
                pos = i;
                inExecutableComment = true;
                return;
            }
        }
        // An ordinary comment, an optimizer hint /*+ ... */, or an executable comment this server skips.
        int close = text.indexOf("*/", pos + 2);
        pos = close < 0 || close + 2 > limit ? limit : close + 2;
    }
}
