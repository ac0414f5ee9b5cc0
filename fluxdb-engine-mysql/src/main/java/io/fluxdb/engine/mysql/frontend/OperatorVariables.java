package io.fluxdb.engine.mysql.frontend;

import io.fluxdb.engine.spi.Classification;
import io.fluxdb.engine.spi.VariableAssignment;
import io.fluxdb.protocol.message.server.ErrPacket;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The session variables a cluster node's operator keeps itself, since the engine does not know them:
 * <ul>
 *   <li>{@code fluxdb_consistency}: the session's read consistency ({@link ReadConsistency});
 *   <li>{@code fluxdb_last_commit}: read only, the log index of the session's last write: its commit token;
 *   <li>{@code fluxdb_read_after}: a commit token from another session; reads that wait (session and strong) wait
 *       until this node has applied it too.
 * </ul>
 * {@code SET [SESSION|@@session.]name = value} sets one alone; {@code SELECT @@[session.]name} reads one alone, answered
 * by the engine from a literal so that the result set is exactly what MariaDB sends for a one-value SELECT.
 */
final class OperatorVariables {
    static final String LAST_COMMIT = "fluxdb_last_commit";
    static final String READ_AFTER = "fluxdb_read_after";

    private static final Pattern SELECT = Pattern.compile(
            "\\A\\s*SELECT\\s+(@@(?:session\\s*\\.\\s*)?(fluxdb_\\w+))\\s*;?\\s*\\z", Pattern.CASE_INSENSITIVE);

    private ReadConsistency consistency;
    private long readAfter;

    OperatorVariables(ReadConsistency consistency) {
        this.consistency = consistency;
    }

    ReadConsistency consistency() {
        return consistency;
    }

    /** The commit token the session was given, 0 when none. */
    long readAfter() {
        return readAfter;
    }

    /** Whether the statement assigns one of these variables (then {@link #set} handles it, not the engine). */
    static boolean assignsOne(Classification c) {
        return c.assignments().stream().anyMatch(OperatorVariables::isOurs);
    }

    /**
     * Applies {@code SET name = value}.
     *
     * @return the error for the client, empty when the variable was set
     */
    Optional<ErrPacket> set(Classification c) {
        if (c.assignments().size() != 1 || c.multiStatement()) {
            return Optional.of(new ErrPacket(1235, "42000", "FluxDB doesn't yet support 'setting a fluxdb_ variable"
                    + " together with other variables; set it alone'"));
        }
        VariableAssignment a = c.assignments().getFirst();
        String name = a.name().toLowerCase(Locale.ROOT);
        try {
            switch (name) {
                case ReadConsistency.VARIABLE -> consistency = ReadConsistency.parse(a.value());
                case READ_AFTER -> readAfter = parseIndex(a.value());
                case LAST_COMMIT -> {
                    return Optional.of(new ErrPacket(1238, "HY000", "Variable '" + LAST_COMMIT
                            + "' is a read only variable"));
                }
                default -> {
                    return Optional.of(new ErrPacket(1193, "HY000", "Unknown system variable '" + a.name() + "'"));
                }
            }
        } catch (IllegalArgumentException e) {
            return Optional.of(new ErrPacket(1231, "42000", e.getMessage()));
        }
        return Optional.empty();
    }

    /**
     * For {@code SELECT @@fluxdb_...} alone: the statement the engine should run instead, a literal with the
     * variable's value; empty for any other statement or an unknown fluxdb_ name (which the engine refuses itself).
     */
    /** Whether {@code sql} is a SELECT of one of FluxDB's own session variables (as a follower asks the token). */
    static boolean selectsOne(String sql) {
        return SELECT.matcher(sql).matches();
    }

    Optional<String> selectRewrite(String sql, long lastCommit) {
        Matcher m = SELECT.matcher(sql);
        if (!m.matches()) {
            return Optional.empty();
        }
        String name = m.group(2).toLowerCase(Locale.ROOT);
        String value = switch (name) {
            case ReadConsistency.VARIABLE -> "'" + consistency + "'";
            case LAST_COMMIT -> Long.toString(lastCommit);
            case READ_AFTER -> Long.toString(readAfter);
            default -> null;
        };
        // the column is named after the expression, as MariaDB names it
        String column = m.group(1).replaceAll("\\s", "");
        return value == null ? Optional.empty() : Optional.of("SELECT " + value + " AS `" + column + "`");
    }

    private static boolean isOurs(VariableAssignment a) {
        return a.scope() == VariableAssignment.Scope.SESSION && a.name().toLowerCase(Locale.ROOT).startsWith("fluxdb_");
    }

    private static long parseIndex(String text) {
        String value = ReadConsistency.unquoted(text);
        try {
            long index = Long.parseLong(value);
            if (index >= 0) {
                return index;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("Variable '" + READ_AFTER + "' can't be set to the value of '" + value
                + "' (expected: a commit token, the log index a session reads from @@" + LAST_COMMIT + ")");
    }
}
