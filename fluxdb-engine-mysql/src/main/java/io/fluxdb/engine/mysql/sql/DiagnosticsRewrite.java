package io.fluxdb.engine.mysql.sql;

import java.util.Optional;
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
 * length 21, the same flags): {@link ValueRewrite#rewrite} with a {@link Diagnostics} as its values, which says which
 * statements are rewritten and how columns keep their names.
 */
public final class DiagnosticsRewrite {
    private static final Pattern MENTIONS = Pattern.compile("(?i)row_count|warning_count|error_count");

    private DiagnosticsRewrite() {
    }

    /**
     * What a client's statement left for the next one to read.
     *
     * @param rowCount what {@code ROW_COUNT()} returns: the affected rows of an OK, -1 after an error
     * @param warningCount {@code @@warning_count}, or -1 when the engine's own value is still right
     * @param errorCount {@code @@error_count}, or -1 when the engine's own value is still right
     */
    public record Diagnostics(long rowCount, int warningCount, int errorCount) implements ValueRewrite.Values {

        /**
         * What a statement that reads these and names no table leaves for the next one: the warnings stay, and
         * {@code ROW_COUNT()} becomes -1 after a SELECT, 0 after a SET or DO, as in MariaDB.
         */
        public Diagnostics afterReading(boolean select) {
            return new Diagnostics(select ? -1 : 0, warningCount, errorCount);
        }

        @Override
        public Optional<String> call(String name, String text) {
            return name.equals("ROW_COUNT") ? Optional.of("IF(FALSE, " + text + ", " + rowCount + ")")
                    : Optional.empty();
        }

        @Override
        public Optional<String> variable(String name, String text) {
            int value = switch (name) {
                case "warning_count" -> warningCount;
                case "error_count" -> errorCount;
                default -> -1;
            };
            return value < 0 ? Optional.empty() : Optional.of("IF(FALSE, " + text + ", CAST(" + value + " AS UNSIGNED))");
        }
    }

    /** Whether {@code text} may read the diagnostics at all: a cheap test before classifying and rewriting. */
    public static boolean mayRead(String text) {
        return MENTIONS.matcher(text).find();
    }
}
