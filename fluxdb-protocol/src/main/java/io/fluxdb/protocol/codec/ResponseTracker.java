package io.fluxdb.protocol.codec;

import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_DEPRECATE_EOF;
import static io.fluxdb.protocol.constant.CapabilityFlags.MARIADB_CLIENT_CACHE_METADATA;
import static io.fluxdb.protocol.constant.CapabilityFlags.MARIADB_CLIENT_PROGRESS;
import static io.fluxdb.protocol.constant.CommandType.*;
import static java.util.Objects.requireNonNull;

import io.fluxdb.protocol.ProtocolException;
import io.fluxdb.protocol.constant.CapabilityFlags;
import io.fluxdb.protocol.constant.CommandType;
import io.fluxdb.protocol.constant.ServerStatus;
import io.fluxdb.protocol.message.client.AuthSwitchResponse;
import io.fluxdb.protocol.message.client.ClientMessage;
import io.fluxdb.protocol.message.client.HandshakeResponse41;
import io.fluxdb.protocol.message.client.SslRequest;
import io.fluxdb.protocol.message.client.ComChangeUser;
import io.fluxdb.protocol.message.client.ComFieldList;
import io.fluxdb.protocol.message.client.ComInitDb;
import io.fluxdb.protocol.message.client.ComPing;
import io.fluxdb.protocol.message.client.ComProcessKill;
import io.fluxdb.protocol.message.client.ComQuery;
import io.fluxdb.protocol.message.client.ComQuit;
import io.fluxdb.protocol.message.client.ComResetConnection;
import io.fluxdb.protocol.message.client.ComSetOption;
import io.fluxdb.protocol.message.client.ComStatistics;
import io.fluxdb.protocol.message.client.ComStmtBulkExecute;
import io.fluxdb.protocol.message.client.ComStmtClose;
import io.fluxdb.protocol.message.client.ComStmtExecute;
import io.fluxdb.protocol.message.client.ComStmtFetch;
import io.fluxdb.protocol.message.client.ComStmtPrepare;
import io.fluxdb.protocol.message.client.ComStmtReset;
import io.fluxdb.protocol.message.client.ComStmtSendLongData;
import io.fluxdb.protocol.message.client.ComUnknown;
import io.fluxdb.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;

/**
 * Follows the server's response to one command, payload by payload, without decoding rows, and
 * tells when it is complete: the packet after that belongs to the next command. A proxy uses it to
 * forward a response byte-for-byte and still know where it ends and how it ended.
 *
 * <p>Shapes handled: OK / ERR; result sets with and without CLIENT_DEPRECATE_EOF (and with
 * MARIADB_CLIENT_CACHE_METADATA's skipped metadata); multiple result sets
 * (SERVER_MORE_RESULTS_EXISTS); COM_STMT_PREPARE; COM_STMT_EXECUTE opening a cursor
 * (SERVER_STATUS_CURSOR_EXISTS, no rows); COM_STMT_FETCH; LOCAL INFILE (the response pauses while
 * the client sends the file, see {@link #awaitingClient()}); COM_FIELD_LIST; COM_STATISTICS;
 * COM_CHANGE_USER's authentication exchange; MariaDB progress reports (skipped); ERR in the middle
 * of a result set. Commands without a response are complete from the start.
 *
 * <p>Not thread-safe: one tracker per command, used on the connection's event loop.
 *
 * @see <a href="https://mariadb.com/kb/en/result-set-packets/">Result set packets</a>
 */
public final class ResponseTracker {
    private static final int OK = 0x00;
    private static final int LOCAL_INFILE = 0xFB;
    private static final int EOF = 0xFE;
    private static final int ERR = 0xFF;
    private static final int AUTH_MORE_DATA = 0x01;
    private static final int FAST_AUTH_SUCCESS = 0x03;
    private static final int PROGRESS_REPORT = 0xFFFF;
    private static final int MAX_PAYLOAD = 0xFF_FFFF;

    private enum Phase {
        FIRST, COLUMN_DEFS, COLUMNS_EOF, ROWS, PREPARE_OK_DEFS, PREPARE_PARAMS_EOF, PREPARE_COLUMNS_EOF,
        FIELD_LIST, STATISTICS, AUTH, CLIENT_LOCAL_INFILE, CLIENT_AUTH, DONE
    }

