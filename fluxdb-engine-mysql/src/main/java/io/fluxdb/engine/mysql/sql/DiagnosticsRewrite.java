package io.fluxdb.engine.mysql.sql;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.util.Objects.requireNonNull;

import io.fluxdb.engine.spi.ParseContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Puts what the client's previous statement left ({@code ROW_COUNT()}, {@code @@warning_count}, {@code
 * @@error_count}) into the text of a statement that reads it, when the engine can no longer tell: in a cluster the
 * operator runs statements of its own on the client's connection after a write ({@code XA END}, {@code XA PREPARE},
 * {@code XA COMMIT}, the row-write count inside a transaction, releasing the pinned clock), and each of them resets
 * the engine's count. MariaDB answers these from the previous statement only, so the values the operator saw in that
 * statement's OK packet are the right ones.
 *
 * <p>Each call becomes {@code IF(FALSE, <the call>, <value>)}, which the engine types exactly as the call (BIGINT,
 * length 21, the same flags), and a {@code SELECT} item that had no alias gets its own text as one, since MariaDB
 * names a column after the item's text. Only a single {@code SELECT}, {@code SET} or {@code DO} statement is
 * rewritten; text is read as the engine reads it (strings, comments, quoted names are left alone).
 */
public final class DiagnosticsRewrite {
    private static final Pattern MENTIONS = Pattern.compile("(?i)row_count|warning_count|error_count");
    private static final Pattern WARNING_COUNT = Pattern.compile(
            "(?i)@@(?:(?:session|local)\\s*\\.\\s*)?`?warning_count`?");
    private static final Pattern ERROR_COUNT = Pattern.compile("(?i)@@(?:(?:session|local)\\s*\\.\\s*)?`?error_count`?");
    /** Words that end a SELECT's item list. */
    private static final Set<String> LIST_END = Set.of("FROM", "INTO", "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT",
            "UNION", "EXCEPT", "INTERSECT", "FOR", "LOCK", "WINDOW", "PROCEDURE");
    /** Words that may follow SELECT before its first item. */
    private static final Set<String> SELECT_OPTIONS = Set.of("ALL", "DISTINCT", "DISTINCTROW", "HIGH_PRIORITY",
            "STRAIGHT_JOIN", "SQL_SMALL_RESULT", "SQL_BIG_RESULT", "SQL_BUFFER_RESULT", "SQL_CACHE", "SQL_NO_CACHE",
            "SQL_CALC_FOUND_ROWS");
    /** Words that cannot end an operand, so a word after them is not an alias. */
    private static final Set<String> OPERATOR_WORDS = Set.of("AND", "OR", "XOR", "NOT", "IS", "NULL", "LIKE", "IN",
            "BETWEEN", "REGEXP", "RLIKE", "DIV", "MOD", "CASE", "WHEN", "THEN", "ELSE", "END", "BINARY", "COLLATE",
            "INTERVAL", "ESCAPE", "SOUNDS", "TRUE", "FALSE", "UNKNOWN", "AS");
    /** MariaDB's limit for a column alias, with room to spare. */
    private static final int MAX_ALIAS = 250;

    private DiagnosticsRewrite() {
    }

    /**
     * What a client's statement left for the next one to read.
     *
     * @param rowCount what {@code ROW_COUNT()} returns: the affected rows of an OK, -1 after an error
     * @param warningCount {@code @@warning_count}, or -1 when the engine's own value is still right
     * @param errorCount {@code @@error_count}, or -1 when the engine's own value is still right
     */
    public record Diagnostics(long rowCount, int warningCount, int errorCount) {

        /** What the next statement leaves when it reads these and names no table: warnings stay, the count is -1. */
        public Diagnostics afterRead() {
            return new Diagnostics(-1, warningCount, errorCount);
        }
    }

    /**
     * The rewritten statement.
     *
     * @param statement the statement's text, in the same encoding as the text given
     * @param namesNoTable whether the statement reads from no table, so that the engine keeps the previous
     *     statement's warnings through it
     */
    public record Rewritten(byte[] statement, boolean namesNoTable) {
    }

    /** Whether {@code text} may read the diagnostics at all: a cheap test before classifying and rewriting. */
    public static boolean mayRead(String text) {
        return MENTIONS.matcher(text).find();
    }

    /**
     * Rewrites {@code text} (the statement's bytes, in the session's character set) so that it reads {@code values}.
     * Empty when the text reads none of them or is not a single SELECT, SET or DO statement.
     */
    public static Optional<Rewritten> rewrite(byte[] text, ParseContext context, Diagnostics values) {
        requireNonNull(text, "text is null");
        requireNonNull(context, "context is null");
        requireNonNull(values, "values is null");
        // Latin-1 maps each byte to one char: offsets in the string are offsets in the bytes.
        String sql = new String(text, ISO_8859_1);
        if (!mayRead(sql)) {
            return Optional.empty();
        }
        Reading reading = Reading.of(SqlMode.parse(context.sqlMode()), context.characterSet(), true,
                Reading.Versions.ALL);
        List<Token> tokens = tokens(sql, reading);
        if (tokens == null || tokens.isEmpty() || tokens.getFirst().type != SqlLexer.WORD) {
            return Optional.empty();
        }
        String first = tokens.getFirst().text(sql).toUpperCase(Locale.ROOT);
        if (!first.equals("SELECT") && !first.equals("SET") && !first.equals("DO")) {
            return Optional.empty();
        }
        List<Replacement> replacements = replacements(sql, tokens, values);
        if (replacements.isEmpty()) {
            return Optional.empty();
        }
        boolean namesNoTable = tokens.stream().noneMatch(t -> t.isWord(sql, "FROM"));
        if (first.equals("SELECT")) {
            aliases(sql, tokens, replacements);
        }
        StringBuilder out = new StringBuilder(sql.length() + 64 * replacements.size());
        int last = 0;
        replacements.sort((a, b) -> a.start != b.start ? Integer.compare(a.start, b.start)
                : Boolean.compare(a.end > a.start, b.end > b.start));
        for (Replacement r : replacements) {
            out.append(sql, last, r.start).append(r.text);
            last = r.end;
        }
        out.append(sql, last, sql.length());
        return Optional.of(new Rewritten(out.toString().getBytes(ISO_8859_1), namesNoTable));
    }

