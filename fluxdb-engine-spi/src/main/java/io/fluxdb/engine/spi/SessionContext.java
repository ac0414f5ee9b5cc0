package io.fluxdb.engine.spi;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The session state a replicated transaction ran with on the leader, restored before applying it elsewhere.
 * Values are as the engine reports them (for MySQL, the values of the session variables of the same names).
 *
 * @param database the default database, if one was selected
 * @param sqlMode {@code sql_mode}
 * @param timeZone {@code time_zone}, e.g. {@code "SYSTEM"} or {@code "+00:00"}
 * @param characterSetClient {@code character_set_client}
 * @param characterSetConnection {@code character_set_connection}
 * @param characterSetResults {@code character_set_results}; empty when the session set it to NULL
 * @param collationConnection {@code collation_connection}
 * @param foreignKeyChecks {@code foreign_key_checks}
 * @param uniqueChecks {@code unique_checks}
 * @param autoIncrementIncrement {@code auto_increment_increment}, 1 to 65535
 * @param autoIncrementOffset {@code auto_increment_offset}, 1 to 65535
 * @param otherVariables further session variables that affect results, by name, each value as the SQL
 *     expression to assign (e.g. {@code "'READ-COMMITTED'"}, {@code "NULL"}); iterated in name order so every
 *     node restores them identically
 */
public record SessionContext(
        Optional<String> database,
        String sqlMode,
        String timeZone,
        String characterSetClient,
        String characterSetConnection,
        Optional<String> characterSetResults,
        String collationConnection,
        boolean foreignKeyChecks,
        boolean uniqueChecks,
        int autoIncrementIncrement,
        int autoIncrementOffset,
        Map<String, String> otherVariables) {

    public SessionContext {
        requireNonNull(database, "database is null");
        requireNonNull(sqlMode, "sqlMode is null");
        requireNonNull(timeZone, "timeZone is null");
        requireNonNull(characterSetClient, "characterSetClient is null");
        requireNonNull(characterSetConnection, "characterSetConnection is null");
        requireNonNull(characterSetResults, "characterSetResults is null");
        requireNonNull(collationConnection, "collationConnection is null");
        requireNonNull(otherVariables, "otherVariables is null");
        if (autoIncrementIncrement < 1 || autoIncrementIncrement > 65535) {
            throw new IllegalArgumentException("autoIncrementIncrement: " + autoIncrementIncrement
                    + " (expected: 1-65535)");
        }
        if (autoIncrementOffset < 1 || autoIncrementOffset > 65535) {
            throw new IllegalArgumentException("autoIncrementOffset: " + autoIncrementOffset + " (expected: 1-65535)");
        }
        TreeMap<String, String> sorted = new TreeMap<>();
        otherVariables.forEach((name, value) -> {
            requireNonNull(name, "variable name is null");
            requireNonNull(value, "variable '" + name + "' is null (expected: the SQL text, e.g. NULL)");
            sorted.put(name, value);
        });
        otherVariables = Collections.unmodifiableMap(sorted);
    }

    /** This context with another default database. */
    public SessionContext withDatabase(Optional<String> database) {
        return new SessionContext(database, sqlMode, timeZone, characterSetClient, characterSetConnection,
                characterSetResults, collationConnection, foreignKeyChecks, uniqueChecks, autoIncrementIncrement,
                autoIncrementOffset, otherVariables);
    }
}
