package io.fluxdb.engine.spi;

import static java.util.Objects.requireNonNull;

/**
 * One assignment of a SET statement, kept so a session can track its state and replay it elsewhere.
 *
 * @param scope where the value lives
 * @param name the variable name, lower case, without {@code @}, {@code @@} or scope prefix; the SET forms that
 *     are not plain assignments use pseudo-names: {@code names} (SET NAMES), {@code character set}
 *     (SET CHARACTER SET), {@code transaction} (SET TRANSACTION), {@code role} (SET ROLE)
 * @param value the assigned expression exactly as written (e.g. {@code 'utf8mb4'}, {@code NULL},
 *     {@code utf8mb4 COLLATE utf8mb4_unicode_ci}), to be replayed as SQL text
 */
public record VariableAssignment(Scope scope, String name, String value) {

    /** The scope of an assignment. */
    public enum Scope {
        /** A session system variable ({@code SET x}, {@code SET SESSION x}, {@code SET @@x}). */
        SESSION,
        /** A global or persisted system variable: changes this node's server, not the session. */
        GLOBAL,
        /** A user variable ({@code SET @x}). */
        USER,
        /** Applies to the next transaction only ({@code SET TRANSACTION ...} without a scope). */
        NEXT_TRANSACTION
    }

    public VariableAssignment {
        requireNonNull(scope, "scope is null");
        requireNonNull(name, "name is null");
        requireNonNull(value, "value is null");
    }
}