    private final int command;
    private final boolean deprecateEof;
    private final boolean cacheMetadata;
    private final boolean progress;
    private final boolean sessionTrack;
    private final boolean expectsResponse;
    private Phase phase;
    private long remaining;
    private int prepareColumnsLeft;
    private int status;
    private boolean statusSeen;
    private boolean error;
    private int errorCode;
    private long affectedRows;
    private long changedRows = -1;
    private long lastInsertId;
    private int warnings;
    private int resultSets;
    private int statementId;
    private int numColumns;
    private int numParams;
    private long packets;

    private ResponseTracker(int command, long capabilities) {
        this.command = command;
        this.deprecateEof = CapabilityFlags.has(capabilities, CLIENT_DEPRECATE_EOF);
        this.cacheMetadata = CapabilityFlags.has(capabilities, MARIADB_CLIENT_CACHE_METADATA);
        this.progress = CapabilityFlags.has(capabilities, MARIADB_CLIENT_PROGRESS);
        this.sessionTrack = CapabilityFlags.has(capabilities, CapabilityFlags.CLIENT_SESSION_TRACK);
        this.expectsResponse = command != COM_QUIT && command != COM_STMT_CLOSE && command != COM_STMT_SEND_LONG_DATA;
        this.phase = !expectsResponse ? Phase.DONE : switch (command) {
            case COM_STMT_FETCH -> Phase.ROWS;
            case COM_FIELD_LIST -> Phase.FIELD_LIST;
            case COM_STATISTICS -> Phase.STATISTICS;
            case COM_CHANGE_USER -> Phase.AUTH;
            case COM_BINLOG_DUMP, COM_BINLOG_DUMP_GTID, COM_REGISTER_SLAVE -> throw new IllegalArgumentException(
                    "command: " + CommandType.name(command) + " (expected: a command with a bounded response)");
            default -> Phase.FIRST;
        };
    }

    /**
     * A tracker for the response to {@code command} (a command byte) on a connection with the
     * negotiated {@code capabilities}. Replication commands, whose responses are unbounded streams,
     * are rejected.
     */
    public static ResponseTracker forCommand(int command, long capabilities) {
        if (command < 0 || command > 0xFF) {
            throw new IllegalArgumentException("command: " + command + " (expected: 0..255)");
        }
        return new ResponseTracker(command, capabilities);
    }

    /** A tracker for the response to {@code message}. */
    public static ResponseTracker forCommand(ClientMessage message, long capabilities) {
        requireNonNull(message, "message is null");
        return forCommand(commandByte(message), capabilities);
    }

    private static int commandByte(ClientMessage message) {
        return switch (message) {
            case ComQuery q -> COM_QUERY;
            case ComInitDb i -> COM_INIT_DB;
            case ComPing p -> COM_PING;
            case ComQuit q -> COM_QUIT;
            case ComFieldList f -> COM_FIELD_LIST;
            case ComStatistics s -> COM_STATISTICS;
            case ComProcessKill k -> COM_PROCESS_KILL;
            case ComSetOption o -> COM_SET_OPTION;
            case ComResetConnection r -> COM_RESET_CONNECTION;
            case ComChangeUser c -> COM_CHANGE_USER;
            case ComStmtPrepare p -> COM_STMT_PREPARE;
            case ComStmtExecute e -> COM_STMT_EXECUTE;
            case ComStmtBulkExecute b -> COM_STMT_BULK_EXECUTE;
            case ComStmtSendLongData d -> COM_STMT_SEND_LONG_DATA;
            case ComStmtClose c -> COM_STMT_CLOSE;
            case ComStmtReset r -> COM_STMT_RESET;
            case ComStmtFetch f -> COM_STMT_FETCH;
            case ComUnknown u -> u.command();
            case HandshakeResponse41 h -> throw new IllegalArgumentException("HandshakeResponse41 is not a command");
            case SslRequest r -> throw new IllegalArgumentException("SslRequest is not a command");
            case AuthSwitchResponse a -> throw new IllegalArgumentException("AuthSwitchResponse is not a command");
        };
    }

