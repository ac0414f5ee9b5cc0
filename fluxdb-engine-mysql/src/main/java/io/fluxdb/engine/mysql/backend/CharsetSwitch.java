package io.fluxdb.engine.mysql.backend;

import static java.util.Objects.requireNonNull;

import io.fluxdb.protocol.constant.CommandType;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Gives an engine session another client character set without a new login: the COM_QUERY
 * {@code SET NAMES 'charset' COLLATE 'collation'}, which sets exactly what the collation id of a
 * handshake sets (character_set_client, character_set_connection, collation_connection and
 * character_set_results). So the pool need not keep one connection per character set, which is what
 * let a few hundred logins in different character sets fill the engine's {@code max_connections}.
 * COM_RESET_CONNECTION restores the login's character set (MariaDB's sql_parse.cc), so a
 * connection switched for one session is back to its own when the next borrows it.
 */
public final class CharsetSwitch {
    /** Character sets a client may not use (the engine refuses them in SET NAMES): those keep a pool per collation. */
    private static final Set<String> NOT_FOR_CLIENTS = Set.of("ucs2", "utf16", "utf16le", "utf32");

    /** Switches nothing: one pool per collation, as a login would. */
    public static final CharsetSwitch NONE = new CharsetSwitch(Map.of());

    private final Map<Integer, byte[]> statements;

    private CharsetSwitch(Map<Integer, byte[]> statements) {
        this.statements = statements;
    }

    /**
     * From the engine's {@code information_schema.COLLATIONS}: collation id to {collation name, character set name}.
     */
    public static CharsetSwitch of(Map<Integer, String[]> collations) {
        requireNonNull(collations, "collations is null");
        Map<Integer, byte[]> statements = new java.util.HashMap<>();
        collations.forEach((id, names) -> {
            String collation = names[0];
            String charset = names[1];
            if (isIdentifier(collation) && isIdentifier(charset) && !NOT_FOR_CLIENTS.contains(charset)) {
                String sql = "SET NAMES '" + charset + "' COLLATE '" + collation + "'";
                byte[] text = sql.getBytes(StandardCharsets.US_ASCII);
                byte[] payload = new byte[text.length + 1];
                payload[0] = (byte) CommandType.COM_QUERY;
                System.arraycopy(text, 0, payload, 1, text.length);
                statements.put(id, payload);
            }
        });
        return new CharsetSwitch(Map.copyOf(statements));
    }

    /** The COM_QUERY payload that switches a session to collation {@code id}, if the engine allows it. */
    Optional<byte[]> to(int id) {
        return Optional.ofNullable(statements.get(id));
    }

    /** Whether connections of collation {@code id} may be shared with other collations. */
    boolean switchable(int id) {
        return statements.containsKey(id);
    }

    private static boolean isIdentifier(String name) {
        return name != null && !name.isEmpty() && name.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_');
    }
}
