package io.fluxdb.engine.mysql.sql;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The parts of a session's {@code sql_mode} that change how the engine reads text.
 *
 * <ul>
 *   <li>{@code NO_BACKSLASH_ESCAPES}: a backslash in a string is an ordinary character, so {@code 'C:\'} ends there.
 *   <li>{@code ANSI_QUOTES} (also set by ANSI, DB2, MAXDB, MSSQL, ORACLE and POSTGRESQL): {@code "..."} quotes an
 *       identifier, in which a backslash does not escape.
 *   <li>{@code MSSQL} (MariaDB): {@code [...]} quotes an identifier too.
 *   <li>{@code ORACLE} (MariaDB): {@code seq.NEXTVAL}/{@code seq.CURRVAL} use sequences, {@code BEGIN ... END} and
 *       {@code DECLARE ... BEGIN ... END} are anonymous blocks, and routine bodies start after {@code AS}/{@code IS}.
 * </ul>
 *
 * @param names the mode names, upper case, as given (combination modes are not expanded)
 * @see <a href="https://mariadb.com/kb/en/sql-mode/">MariaDB: SQL_MODE</a>
 */
record SqlMode(Set<String> names) {

    static final SqlMode NONE = new SqlMode(Set.of());

    /** Combination modes that include ANSI_QUOTES. */
    private static final Set<String> QUOTING_COMBINATIONS = Set.of("ANSI", "DB2", "MAXDB", "MSSQL", "ORACLE",
            "POSTGRESQL");

    SqlMode {
        names = Set.copyOf(requireNonNull(names, "names is null"));
    }

    /** Parses {@code @@sql_mode} text: names separated by commas, in any case, with blanks around them. */
    static SqlMode parse(String sqlMode) {
        requireNonNull(sqlMode, "sqlMode is null");
        if (sqlMode.isBlank()) {
            return NONE;
        }
        Set<String> names = new LinkedHashSet<>();
        for (String name : sqlMode.split(",")) {
            String n = name.trim().toUpperCase(Locale.ROOT);
            if (!n.isEmpty()) {
                names.add(n);
            }
        }
        return new SqlMode(names);
    }

    boolean noBackslashEscapes() {
        return names.contains("NO_BACKSLASH_ESCAPES");
    }

    boolean ansiQuotes() {
        return names.contains("ANSI_QUOTES") || names.stream().anyMatch(QUOTING_COMBINATIONS::contains);
    }

    boolean bracketIdentifiers() {
        return names.contains("MSSQL");
    }

    boolean oracle() {
        return names.contains("ORACLE");
    }

    /** This mode with more names, as {@code CONCAT(@@sql_mode, ',A,B')} makes it. */
    SqlMode plus(List<String> more) {
        Set<String> all = new LinkedHashSet<>(names);
        all.addAll(parse(String.join(",", more)).names());
        return new SqlMode(all);
    }

    /** This mode without a name, as {@code REPLACE(@@sql_mode, 'A', '')} makes it. */
    SqlMode minus(String name) {
        Set<String> all = new LinkedHashSet<>(names);
        all.remove(name.trim().toUpperCase(Locale.ROOT));
        return new SqlMode(all);
    }
}