    /**
     * Follows one server payload (reassembled, without the packet header). The buffer's indexes are
     * left unchanged. Returns {@link #isComplete()}.
     *
     * @throws ProtocolException if the payload cannot occur here
     */
    public boolean feed(ByteBuf payload) {
        requireNonNull(payload, "payload is null");
        if (phase == Phase.DONE) {
            throw new ProtocolException("response to " + CommandType.name(command) + ": packet after the end");
        }
        if (phase == Phase.CLIENT_LOCAL_INFILE || phase == Phase.CLIENT_AUTH) {
            throw new ProtocolException("response to " + CommandType.name(command) + ": server packet while the client has to send");
        }
        ByteBuf p = payload.duplicate();
        packets++;
        int header = p.isReadable() ? p.getUnsignedByte(p.readerIndex()) : -1;
        if (header == ERR && phase != Phase.STATISTICS) {
            readErr(p);
            return isComplete();
        }
        switch (phase) {
            case FIRST -> first(p, header);
            case COLUMN_DEFS -> {
                if (--remaining == 0) {
                    phase = deprecateEof ? Phase.ROWS : Phase.COLUMNS_EOF;
                }
            }
            case COLUMNS_EOF -> {
                expectTerminator(p, header, "EOF after column definitions");
                readEof(p);
                // A cursor was opened: the rows come later, by COM_STMT_FETCH.
                phase = ServerStatus.has(status, ServerStatus.SERVER_STATUS_CURSOR_EXISTS) ? Phase.DONE : Phase.ROWS;
            }
            case ROWS -> {
                if (isTerminator(p, header)) {
                    readTerminator(p);
                    afterResult();
                }
            }
            case PREPARE_OK_DEFS -> {
                if (--remaining == 0) {
                    preparedGroupDone();
                }
            }
            case PREPARE_PARAMS_EOF -> {
                expectTerminator(p, header, "EOF after parameter definitions");
                startPrepareColumns();
            }
            case PREPARE_COLUMNS_EOF -> {
                expectTerminator(p, header, "EOF after column definitions");
                phase = Phase.DONE;
            }
            case FIELD_LIST -> {
                if (isTerminator(p, header)) {
                    readTerminator(p);
                    phase = Phase.DONE;
                }
            }
            case STATISTICS -> phase = Phase.DONE;
            case AUTH -> auth(p, header);
            default -> throw new IllegalStateException(phase.name());
        }
        return isComplete();
    }

    private void first(ByteBuf p, int header) {
        switch (header) {
            case OK -> {
                if (command == COM_STMT_PREPARE) {
                    prepareOk(p);
                } else {
                    readOk(p);
                    afterResult();
                }
            }
            case LOCAL_INFILE -> {
                if (command != COM_QUERY) {
                    throw new ProtocolException("LOCAL_INFILE request in the response to " + CommandType.name(command));
                }
                phase = Phase.CLIENT_LOCAL_INFILE;
            }
            case EOF -> {
                // COM_SET_OPTION answers with a bare EOF when CLIENT_DEPRECATE_EOF is off.
                expectTerminator(p, header, "response");
                readTerminator(p);
                afterResult();
            }
            case -1 -> throw new ProtocolException("response to " + CommandType.name(command) + ": empty payload");
            default -> {
                long count = Wire.readLenEncInt(p);
                if (count < 1 || count > 0xFFFF) {
                    throw new ProtocolException("column count: " + Long.toUnsignedString(count) + " (expected: 1..65535)");
                }
                boolean metadata = !cacheMetadata || Wire.readUInt8(p, "metadata follows") != 0;
                numColumns = (int) count;
                remaining = count;
                phase = metadata ? Phase.COLUMN_DEFS : deprecateEof ? Phase.ROWS : Phase.COLUMNS_EOF;
            }
        }
    }

    private void prepareOk(ByteBuf p) {
        Wire.need(p, 12, "COM_STMT_PREPARE_OK");
        p.skipBytes(1);
        statementId = p.readIntLE();
        numColumns = p.readUnsignedShortLE();
        numParams = p.readUnsignedShortLE();
        p.skipBytes(1);
        warnings = p.readUnsignedShortLE();
        prepareColumnsLeft = numColumns;
        if (numParams > 0) {
            remaining = numParams;
            phase = Phase.PREPARE_OK_DEFS;
        } else {
            startPrepareColumns();
        }
    }

