package io.fluxdb.protocol.constant;

/**
 * The MySQL errors FluxDB raises itself, with the codes and SQLSTATEs clients and ORMs already
 * recognise. Errors from the engine are never mapped to these: they pass through unchanged.
 *
 * @see <a href="https://mariadb.com/kb/en/mariadb-error-code-reference/">Error code reference</a>
 */
public enum MySqlError {
    ER_CON_COUNT_ERROR(1040, "08004", "Too many connections"),
    ER_HANDSHAKE_ERROR(1043, "08S01", "Bad handshake"),
    ER_DBACCESS_DENIED_ERROR(1044, "42000", "Access denied for user '%s'@'%s' to database '%s'"),
    ER_ACCESS_DENIED_ERROR(1045, "28000", "Access denied for user '%s'@'%s' (using password: %s)"),
    ER_NO_DB_ERROR(1046, "3D000", "No database selected"),
    ER_UNKNOWN_COM_ERROR(1047, "08S01", "Unknown command"),
    ER_BAD_DB_ERROR(1049, "42000", "Unknown database '%s'"),
    ER_SERVER_SHUTDOWN(1053, "08S01", "Server shutdown in progress"),
    ER_HOST_NOT_PRIVILEGED(1130, "HY000", "Host '%s' is not allowed to connect to this FluxDB server: %s"),
    ER_NO_SUCH_THREAD(1094, "HY000", "Unknown thread id: %s"),
    ER_KILL_DENIED_ERROR(1095, "HY000", "You are not owner of thread %s"),
    ER_UNKNOWN_ERROR(1105, "HY000", "%s"),
    ER_NET_PACKET_TOO_LARGE(1153, "08S01", "Got a packet bigger than 'max_allowed_packet' bytes"),
    ER_NET_PACKETS_OUT_OF_ORDER(1156, "08S01", "Got packets out of order"),
    ER_NET_READ_ERROR(1158, "08S01", "Got an error reading communication packets"),
    ER_NET_READ_INTERRUPTED(1159, "08S01", "Got timeout reading communication packets"),
    ER_NET_WRITE_INTERRUPTED(1161, "08S01", "Got timeout writing communication packets"),
    ER_UNKNOWN_STMT_HANDLER(1243, "HY000", "Unknown prepared statement handler (%s) given to %s"),
    ER_NOT_SUPPORTED_YET(1235, "42000", "FluxDB doesn't yet support '%s'"),
    ER_NOT_SUPPORTED_AUTH_MODE(1251, "08004", "Client does not support authentication protocol requested by server; consider upgrading MariaDB client"),
    ER_OPTION_PREVENTS_STATEMENT(1290, "HY000", "The node is running with the %s option so it cannot execute this statement"),
    ER_BINLOG_UNSAFE_STATEMENT(1592, "HY000", "Unsafe statement for replication: %s"),
    ER_LOCK_WAIT_TIMEOUT(1205, "HY000", "Lock wait timeout exceeded; try restarting transaction"),
    ER_QUERY_INTERRUPTED(1317, "70100", "Query execution was interrupted"),
    ER_ACCESS_DENIED_NO_PASSWORD_ERROR(1698, "28000", "Access denied for user '%s'@'%s'"),
    ER_SECURE_TRANSPORT_REQUIRED(3159, "HY000", "Connections using insecure transport are prohibited while --require_secure_transport=ON."),
    ER_CLIENT_INTERACTION_TIMEOUT(4031, "HY000", "The client was disconnected by the server because of inactivity.");

    private final int code;
    private final String sqlState;
    private final String messageFormat;

    MySqlError(int code, String sqlState, String messageFormat) {
        this.code = code;
        this.sqlState = sqlState;
        this.messageFormat = messageFormat;
    }

    public int code() {
        return code;
    }

    public String sqlState() {
        return sqlState;
    }

    public String messageFormat() {
        return messageFormat;
    }

    /** The message with {@code args} substituted into the format. */
    public String message(Object... args) {
        return args.length == 0 ? messageFormat : String.format(messageFormat, args);
    }

    /** Class-08 errors mean the connection is unusable: the session is closed after sending one. */
    public boolean closesConnection() {
        return sqlState.startsWith("08");
    }
}
