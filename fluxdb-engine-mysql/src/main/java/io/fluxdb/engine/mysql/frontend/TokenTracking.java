package io.fluxdb.engine.mysql.frontend;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import io.fluxdb.engine.spi.Classification;
import io.fluxdb.engine.spi.VariableAssignment;
import io.fluxdb.protocol.codec.Packet;
import io.fluxdb.protocol.constant.CapabilityFlags;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Session tracking of the commit token. A client with CLIENT_SESSION_TRACK that names {@code fluxdb_last_commit} (or
 * {@code *}) in {@code session_track_system_variables} gets, in the OK that ends each statement that changed its
 * commit token, a SESSION_TRACK_SYSTEM_VARIABLES entry {@code fluxdb_last_commit} with the token, next to whatever
 * entries the engine put there.
 *
 * <p>The engine does not know the name and refuses a list that holds it, so the SET reaches the engine without it
 * ({@link #forEngine}); the operator remembers the list as the client wrote it. A follower's forwarded session asks the
 * leader's operator for the same list ({@link #setting()}), so the leader reports the token of each forwarded write in
 * its OK; the follower learns the token from it as the relayed OK goes by. Owned by the session's event loop.
 */
final class TokenTracking {
    /** The system variable that says which variables a session tracks. */
    static final String LIST = "session_track_system_variables";
    private static final String NAME = OperatorVariables.LAST_COMMIT;

    /** The list's assignment in a statement's text, with its value when that is a quoted literal. */
    private static final Pattern ASSIGNMENT = Pattern.compile(
            "(?i)(?<![\\w.])(?:@@(?:session|local)\\s*\\.\\s*|@@)?" + LIST + "\\s*:?=\\s*"
                    + "('(?:[^'\\\\]|\\\\.|'')*'|\"(?:[^\"\\\\]|\\\\.|\"\")*\")");

    private static final Pattern SELECT_LIST = Pattern.compile(
            "\\A\\s*SELECT\\s+(@@(?:session\\s*\\.\\s*)?" + LIST + ")\\s*;?\\s*\\z", Pattern.CASE_INSENSITIVE);

    /** What the last answer said about the token: what a follower needs to know whether to ask the leader for it. */
    enum Answer {
        /** It carried the token (the leader's, for a forwarded statement). */
        REPORTED,
        /** It was an OK to a client that tracks the token, without it: the statement did not move the token. */
        UNMOVED,
        /** Nothing can be told (an EOF, an untracked session, no answer yet). */
        UNKNOWN
    }

    private final boolean sessionTrack;
    private final boolean deprecateEof;
    /** The list as the client last set it (the value's text), null while it has the engine's default. */
    private String setting;
    private boolean tracked;
    /** The token the client was last told (or had when it started tracking). */
    private long reported;
    private Answer lastAnswer = Answer.UNKNOWN;

    TokenTracking(long clientCapabilities) {
        this.sessionTrack = CapabilityFlags.has(clientCapabilities, CapabilityFlags.CLIENT_SESSION_TRACK);
        this.deprecateEof = CapabilityFlags.has(clientCapabilities, CapabilityFlags.CLIENT_DEPRECATE_EOF);
    }

    /**
     * The COM_QUERY {@code payload} as the engine must get it: a session's {@code session_track_system_variables}
     * list without {@code fluxdb_last_commit}; the same array when there is nothing to remove.
     *
     * @throws IllegalArgumentException when the name is assigned in a form other than a quoted list
     */
    static byte[] forEngine(byte[] payload, Classification c) {
        boolean ours = c.assignments().stream().anyMatch(a -> a.scope() == VariableAssignment.Scope.SESSION
                && a.name().equalsIgnoreCase(LIST) && a.value().toLowerCase(Locale.ROOT).contains(NAME));
        if (!ours) {
            return payload;
        }
        // Latin-1 maps each byte to one char: offsets in the text are offsets in the payload.
        String text = new String(payload, ISO_8859_1);
        Matcher m = ASSIGNMENT.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        int last = 0;
        boolean found = false;
        while (m.find()) {
            String literal = m.group(1);
            char quote = literal.charAt(0);
            String kept = String.join(",", Arrays.stream(literal.substring(1, literal.length() - 1).split(","))
                    .map(String::strip).filter(n -> !n.isEmpty() && !n.equalsIgnoreCase(NAME)).toList());
            out.append(text, last, m.start(1)).append(quote).append(kept).append(quote);
            last = m.end(1);
            found = true;
        }
        if (!found) {
            throw new IllegalArgumentException("Variable '" + LIST + "' can't be set to this value: FluxDB reads '"
                    + NAME + "' in it only from a quoted list, such as '" + NAME + ",autocommit'");
        }
        return out.append(text, last, text.length()).toString().getBytes(ISO_8859_1);
    }

    /** The engine ran a statement of the session: it may have set the list. */
    void succeeded(Classification c, long token) {
        for (VariableAssignment a : c.assignments()) {
            if (a.scope() == VariableAssignment.Scope.SESSION && a.name().equalsIgnoreCase(LIST)) {
                setting = a.value().strip();
                boolean was = tracked;
                tracked = namesToken(setting);
                if (tracked && !was) {
                    reported = token;
                }
            }
        }
    }

    /**
     * For {@code SELECT @@[session.]session_track_system_variables} alone while the client tracks the token by name:
     * the engine's list with {@code fluxdb_last_commit} appended, as the statement the engine should run instead.
     */
    Optional<String> selectRewrite(String sql) {
        Matcher m = SELECT_LIST.matcher(sql);
        if (!tracked || !m.matches() || names(setting).contains("*")) {
            return Optional.empty();
        }
        // the column is named after the expression, as MariaDB names it
        return Optional.of("SELECT CONCAT_WS(',', NULLIF(@@session." + LIST + ", ''), '" + NAME + "') AS `"
                + m.group(1).replaceAll("\\s", "") + "`");
    }

    /** A new command starts: nothing is known of its answer yet. */
    void commandStarted() {
        lastAnswer = Answer.UNKNOWN;
    }

    /** What the answer that went through {@link #lastPacket} last said about the token; forgotten once taken. */
    Answer takeLastAnswer() {
        Answer answer = lastAnswer;
        lastAnswer = Answer.UNKNOWN;
        return answer;
    }

    /** Whether a list, as its value text, makes the operator report the token. */
    static boolean namesToken(String setting) {
        java.util.Set<String> names = names(setting);
        return names.contains(NAME) || names.contains("*");
    }

    /** COM_RESET_CONNECTION or COM_CHANGE_USER: the engine's list is its default again. */
    void reset() {
        setting = null;
        tracked = false;
    }

    /** The list as the client set it, for a forwarded session to set too; empty while it is the default. */
    Optional<String> setting() {
        return Optional.ofNullable(setting);
    }

    /**
     * The last packet of the response to a COM_QUERY or COM_STMT_EXECUTE, on its way to the client. A token the
     * leader reported in it (for a forwarded statement) becomes the session's ({@code committed}); the entry is then
     * given to the client if it tracks the token and the token moved, and taken out otherwise. Takes ownership of
     * {@code packet}; returns it or its replacement.
     */
    Packet lastPacket(Packet packet, LongConsumer committed, LongSupplier token) {
        if (!sessionTrack || (!tracked && !OkSessionState.changesState(packet.content(), deprecateEof))) {
            // nothing to add, and no entry to take out: the common case costs no decoding
            return packet;
        }
        Optional<OkSessionState> ok = OkSessionState.read(packet.content(), deprecateEof);
        if (ok.isEmpty()) {
            return packet;
        }
        Optional<String> reportedHere = ok.get().systemVariable(NAME);
        lastAnswer = tracked ? Answer.UNMOVED : Answer.UNKNOWN;
        reportedHere.ifPresent(value -> {
            try {
                committed.accept(Long.parseLong(value));
                lastAnswer = Answer.REPORTED;
            } catch (NumberFormatException e) {
                // not a token the operator wrote; the client gets it as it is
                lastAnswer = Answer.UNKNOWN;
            }
        });
        long now = token.getAsLong();
        String value = null;
        if (tracked && now > reported) {
            value = Long.toString(now);
            reported = now;
        }
        if (reportedHere.equals(Optional.ofNullable(value))) {
            // nothing to add, or the leader's entry already says it
            return packet;
        }
        Packet replaced = packet.replace(ok.get().withSystemVariable(NAME, value));
        packet.release();
        return replaced;
    }

    /** The names of a list's value text, lower case; empty for a value that is not a quoted literal. */
    private static java.util.Set<String> names(String value) {
        String text = value.strip();
        if (text.length() < 2 || (text.charAt(0) != '\'' && text.charAt(0) != '"')) {
            return java.util.Set.of();
        }
        return Arrays.stream(ReadConsistency.unquoted(text).split(",")).map(n -> n.strip().toLowerCase(Locale.ROOT))
                .collect(Collectors.toSet());
    }
}
