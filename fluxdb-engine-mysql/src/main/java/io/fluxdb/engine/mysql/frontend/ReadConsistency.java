package io.fluxdb.engine.mysql.frontend;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a read on a cluster node may miss of the cluster's writes. Chosen per node ({@code consistency} option), per
 * session ({@code SET @@session.fluxdb_consistency = 'strong'}) and per statement (a comment before it:
 * {@code /* fluxdb_consistency=strong *}{@code / SELECT ...}).
 */
enum ReadConsistency {
    /** The session reads its own writes: a read waits until this node has applied the session's last commit. */
    SESSION,
    /** Reads are answered by the local engine at once and may lag behind the leader. */
    EVENTUAL,
    /** A read sees every write acknowledged before it started: the leader confirms its commit index (Raft read
     *  index) and the read waits until this node has applied it. */
    STRONG;

    /** The session variable that chooses the level; the engine does not know it, so the operator answers it. */
    static final String VARIABLE = "fluxdb_consistency";

    private static final Pattern HINT = Pattern.compile(
            "\\A\\s*(?:/\\*[^*]*?\\bfluxdb_consistency\\s*=\\s*'?(\\w+)'?[^*]*\\*/)", Pattern.CASE_INSENSITIVE);

    /** {@code text} without surrounding blanks and without one pair of matching single or double quotes around it. */
    static String unquoted(String text) {
        String value = text.strip();
        if (value.length() >= 2 && (value.startsWith("'") && value.endsWith("'")
                || value.startsWith("\"") && value.endsWith("\""))) {
            value = value.substring(1, value.length() - 1);
        }
        return value;
    }

    /**
     * Parses a level, with or without quotes, in any case.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    static ReadConsistency parse(String text) {
        String value = unquoted(text);
        for (ReadConsistency level : values()) {
            if (level.name().equalsIgnoreCase(value)) {
                return level;
            }
        }
        throw new IllegalArgumentException("Variable '" + VARIABLE + "' can't be set to the value of '" + value
                + "' (expected: session, eventual or strong)");
    }

    /** The level a leading comment of {@code sql} asks for, if any. */
    static Optional<ReadConsistency> hint(String sql) {
        Matcher m = HINT.matcher(sql);
        if (!m.lookingAt()) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse(m.group(1)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