    private void preparedGroupDone() {
        boolean params = prepareColumnsLeft >= 0;
        if (!deprecateEof) {
            phase = params ? Phase.PREPARE_PARAMS_EOF : Phase.PREPARE_COLUMNS_EOF;
        } else if (params) {
            startPrepareColumns();
        } else {
            phase = Phase.DONE;
        }
    }

    private void startPrepareColumns() {
        int columns = prepareColumnsLeft;
        prepareColumnsLeft = -1; // marks that the parameter group is behind us
        if (columns > 0) {
            remaining = columns;
            phase = Phase.PREPARE_OK_DEFS;
        } else {
            phase = Phase.DONE;
        }
    }

    private void auth(ByteBuf p, int header) {
        switch (header) {
            case OK -> {
                readOk(p);
                phase = Phase.DONE;
            }
            case EOF -> phase = Phase.CLIENT_AUTH;
            case AUTH_MORE_DATA -> {
                boolean serverContinues = p.readableBytes() == 2 && p.getUnsignedByte(p.readerIndex() + 1) == FAST_AUTH_SUCCESS;
                phase = serverContinues ? Phase.AUTH : Phase.CLIENT_AUTH;
            }
            default -> throw new ProtocolException("authentication packet header: 0x" + Integer.toHexString(header)
                    + " (expected: 0x00, 0x01, 0xfe or 0xff)");
        }
    }

    private void afterResult() {
        resultSets++;
        phase = ServerStatus.has(status, ServerStatus.SERVER_MORE_RESULTS_EXISTS) ? Phase.FIRST : Phase.DONE;
    }

    /**
     * An EOF packet (under 9 bytes) or, with CLIENT_DEPRECATE_EOF, an OK packet with the 0xFE
     * header. A text row may also start with 0xFE (a value of 2^24 bytes or more), but such a row is
     * longer than both limits.
     */
    private boolean isTerminator(ByteBuf p, int header) {
        return header == EOF && p.readableBytes() < (deprecateEof ? MAX_PAYLOAD : 9);
    }

    private void expectTerminator(ByteBuf p, int header, String what) {
        if (header != EOF || p.readableBytes() >= 9 && !deprecateEof) {
            throw new ProtocolException(what + ": header 0x" + Integer.toHexString(header) + ", " + p.readableBytes()
                    + " bytes (expected: an EOF packet)");
        }
    }

    private void readTerminator(ByteBuf p) {
        if (deprecateEof) {
            readOk(p);
        } else {
            readEof(p);
        }
    }

    private void readOk(ByteBuf p) {
        p.skipBytes(1);
        affectedRows = Wire.readLenEncInt(p);
        lastInsertId = Wire.readLenEncInt(p);
        status = Wire.readUInt16(p, "OK status");
        statusSeen = true;
        warnings = Wire.readUInt16(p, "OK warnings");
        error = false;
        changedRows = changed(p);
    }

    /** Where an UPDATE's OK says "Rows matched: M  Changed: C  Warnings: W" in its info, C; else -1. */
    private long changed(ByteBuf p) {
        int from = p.readerIndex();
        int end = p.writerIndex();
        if (sessionTrack && from < end) {
            // the info is a length-encoded string when session tracking was negotiated; its first byte is its length
            int length = p.getUnsignedByte(from);
            if (length >= 0xFB) {
                return -1;
            }
            from++;
            end = Math.min(end, from + length);
        }
        // Every OK passes here: most have no info or another one, told apart by its first bytes.
        if (!startsWith(p, from, end, ROWS_MATCHED)) {
            return -1;
        }
        int at = indexOf(p, from + ROWS_MATCHED.length, end, CHANGED);
        if (at < 0) {
            return -1;
        }
        long value = 0;
        int digits = 0;
        for (int i = at + CHANGED.length; i < end && digits < 19; i++, digits++) {
            int b = p.getUnsignedByte(i);
            if (b < '0' || b > '9') {
                break;
            }
            value = value * 10 + (b - '0');
        }
        return digits == 0 ? -1 : value;
    }

