package io.fluxdb.protocol.constant;

/**
 * Common collation ids as sent in the handshake and in column definitions.
 *
 * @see <a href="https://mariadb.com/kb/en/supported-character-sets-and-collations/">Character sets and collations</a>
 */
public final class Collations {
    public static final int LATIN1_SWEDISH_CI = 8;
    public static final int UTF8MB3_GENERAL_CI = 33;
    public static final int UTF8MB4_GENERAL_CI = 45;
    public static final int UTF8MB4_BIN = 46;
    public static final int BINARY = 63;
    public static final int UTF8MB4_UNICODE_CI = 224;
    /** MySQL 8's default. */
    public static final int UTF8MB4_0900_AI_CI = 255;

    private Collations() {}
}
