package io.fluxdb.engine.mysql.frontend;

import io.fluxdb.engine.spi.SessionContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Statements that move a replaying session from one context to another, for a transaction whose session changed
 * variables between two of its writes. The entry carries the context of its first write; the change is replayed at
 * the point where it happened.
 */
final class SessionChange {
    private SessionChange() {}

    static List<String> statements(SessionContext from, SessionContext to) {
        List<String> statements = new ArrayList<>(2);
        if (!from.database().equals(to.database()) && to.database().isPresent()) {
            statements.add("USE `" + to.database().get().replace("`", "``") + "`");
        }
        List<String> assignments = new ArrayList<>();
        add(assignments, "sql_mode", from.sqlMode(), to.sqlMode());
        add(assignments, "time_zone", from.timeZone(), to.timeZone());
        add(assignments, "character_set_connection", from.characterSetConnection(), to.characterSetConnection());
        add(assignments, "collation_connection", from.collationConnection(), to.collationConnection());
        if (from.foreignKeyChecks() != to.foreignKeyChecks()) {
            assignments.add("foreign_key_checks = " + (to.foreignKeyChecks() ? 1 : 0));
        }
        if (from.uniqueChecks() != to.uniqueChecks()) {
            assignments.add("unique_checks = " + (to.uniqueChecks() ? 1 : 0));
        }
        if (from.autoIncrementIncrement() != to.autoIncrementIncrement()) {
            assignments.add("auto_increment_increment = " + to.autoIncrementIncrement());
        }
        if (from.autoIncrementOffset() != to.autoIncrementOffset()) {
            assignments.add("auto_increment_offset = " + to.autoIncrementOffset());
        }
        for (Map.Entry<String, String> e : to.otherVariables().entrySet()) {
            if (!Objects.equals(from.otherVariables().get(e.getKey()), e.getValue())) {
                assignments.add(e.getKey() + " = " + e.getValue());
            }
        }
        if (!assignments.isEmpty()) {
            statements.add("SET SESSION " + String.join(", ", assignments));
        }
        return statements;
    }

    private static void add(List<String> assignments, String name, String from, String to) {
        if (!from.equals(to)) {
            assignments.add(name + " = " + WriteContext.quote(to));
        }
    }
}
