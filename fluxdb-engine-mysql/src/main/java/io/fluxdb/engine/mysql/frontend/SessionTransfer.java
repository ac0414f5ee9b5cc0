package io.fluxdb.engine.mysql.frontend;

import io.fluxdb.engine.spi.BoundValue;
import io.fluxdb.engine.spi.SessionContext;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The statements that give a forwarded session on the leader the state its client set on the follower: database,
 * character sets, SQL mode, time zone, the other session variables that change what a statement does, the isolation
 * level, autocommit and the user variables, with the values the follower's engine holds (read with
 * {@link WriteContext#query}), never the expressions that produced them ({@code SET @id = UUID()} must not run again).
 *
 * <p>The text is UTF-8 and its literals use backslash escapes, so the statements first set the character set and an
 * empty SQL mode they are read in, and restore the session's own character sets and SQL mode last.
 */
final class SessionTransfer {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private SessionTransfer() {
    }

    /**
     * @param context the follower session's state, as its engine answered
     * @param autocommit whether the client's session has autocommit on
     * @param leaderAutocommit whether the forwarded session has it on now: setting it to the same value is skipped,
     *     because turning autocommit on commits an open transaction
     */
    static List<String> statements(WriteContext context, boolean autocommit, boolean leaderAutocommit) {
        SessionContext s = context.session();
        List<String> sql = new ArrayList<>();
        sql.add("SET NAMES utf8mb4, SESSION sql_mode = ''");
        s.database().ifPresent(db -> sql.add("USE `" + db.replace("`", "``") + "`"));
        if (!context.userVariables().isEmpty()) {
            StringBuilder set = new StringBuilder("SET ");
            for (Map.Entry<String, BoundValue> v : context.userVariables().entrySet()) {
                if (set.length() > 4) {
                    set.append(", ");
                }
                set.append("@`").append(v.getKey().replace("`", "``")).append("` = ").append(literal(v.getValue()));
            }
            sql.add(set.toString());
        }
        if (autocommit != leaderAutocommit) {
            sql.add("SET autocommit = " + (autocommit ? 1 : 0));
        }
        StringBuilder set = new StringBuilder("SET SESSION time_zone = ").append(WriteContext.quote(s.timeZone()))
                .append(", foreign_key_checks = ").append(s.foreignKeyChecks() ? 1 : 0)
                .append(", unique_checks = ").append(s.uniqueChecks() ? 1 : 0)
                .append(", auto_increment_increment = ").append(s.autoIncrementIncrement())
                .append(", auto_increment_offset = ").append(s.autoIncrementOffset())
                .append(", tx_isolation = ").append(WriteContext.quote(context.isolation()));
        for (Map.Entry<String, String> v : s.otherVariables().entrySet()) {
            if (IDENTIFIER.matcher(v.getKey()).matches()) {
                set.append(", ").append(v.getKey()).append(" = ").append(v.getValue());
            }
        }
        set.append(", character_set_client = ").append(WriteContext.quote(s.characterSetClient()))
                .append(", character_set_connection = ").append(WriteContext.quote(s.characterSetConnection()))
                .append(", collation_connection = ").append(WriteContext.quote(s.collationConnection()))
                .append(", character_set_results = ")
                .append(s.characterSetResults().map(WriteContext::quote).orElse("NULL"))
                .append(", sql_mode = ").append(WriteContext.quote(s.sqlMode()));
        sql.add(set.toString());
        return sql;
    }

    /** A user variable's value as a literal that gives it back with its type (read with an empty SQL mode). */
    static String literal(BoundValue value) {
        return switch (value) {
            case BoundValue.Null n -> "NULL";
            case BoundValue.Int i -> Long.toString(i.value());
            case BoundValue.UnsignedInt u -> Long.toUnsignedString(u.bits());
            case BoundValue.Real r -> realLiteral(r.value());
            case BoundValue.Decimal d -> d.text();
            case BoundValue.Text t -> "_utf8mb4" + WriteContext.quote(t.value());
            case BoundValue.Bytes b -> b.value().length == 0 ? "_binary''" : "X'" + HexFormat.of().formatHex(b.value()) + "'";
            default -> WriteContext.quote(value.toString());
        };
    }

    private static String realLiteral(double d) {
        // A double literal needs an exponent (1.5 alone would be a DECIMAL).
        String text = Double.toString(d);
        return text.contains("E") ? text : text + "E0";
    }
}
