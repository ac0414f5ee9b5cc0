package io.fluxdb.protocol.constant;

/**
 * Capability flags exchanged in the handshake. The low 32 bits are MySQL's; MariaDB's extended
 * capabilities are carried in a separate 32-bit field of the handshake (shifted here into bits 32-63,
 * as MariaDB's own connectors do) and are only valid when {@link #CLIENT_MYSQL} is clear.
 *
 * @see <a href="https://mariadb.com/kb/en/connection/#capabilities">Capabilities</a>
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/group__group__cs__capabilities__flags.html">Capabilities flags</a>
 */
public final class CapabilityFlags {
    /** MySQL: CLIENT_LONG_PASSWORD. MariaDB reuses bit 0 as CLIENT_MYSQL: set by MySQL clients/servers. */
    public static final long CLIENT_LONG_PASSWORD = 0x0000_0001L;
    public static final long CLIENT_MYSQL = 0x0000_0001L;
    public static final long CLIENT_FOUND_ROWS = 0x0000_0002L;
    public static final long CLIENT_LONG_FLAG = 0x0000_0004L;
    public static final long CLIENT_CONNECT_WITH_DB = 0x0000_0008L;
    public static final long CLIENT_NO_SCHEMA = 0x0000_0010L;
    public static final long CLIENT_COMPRESS = 0x0000_0020L;
    public static final long CLIENT_ODBC = 0x0000_0040L;
    public static final long CLIENT_LOCAL_FILES = 0x0000_0080L;
    public static final long CLIENT_IGNORE_SPACE = 0x0000_0100L;
    public static final long CLIENT_PROTOCOL_41 = 0x0000_0200L;
    public static final long CLIENT_INTERACTIVE = 0x0000_0400L;
    public static final long CLIENT_SSL = 0x0000_0800L;
    public static final long CLIENT_IGNORE_SIGPIPE = 0x0000_1000L;
    public static final long CLIENT_TRANSACTIONS = 0x0000_2000L;
    public static final long CLIENT_RESERVED = 0x0000_4000L;
    public static final long CLIENT_SECURE_CONNECTION = 0x0000_8000L;
    public static final long CLIENT_MULTI_STATEMENTS = 0x0001_0000L;
    public static final long CLIENT_MULTI_RESULTS = 0x0002_0000L;
    public static final long CLIENT_PS_MULTI_RESULTS = 0x0004_0000L;
    public static final long CLIENT_PLUGIN_AUTH = 0x0008_0000L;
    public static final long CLIENT_CONNECT_ATTRS = 0x0010_0000L;
    public static final long CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA = 0x0020_0000L;
    public static final long CLIENT_CAN_HANDLE_EXPIRED_PASSWORDS = 0x0040_0000L;
    public static final long CLIENT_SESSION_TRACK = 0x0080_0000L;
    public static final long CLIENT_DEPRECATE_EOF = 0x0100_0000L;
    public static final long CLIENT_OPTIONAL_RESULTSET_METADATA = 0x0200_0000L;
    public static final long CLIENT_ZSTD_COMPRESSION_ALGORITHM = 0x0400_0000L;
    public static final long CLIENT_QUERY_ATTRIBUTES = 0x0800_0000L;
    public static final long MULTI_FACTOR_AUTHENTICATION = 0x1000_0000L;
    public static final long CLIENT_CAPABILITY_EXTENSION = 0x2000_0000L;
    public static final long CLIENT_SSL_VERIFY_SERVER_CERT = 0x4000_0000L;
    public static final long CLIENT_REMEMBER_OPTIONS = 0x8000_0000L;

    // MariaDB extended capabilities (sent in the handshake's 4 reserved bytes), shifted by 32.
    public static final long MARIADB_CLIENT_PROGRESS = 1L << 32;
    public static final long MARIADB_CLIENT_COM_MULTI = 1L << 33;
    public static final long MARIADB_CLIENT_STMT_BULK_OPERATIONS = 1L << 34;
    public static final long MARIADB_CLIENT_EXTENDED_METADATA = 1L << 35;
    public static final long MARIADB_CLIENT_CACHE_METADATA = 1L << 36;
    public static final long MARIADB_CLIENT_BULK_UNIT_RESULTS = 1L << 37;

    private CapabilityFlags() {}

    public static boolean has(long capabilities, long flag) {
        return (capabilities & flag) == flag;
    }

    /** The MariaDB extended capability bits of {@code capabilities}, as sent on the wire. */
    public static int mariaDbExtended(long capabilities) {
        return (int) (capabilities >>> 32);
    }
}
