package io.fluxdb.engine.mysql.frontend;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code KILL [HARD|SOFT] [CONNECTION|QUERY] id} statement. Clients name an operator connection id
 * (from the handshake) or an engine thread id (from CONNECTION_ID() or SHOW PROCESSLIST); the
 * session decides which session that is and rewrites the id to its engine thread
 * ({@link ClientSession}).
 *
 * @param query true for {@code KILL QUERY} (only the running statement), false for the connection
 * @param modifier {@code HARD }, {@code SOFT } or empty, kept as written
 * @param connectionId the id named by the client
 */
record KillStatement(boolean query, String modifier, long connectionId) {
    // KILL QUERY ID n (kill by query id) and KILL USER u are not rewritten: they go to the engine unchanged.
    private static final Pattern KILL = Pattern.compile(
            "\\s*KILL\\s+(HARD\\s+|SOFT\\s+)?(CONNECTION\\s+|QUERY\\s+)?(\\d{1,10})\\s*;?\\s*",
            Pattern.CASE_INSENSITIVE);

    static Optional<KillStatement> parse(String sql) {
        Matcher m = KILL.matcher(sql);
        if (!m.matches()) {
            return Optional.empty();
        }
        String kind = m.group(2) == null ? "" : m.group(2).trim();
        return Optional.of(new KillStatement(
                kind.equalsIgnoreCase("QUERY"),
                m.group(1) == null ? "" : m.group(1).trim().toUpperCase(java.util.Locale.ROOT) + " ",
                Long.parseLong(m.group(3))));
    }

    /** The statement the engine runs: the same kill, naming the engine's thread. */
    String forEngineThread(long threadId) {
        return "KILL " + modifier + (query ? "QUERY " : "CONNECTION ") + threadId;
    }
}
