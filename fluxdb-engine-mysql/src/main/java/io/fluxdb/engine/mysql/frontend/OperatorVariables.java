package io.fluxdb.engine.mysql.frontend;

import io.fluxdb.engine.mysql.sql.ValueRewrite;
import io.fluxdb.engine.spi.Classification;
import io.fluxdb.engine.spi.ParseContext;
import io.fluxdb.engine.spi.StatementKind;
import io.fluxdb.engine.spi.VariableAssignment;
import io.fluxdb.protocol.message.server.ErrPacket;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The session variables a cluster node's operator keeps itself, since the engine does not know them:
 * <ul>
 *   <li>{@code fluxdb_consistency}: the session's read consistency ({@link ReadConsistency});
 *   <li>{@code fluxdb_last_commit}: read only, the log index of the session's last write: its commit token;
 *   <li>{@code fluxdb_read_after}: a commit token from another session; reads that wait (session and strong) wait
 *       until this node has applied it too.
 * </ul>
 * {@code SET [SESSION|@@session.]name = value} sets one alone; a SELECT that names no table reads any of them, answered
 * by the engine from literals so that the result set is exactly what MariaDB sends for such a SELECT.
 */
final class OperatorVariables {
    static final String LAST_COMMIT = "fluxdb_last_commit";
    static final String READ_AFTER = "fluxdb_read_after";

    private static final Pattern MENTIONS = Pattern.compile("(?i)fluxdb_");
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

    /** Whether {@code sql} is a SELECT of one of FluxDB's own session variables alone (as a follower asks the token). */
    static boolean selectsOne(String sql) {
        return SELECT.matcher(sql).matches();
    }

    /**
     * For a SELECT that reads fluxdb_ variables and names no table: the statement the engine should run instead, with
     * literals of the variables' values in their place (each column keeps the name MariaDB gives it); empty for any
     * other statement, which the engine runs as it is (and refuses an unknown variable).
     *
     * @param sql the statement's text, decoded: only looked at for the variables' names, before any work is done
     * @param payload the COM_QUERY packet's payload (the command byte, then the text in the session's character set)
     */
    Optional<byte[]> selectRewrite(String sql, byte[] payload, ParseContext context, Classification c,
            long lastCommit) {
        if (c.kind() != StatementKind.READ || !MENTIONS.matcher(sql).find()) {
            return Optional.empty();
        }
        ValueRewrite.Values values = new ValueRewrite.Values() {
            @Override
            public Optional<String> variable(String name, String written) {
                return Optional.ofNullable(switch (name) {
                    case ReadConsistency.VARIABLE -> "'" + consistency + "'";
                    case LAST_COMMIT -> Long.toString(lastCommit);
                    case READ_AFTER -> Long.toString(readAfter);
                    default -> null;
                });
            }
        };
        return ValueRewrite.rewrite(Arrays.copyOfRange(payload, 1, payload.length), context, values)
                .filter(ValueRewrite.Rewritten::namesNoTable).map(ValueRewrite.Rewritten::statement);
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
