package io.fluxdb.engine.mysql.frontend;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The advisory locks a session may hold, as far as the texts of its statements that succeeded tell: what keeps a
 * follower's session on the leader, where the locks live, and what the leader watches for the end of its term.
 *
 * <p>The tally never says "none" while the engine may hold one. A {@code GET_LOCK} counts as taken whatever it
 * answered (the answer is not read); one whose name is not a plain quoted literal (a parameter, an expression) counts
 * until {@code RELEASE_ALL_LOCKS()}. A {@code RELEASE_LOCK} of a literal name takes one off that name's count, as the
 * engine does (a lock taken twice is released twice). Within one statement text, releases count before takings, since
 * the text does not say in which order, or whether, they run: {@code SELECT IF(GET_LOCK('a', 0), 1, RELEASE_LOCK('a'))}
 * leaves 'a' counted. Names are compared without case, which can only keep a lock counted longer.
 */
final class AdvisoryLockTally {
    /** A call of one of the functions, also with comments between the name and its parenthesis, as the server reads it. */
    private static final Pattern CALL = Pattern.compile(
            "(?is)\\b(GET_LOCK|RELEASE_LOCK|RELEASE_ALL_LOCKS)\\s*(?:/\\*.*?\\*/\\s*)*\\(");
    /** A first argument that is a plain literal: single-quoted, no escapes, then the end of the argument. */
    private static final Pattern LITERAL_NAME = Pattern.compile("\\s*'([^'\\\\]*)'\\s*[,)]");

    private final Map<String, Integer> named = new HashMap<>();
    /** Takings whose name the text did not give: they count until everything is released. */
    private boolean unnamed;

    /** Whether statement text {@code sql} calls GET_LOCK. */
    static boolean callsGetLock(String sql) {
        Matcher call = CALL.matcher(sql);
        while (call.find()) {
            if (call.group(1).equalsIgnoreCase("GET_LOCK")) {
                return true;
            }
        }
        return false;
    }

    /** Statement text {@code sql} succeeded. */
    void ran(String sql) {
        Map<String, Integer> taken = new HashMap<>();
        boolean takenUnnamed = false;
        Matcher call = CALL.matcher(sql);
        while (call.find()) {
            String function = call.group(1).toUpperCase(Locale.ROOT);
            String name = literalName(sql, call.end());
            switch (function) {
                case "RELEASE_ALL_LOCKS" -> {
                    named.clear();
                    unnamed = false;
                }
                case "RELEASE_LOCK" -> {
                    if (name != null) {
                        named.computeIfPresent(name, (n, count) -> count > 1 ? count - 1 : null);
                    }
                }
                default -> {
                    if (name != null) {
                        taken.merge(name, 1, Integer::sum);
                    } else {
                        takenUnnamed = true;
                    }
                }
            }
        }
        taken.forEach((name, count) -> named.merge(name, count, Integer::sum));
        unnamed |= takenUnnamed;
    }

    /** Whether the session may hold an advisory lock. */
    boolean holds() {
        return unnamed || !named.isEmpty();
    }

    /** The session's locks were released with its engine session (a reset, a new connection). */
    void clear() {
        named.clear();
        unnamed = false;
    }

    private static String literalName(String sql, int from) {
        Matcher literal = LITERAL_NAME.matcher(sql);
        literal.region(from, sql.length());
        return literal.lookingAt() ? literal.group(1).toLowerCase(Locale.ROOT) : null;
    }
}