    private static final byte[] ROWS_MATCHED = "Rows matched: ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] CHANGED = "Changed: ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static boolean startsWith(ByteBuf p, int from, int end, byte[] prefix) {
        return end - from >= prefix.length && indexOf(p, from, from + prefix.length, prefix) == from;
    }

    private static int indexOf(ByteBuf p, int from, int end, byte[] needle) {
        outer:
        for (int i = from; i + needle.length <= end; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (p.getByte(i + j) != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private void readEof(ByteBuf p) {
        p.skipBytes(1);
        warnings = Wire.readUInt16(p, "EOF warnings");
        status = Wire.readUInt16(p, "EOF status");
        statusSeen = true;
    }

    private void readErr(ByteBuf p) {
        p.skipBytes(1);
        int code = Wire.readUInt16(p, "ERR code");
        if (code == PROGRESS_REPORT && progress) {
            return; // a MariaDB progress report, not the end of the response
        }
        error = true;
        errorCode = code;
        phase = Phase.DONE;
    }

    /**
     * Tells the tracker that the client finished its part: after a LOCAL INFILE request, the file
     * contents and the empty packet; during COM_CHANGE_USER, its authentication response.
     */
    public void clientSent() {
        if (phase == Phase.CLIENT_LOCAL_INFILE) {
            phase = Phase.FIRST;
        } else if (phase == Phase.CLIENT_AUTH) {
            phase = Phase.AUTH;
        } else {
            throw new IllegalStateException("the client has nothing to send (phase " + phase + ")");
        }
    }

    /** False for commands the server never answers (COM_QUIT, COM_STMT_CLOSE, COM_STMT_SEND_LONG_DATA). */
    public boolean expectsResponse() {
        return expectsResponse;
    }

    /** True once the last packet of the response was fed (immediately for commands without a response). */
    public boolean isComplete() {
        return phase == Phase.DONE;
    }

    /** True while the server waits for the client: the LOCAL INFILE contents or an authentication response. */
    public boolean awaitingClient() {
        return phase == Phase.CLIENT_LOCAL_INFILE || phase == Phase.CLIENT_AUTH;
    }

    /** True while the server waits for the contents of a LOCAL INFILE file. */
    public boolean awaitingLocalInfile() {
        return phase == Phase.CLIENT_LOCAL_INFILE;
    }

    /** The command byte this tracker follows. */
    public int command() {
        return command;
    }

    /** True if the response ended with an ERR packet. */
    public boolean endedInError() {
        return error;
    }

    /** The ERR packet's error code, or 0. */
    public int errorCode() {
        return errorCode;
    }

    /**
     * Whether the response carried server status flags (an OK or EOF). An ERR, a PREPARE_OK without EOF packets
     * and a COM_STATISTICS answer do not: the session's status is what it was.
     */
    public boolean hasStatus() {
        return statusSeen;
    }

    /** Server status flags of the last OK or EOF seen. */
    public int statusFlags() {
        return status;
    }

    /** Affected rows of the last OK packet (unsigned). */
    public long affectedRows() {
        return affectedRows;
    }

    /**
     * The rows an UPDATE changed, as its OK's info says ("Changed: N"), or -1 when the last OK said nothing of it. It
     * differs from {@link #affectedRows()} for a client that counts matched rows ({@code CLIENT_FOUND_ROWS}).
     */
    public long changedRows() {
        return changedRows;
    }

    /** Last insert id of the last OK packet (unsigned). */
    public long lastInsertId() {
        return lastInsertId;
    }

    /** Warning count of the last OK, EOF or PREPARE_OK packet. */
    public int warnings() {
        return warnings;
    }

    /** Results (result sets and OKs) completed so far; more than 1 for multi-statements and CALL. */
    public int results() {
        return resultSets;
    }

    /** COM_STMT_PREPARE: the statement id (unsigned 32-bit). */
    public int statementId() {
        return statementId;
    }

    /** Columns of the last result set, or of the prepared statement. */
    public int numColumns() {
        return numColumns;
    }

    /** COM_STMT_PREPARE: the number of parameters. */
    public int numParams() {
        return numParams;
    }

    /** Server payloads fed so far. */
    public long packets() {
        return packets;
    }

    @Override
    public String toString() {
        return "ResponseTracker[" + CommandType.name(command) + ", phase=" + phase + ", packets=" + packets + "]";
    }
}