    /** The statement's tokens; null when it holds more than one statement. */
    private static List<Token> tokens(String sql, Reading reading) {
        List<Token> tokens = new ArrayList<>();
        SqlLexer lx = new SqlLexer(sql, 0, sql.length(), reading);
        boolean ended = false;
        for (int t = lx.next(); t != SqlLexer.EOF; t = lx.next()) {
            if (t == SqlLexer.PUNCT && sql.charAt(lx.start) == ';') {
                ended = true;
                continue;
            }
            if (ended) {
                return null;
            }
            tokens.add(new Token(t, lx.start, lx.end));
        }
        return tokens;
    }

    private static List<Replacement> replacements(String sql, List<Token> tokens, Diagnostics values) {
        List<Replacement> result = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            boolean qualified = i > 0 && tokens.get(i - 1).isPunct(sql, '.');
            if (t.isWord(sql, "ROW_COUNT") && !qualified && i + 2 < tokens.size()
                    && tokens.get(i + 1).isPunct(sql, '(') && tokens.get(i + 2).isPunct(sql, ')')) {
                int end = tokens.get(i + 2).end;
                result.add(new Replacement(t.start, end,
                        "IF(FALSE, " + sql.substring(t.start, end) + ", " + values.rowCount() + ")"));
                i += 2;
            } else if (t.type == SqlLexer.SYS_VAR) {
                String name = t.text(sql);
                int value = WARNING_COUNT.matcher(name).matches() ? values.warningCount()
                        : ERROR_COUNT.matcher(name).matches() ? values.errorCount() : -1;
                if (value >= 0) {
                    result.add(new Replacement(t.start, t.end,
                            "IF(FALSE, " + name + ", CAST(" + value + " AS UNSIGNED))"));
                }
            }
        }
        return result;
    }

    /**
     * Gives each item of the SELECT list that holds a replacement and has no alias its own text as one, so that its
     * column keeps the name MariaDB gives it.
     */
    private static void aliases(String sql, List<Token> tokens, List<Replacement> replacements) {
        int i = 1;
        while (i < tokens.size() && tokens.get(i).type == SqlLexer.WORD
                && SELECT_OPTIONS.contains(tokens.get(i).text(sql).toUpperCase(Locale.ROOT))) {
            i++;
        }
        int depth = 0;
        int itemStart = i;
        for (; i <= tokens.size(); i++) {
            Token t = i < tokens.size() ? tokens.get(i) : null;
            boolean listEnds = t == null || depth == 0 && t.type == SqlLexer.WORD
                    && LIST_END.contains(t.text(sql).toUpperCase(Locale.ROOT));
            if (listEnds || depth == 0 && t.isPunct(sql, ',')) {
                alias(sql, tokens.subList(itemStart, i), replacements);
                itemStart = i + 1;
                if (listEnds) {
                    return;
                }
            } else if (t.isPunct(sql, '(')) {
                depth++;
            } else if (t.isPunct(sql, ')')) {
                depth--;
            }
        }
    }

    private static void alias(String sql, List<Token> item, List<Replacement> replacements) {
        if (item.isEmpty()) {
            return;
        }
        int start = item.getFirst().start;
        int end = item.getLast().end;
        boolean replaced = replacements.stream().anyMatch(r -> r.start >= start && r.end <= end);
        String text = sql.substring(start, end);
        if (!replaced || hasAlias(sql, item) || text.length() > MAX_ALIAS || !text.chars().allMatch(c -> c < 0x80)) {
            return;
        }
        replacements.add(new Replacement(end, end, " AS `" + text.replace("`", "``") + "`"));
    }

    private static boolean hasAlias(String sql, List<Token> item) {
        if (item.size() < 2) {
            return false;
        }
        Token last = item.getLast();
        Token before = item.get(item.size() - 2);
        if (before.isWord(sql, "AS")) {
            return true;
        }
        boolean nameLike = last.type == SqlLexer.QUOTED_ID || last.type == SqlLexer.STRING
                || last.type == SqlLexer.WORD && !OPERATOR_WORDS.contains(last.text(sql).toUpperCase(Locale.ROOT));
        return nameLike && endsOperand(sql, before);
    }

    private static boolean endsOperand(String sql, Token t) {
        return switch (t.type) {
            case SqlLexer.NUMBER, SqlLexer.STRING, SqlLexer.QUOTED_ID, SqlLexer.USER_VAR, SqlLexer.SYS_VAR -> true;
            case SqlLexer.WORD -> !OPERATOR_WORDS.contains(t.text(sql).toUpperCase(Locale.ROOT));
            case SqlLexer.PUNCT -> t.isPunct(sql, ')');
            default -> false;
        };
    }

    private record Token(int type, int start, int end) {
        String text(String sql) {
            return sql.substring(start, end);
        }

        boolean isWord(String sql, String word) {
            return type == SqlLexer.WORD && end - start == word.length() && sql.regionMatches(true, start, word, 0,
                    word.length());
        }

        boolean isPunct(String sql, char c) {
            return type == SqlLexer.PUNCT && end - start == 1 && sql.charAt(start) == c;
        }
    }

    /** Text that replaces {@code [start, end)}; an insertion when both are equal. */
    private record Replacement(int start, int end, String text) {
    }
}
