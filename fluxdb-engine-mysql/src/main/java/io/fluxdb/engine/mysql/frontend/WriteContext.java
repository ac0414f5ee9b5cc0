package io.fluxdb.engine.mysql.frontend;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.fluxdb.engine.mysql.sql.MySqlCharsets;
import io.fluxdb.engine.spi.BoundValue;
import io.fluxdb.engine.spi.SessionContext;
import io.fluxdb.protocol.constant.ColumnType;
import io.fluxdb.protocol.message.server.ColumnDefinition41;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the leader reads from its engine session right before a write, so that every node replays the write as
 * the leader ran it: the session variables that change a statement's result, the session's LAST_INSERT_ID(), the
 * user variables the statement reads, the account it runs as, and its isolation level. One query, answered by the
 * engine itself, so the values are exactly the engine's and not the operator's idea of them.
 *
 * @param session the session context for the log entry
 * @param lastInsertId the session's LAST_INSERT_ID() before the statement
 * @param userVariables the values of the user variables asked for, by lower-case name
 * @param account the account the session runs as, quoted ({@code 'user'@'host'})
 * @param isolation the session's transaction isolation, e.g. {@code REPEATABLE-READ}
 */
record WriteContext(SessionContext session, long lastInsertId, Map<String, BoundValue> userVariables, String account,
        String isolation) {

    /** Session variables besides the ones {@link SessionContext} names that can change what a write stores. */
    static final List<String> OTHER_VARIABLES = List.of("div_precision_increment", "lc_time_names",
            "group_concat_max_len", "default_week_format", "default_storage_engine", "explicit_defaults_for_timestamp",
            "check_constraint_checks", "sql_if_exists", "old_mode");

    private static final String FIXED_COLUMNS = "DATABASE(), @@session.sql_mode, @@session.time_zone,"
            + " @@session.character_set_client, @@session.character_set_connection, @@session.character_set_results,"
            + " @@session.collation_connection, @@session.foreign_key_checks, @@session.unique_checks,"
            + " @@session.auto_increment_increment, @@session.auto_increment_offset, CURRENT_USER(), LAST_INSERT_ID(),"
            + " @@session.tx_isolation";
    private static final int FIXED = 14;

    /** The query that reads it; {@code variables} are user variable names (without {@code @}). */
    static String query(List<String> variables) {
        StringBuilder sql = new StringBuilder("SELECT ").append(FIXED_COLUMNS);
        for (String name : OTHER_VARIABLES) {
            sql.append(", @@session.").append(name);
        }
        for (String name : variables) {
            sql.append(", @`").append(name.replace("`", "``")).append('`');
        }
        return sql.toString();
    }

    /** Reads the answer to {@link #query(List)}. */
    static WriteContext parse(EngineStatements.Outcome outcome, List<String> variables) {
        if (!outcome.ok() || outcome.row().size() != FIXED + OTHER_VARIABLES.size() + variables.size()) {
            throw new IllegalStateException("unexpected answer to the write context query: " + outcome);
        }
        Map<String, String> others = new TreeMap<>();
        for (int i = 0; i < OTHER_VARIABLES.size(); i++) {
            String value = outcome.text(FIXED + i);
            others.put(OTHER_VARIABLES.get(i), value == null ? "NULL" : literal(value));
        }
        SessionContext session = new SessionContext(
                Optional.ofNullable(outcome.text(0)),
                outcome.text(1),
                outcome.text(2),
                outcome.text(3),
                outcome.text(4),
                Optional.ofNullable(outcome.text(5)),
                outcome.text(6),
                "1".equals(outcome.text(7)),
                "1".equals(outcome.text(8)),
                Integer.parseInt(outcome.text(9)),
                Integer.parseInt(outcome.text(10)),
                others);
        Map<String, BoundValue> values = new LinkedHashMap<>();
        int base = FIXED + OTHER_VARIABLES.size();
        for (int i = 0; i < variables.size(); i++) {
            values.put(variables.get(i).toLowerCase(Locale.ROOT),
                    value(outcome.columns().get(base + i), outcome.row().get(base + i)));
        }
        return new WriteContext(session, Long.parseUnsignedLong(outcome.text(12)), values, account(outcome.text(11)),
                outcome.text(13));
    }

    /** CURRENT_USER() answers {@code user@host}; the host never holds an {@code @}, the user may. */
    private static String account(String currentUser) {
        int at = currentUser.lastIndexOf('@');
        String user = at < 0 ? currentUser : currentUser.substring(0, at);
        String host = at < 0 ? "%" : currentUser.substring(at + 1);
        return quote(user) + "@" + quote(host);
    }

    /** A variable's value as the engine reported it, written so SET accepts it: numbers bare, the rest quoted. */
    private static String literal(String value) {
        return value.matches("-?\\d+") ? value : quote(value);
    }

    static String quote(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    /**
     * A user variable's value as the engine holds it: integers, decimals and doubles keep their type, strings their
     * text, binary strings their bytes. A user variable never holds a temporal type (MariaDB stores those as strings).
     */
    static BoundValue value(ColumnDefinition41 column, byte[] text) {
        if (text == null) {
            return BoundValue.Null.INSTANCE;
        }
        String s = new String(text, UTF_8);
        return switch (column.type()) {
            case ColumnType.MYSQL_TYPE_LONGLONG, ColumnType.MYSQL_TYPE_LONG, ColumnType.MYSQL_TYPE_INT24,
                    ColumnType.MYSQL_TYPE_SHORT, ColumnType.MYSQL_TYPE_TINY ->
                    column.isUnsigned() ? new BoundValue.UnsignedInt(Long.parseUnsignedLong(s))
                            : new BoundValue.Int(Long.parseLong(s));
            case ColumnType.MYSQL_TYPE_NEWDECIMAL, ColumnType.MYSQL_TYPE_DECIMAL -> new BoundValue.Decimal(s);
            case ColumnType.MYSQL_TYPE_DOUBLE, ColumnType.MYSQL_TYPE_FLOAT -> new BoundValue.Real(Double.parseDouble(s));
            default -> column.charset() == BINARY_COLLATION ? new BoundValue.Bytes(text) : text(text);
        };
    }

    /**
     * A string variable's value, read as utf8mb4: one holding bytes that are not valid there (assigned from a raw
     * BLOB literal) keeps its bytes, as a binary string, rather than turning into replacement characters.
     */
    private static BoundValue text(byte[] text) {
        String decoded = MySqlCharsets.decodeStrict(UTF_8, text, 0, text.length);
        return decoded == null ? new BoundValue.Bytes(text) : new BoundValue.Text(decoded);
    }

    /** Collation id 63: the {@code binary} character set. */
    private static final int BINARY_COLLATION = 63;
}
