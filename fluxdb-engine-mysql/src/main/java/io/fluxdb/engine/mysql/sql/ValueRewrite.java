package io.fluxdb.engine.mysql.sql;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.util.Objects.requireNonNull;

import io.fluxdb.engine.spi.ParseContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Puts values the operator knows into the text of a single {@code SELECT}, {@code SET} or {@code DO} statement, in
 * place of calls without arguments ({@code ROW_COUNT()}) and system variables ({@code @@warning_count}) that {@link
 * Values} chooses. A {@code SELECT} item that had no alias gets its own text as one, since MariaDB names a column after
 * the item's text, so the client sees the column it would see without the rewrite. Text is read as the engine reads
 * it: strings, comments and quoted names are left alone.
 */
public final class ValueRewrite {
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

    private ValueRewrite() {
    }

    /** What replaces what; each method returns the replacement text, or empty to leave the text as it is. */
    public interface Values {
        /**
         * A call without arguments, such as {@code ROW_COUNT()}.
         *
         * @param name the function's name, upper case
         * @param text the call as written
         */
        default Optional<String> call(String name, String text) {
            return Optional.empty();
        }

        /**
         * A system variable.
         *
         * @param name its name, lower case, without {@code @@} and without a {@code session.} or {@code local.} scope
         *     (a {@code global.} one is never offered)
         * @param text the variable as written
         */
        default Optional<String> variable(String name, String text) {
            return Optional.empty();
        }
    }

    /**
     * The rewritten statement.
     *
     * @param statement the statement's text, in the same encoding as the text given
     * @param namesNoTable whether the statement reads from no table ({@code FROM} appears nowhere in it)
     */
    public record Rewritten(byte[] statement, boolean namesNoTable) {
    }

    /**
     * Rewrites {@code text} (the statement's bytes, in the session's character set). Empty when {@code values} replaced
     * nothing or the text is not a single SELECT, SET or DO statement.
     */
    public static Optional<Rewritten> rewrite(byte[] text, ParseContext context, Values values) {
        requireNonNull(text, "text is null");
        requireNonNull(context, "context is null");
        requireNonNull(values, "values is null");
        // Latin-1 maps each byte to one char: offsets in the string are offsets in the bytes.
        String sql = new String(text, ISO_8859_1);
        Reading reading = Reading.of(SqlMode.parse(context.sqlMode()), context.characterSet(), true,
                Reading.Versions.ALL);
        List<SqlToken> tokens = SqlToken.ofOneStatement(sql, reading);
        if (tokens == null || tokens.isEmpty() || tokens.getFirst().type() != SqlLexer.WORD) {
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

    private static List<Replacement> replacements(String sql, List<SqlToken> tokens, Values values) {
        List<Replacement> result = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            SqlToken t = tokens.get(i);
            boolean qualified = i > 0 && tokens.get(i - 1).isPunct(sql, '.');
            if (t.type() == SqlLexer.WORD && !qualified && i + 2 < tokens.size()
                    && tokens.get(i + 1).isPunct(sql, '(') && tokens.get(i + 2).isPunct(sql, ')')) {
                int end = tokens.get(i + 2).end();
                Optional<String> value = values.call(t.text(sql).toUpperCase(Locale.ROOT),
                        sql.substring(t.start(), end));
                if (value.isPresent()) {
                    result.add(new Replacement(t.start(), end, value.get()));
                    i += 2;
                }
            } else if (t.type() == SqlLexer.SYS_VAR) {
                int end = t.end();
                String name = t.text(sql).substring(2).toLowerCase(Locale.ROOT);
                boolean scoped = name.equals("session") || name.equals("local") || name.equals("global");
                if (scoped && i + 2 < tokens.size() && tokens.get(i + 1).isPunct(sql, '.')
                        && tokens.get(i + 2).type() == SqlLexer.WORD) {
                    // @@session . name, written with spaces: the lexer gives three tokens
                    end = tokens.get(i + 2).end();
                    name = name + "." + tokens.get(i + 2).text(sql).toLowerCase(Locale.ROOT);
                    i += 2;
                }
                int dot = name.indexOf('.');
                String scope = dot < 0 ? "session" : name.substring(0, dot);
                if (scope.equals("session") || scope.equals("local")) {
                    int start = t.start();
                    int stop = end;
                    values.variable(name.substring(dot + 1), sql.substring(start, stop))
                            .ifPresent(value -> result.add(new Replacement(start, stop, value)));
                }
            }
        }
        return result;
    }

    /**
     * Gives each item of the SELECT list that holds a replacement and has no alias its own text as one, so that its
     * column keeps the name MariaDB gives it.
     */
    private static void aliases(String sql, List<SqlToken> tokens, List<Replacement> replacements) {
        int i = 1;
        while (i < tokens.size() && tokens.get(i).type() == SqlLexer.WORD
                && SELECT_OPTIONS.contains(tokens.get(i).text(sql).toUpperCase(Locale.ROOT))) {
            i++;
        }
        int depth = 0;
        int itemStart = i;
        for (; i <= tokens.size(); i++) {
            SqlToken t = i < tokens.size() ? tokens.get(i) : null;
            boolean listEnds = t == null || depth == 0 && t.type() == SqlLexer.WORD
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

    private static void alias(String sql, List<SqlToken> item, List<Replacement> replacements) {
        if (item.isEmpty()) {
            return;
        }
        int start = item.getFirst().start();
        int end = item.getLast().end();
        boolean replaced = replacements.stream().anyMatch(r -> r.start >= start && r.end <= end);
        String text = sql.substring(start, end);
        if (!replaced || hasAlias(sql, item) || text.length() > MAX_ALIAS || !text.chars().allMatch(c -> c < 0x80)) {
            return;
        }
        replacements.add(new Replacement(end, end, " AS `" + text.replace("`", "``") + "`"));
    }

    private static boolean hasAlias(String sql, List<SqlToken> item) {
        if (item.size() < 2) {
            return false;
        }
        SqlToken last = item.getLast();
        SqlToken before = item.get(item.size() - 2);
        if (before.isWord(sql, "AS")) {
            return true;
        }
        boolean nameLike = last.type() == SqlLexer.QUOTED_ID || last.type() == SqlLexer.STRING
                || last.type() == SqlLexer.WORD && !OPERATOR_WORDS.contains(last.text(sql).toUpperCase(Locale.ROOT));
        return nameLike && endsOperand(sql, before);
    }

    private static boolean endsOperand(String sql, SqlToken t) {
        return switch (t.type()) {
            case SqlLexer.NUMBER, SqlLexer.STRING, SqlLexer.QUOTED_ID, SqlLexer.USER_VAR, SqlLexer.SYS_VAR -> true;
            case SqlLexer.WORD -> !OPERATOR_WORDS.contains(t.text(sql).toUpperCase(Locale.ROOT));
            case SqlLexer.PUNCT -> t.isPunct(sql, ')');
            default -> false;
        };
    }

    /** Text that replaces {@code [start, end)}; an insertion when both are equal. */
    private record Replacement(int start, int end, String text) {
    }
}
