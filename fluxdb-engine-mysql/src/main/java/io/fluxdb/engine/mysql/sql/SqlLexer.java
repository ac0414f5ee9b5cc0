package io.fluxdb.engine.mysql.sql;

/**
 * A streaming tokenizer for MySQL/MariaDB statement text. It keeps only the current token's type and bounds, so
 * classifying a multi-megabyte INSERT allocates nothing per token.
 *
 * <p>It reads text the way the engine's lexer does under the statement's {@link Reading}: backslash escapes unless
 * {@code NO_BACKSLASH_ESCAPES}, {@code "..."} as an identifier under {@code ANSI_QUOTES}, {@code [...]} as one under
 * {@code MSSQL}, and, for text given as bytes, multi-byte characters taken whole wherever the engine takes them whole
 * (strings, quoted and unquoted identifiers), so the second byte of a gbk character is never an escape or a quote.
 *
 * <p>Comments are skipped, except executable comments ({@code /*!50003 ... *}{@code /}, {@code /*M! ... *}{@code /})
 * that the server runs, whose content is lexed as SQL. A versioned comment the server skips may hold one nested
 * {@code /* ... *}{@code /}, as the engine allows. Unterminated strings and comments end at the end of the text; no
 * input makes the lexer throw.
 *
 * @see <a href="https://dev.mysql.com/doc/refman/8.4/en/comments.html">MySQL: Comments</a>
 * @see <a href="https://mariadb.com/kb/en/comment-syntax/">MariaDB: Comment Syntax</a>
 * @see <a href="https://github.com/MariaDB/server/blob/main/sql/sql_lex.cc">MariaDB: sql_lex.cc</a>
 */
final class SqlLexer {

    static final int EOF = 0;
    /** A keyword or unquoted identifier. */
    static final int WORD = 1;
    /** A quoted identifier: backticks, double quotes under ANSI_QUOTES, brackets under MSSQL. */
    static final int QUOTED_ID = 2;
    /** A single-quoted string, or a double-quoted one without ANSI_QUOTES. */
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

    /** Digits of a version in an executable comment: 5, or 6 when a sixth digit follows (MariaDB 10.0 and later). */
    private static final int VERSION_DIGITS = 5;

    private final String text;
    private final int limit;
    private final Reading.Versions versions;
    private final MultiByte multiByte;
    private final boolean backslashEscapes;
    private final boolean ansiQuotes;
    private final boolean brackets;
    private int pos;
    private boolean inExecutableComment;

    int type;
    int start;
    int end;

    SqlLexer(String text, int from, int to, Reading reading) {
        this.text = text;
        this.pos = from;
        this.limit = to;
        this.versions = reading.versions();
        this.multiByte = reading.multiByte();
        this.backslashEscapes = !reading.mode().noBackslashEscapes();
        this.ansiQuotes = reading.mode().ansiQuotes();
        this.brackets = reading.mode().bracketIdentifiers();
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
        if (c == '\'' || (c == '"' && !ansiQuotes)) {
            pos = skipQuoted(pos, c, backslashEscapes);
            return finish(STRING);
        }
        if (c == '`' || c == '"') {
            pos = skipQuoted(pos, c, false);
            return finish(QUOTED_ID);
        }
        if (c == '[' && brackets) {
            pos = skipQuoted(pos, ']', false);
            return finish(QUOTED_ID);
        }
        if (c == '@') {
            return variable();
        }
        if (isWordChar(c)) {
            boolean digitsOnly = true;
            while (pos < limit && isWordChar(text.charAt(pos))) {
                digitsOnly &= isDigit(text.charAt(pos));
                pos += multiByte.length(text, pos, limit);
            }
            if (digitsOnly) {
                // Decimal fraction and exponent belong to the number, so "1.5" is not "1" "." "5".
                while (pos < limit && (isWordChar(text.charAt(pos)) || text.charAt(pos) == '.')) {
                    pos += multiByte.length(text, pos, limit);
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
                pos += multiByte.length(text, pos, limit);
            }
            return finish(SYS_VAR);
        }
        // 'user'@'host', `user`@`host`, user@host: the @ is glued to the user name.
        boolean host = at > 0 && isAccountEnd(text.charAt(at - 1));
        if (pos < limit) {
            char c = text.charAt(pos);
            if (c == '\'' || c == '"') {
                pos = skipQuoted(pos, c, backslashEscapes && !(c == '"' && ansiQuotes));
            } else if (c == '`') {
                pos = skipQuoted(pos, c, false);
            } else {
                while (pos < limit && (isWordChar(text.charAt(pos)) || text.charAt(pos) == '.'
                        || (host && (text.charAt(pos) == '%' || text.charAt(pos) == '-')))) {
                    pos += multiByte.length(text, pos, limit);
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
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c) || c == '_' || c == '$' || c >= 0x80;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /**
     * Returns the position after the closing quote. A doubled quote stands for itself; in strings (not identifiers)
     * a backslash escapes the byte after it, unless NO_BACKSLASH_ESCAPES. A multi-byte character is skipped whole,
     * so a quote or backslash as its second byte is part of it.
     */
    private int skipQuoted(int from, char quote, boolean backslash) {
        int i = from + 1;
        while (i < limit) {
            int length = multiByte.length(text, i, limit);
            if (length > 1) {
                i += length;
                continue;
            }
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
            if (c <= ' ') {
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
        return pos + 2 >= limit || text.charAt(pos + 2) <= ' ' || text.charAt(pos + 2) == 0x7F;
    }

    private void skipLine() {
        while (pos < limit && text.charAt(pos) != '\n') {
            pos++;
        }
    }

    /**
     * A comment starting at {@code pos}. {@code /*!} and {@code /*M!} followed by five or six digits are versioned;
     * followed by anything else, they run on every server that knows the marker.
     */
    private void blockComment() {
        int i = pos + 2;
        boolean mariaOnly = i + 1 < limit && text.charAt(i) == 'M' && text.charAt(i + 1) == '!';
        if (!inExecutableComment && (mariaOnly || (i < limit && text.charAt(i) == '!'))) {
            i += mariaOnly ? 2 : 1;
            int digits = 0;
            while (digits <= VERSION_DIGITS && i + digits < limit && isDigit(text.charAt(i + digits))) {
                digits++;
            }
            boolean versioned = digits >= VERSION_DIGITS;
            long version = versioned ? Long.parseLong(text.substring(i, i + digits)) : -1;
            boolean known = !mariaOnly || versions.mariaDb();
            if (known && (!versioned || versions.runs(version, mariaOnly))) {
                pos = versioned ? i + digits : i;
                inExecutableComment = true;
                return;
            }
            if (known) {
                pos = skipVersionedComment(i);
                return;
            }
        }
        // An ordinary comment or an optimizer hint /*+ ... */: no nesting, the first */ ends it.
        int close = text.indexOf("*/", pos + 2);
        pos = close < 0 || close + 2 > limit ? limit : close + 2;
    }

    /** Skips an executable comment the server does not run; it may hold one level of nested comment. */
    private int skipVersionedComment(int from) {
        int i = from;
        while (i + 1 < limit) {
            char c = text.charAt(i);
            if (c == '/' && text.charAt(i + 1) == '*') {
                int close = text.indexOf("*/", i + 2);
                if (close < 0 || close + 2 > limit) {
                    return limit;
                }
                i = close + 2;
            } else if (c == '*' && text.charAt(i + 1) == '/') {
                return i + 2;
            } else {
                i++;
            }
        }
        return limit;
    }
}
