package io.fluxdb.protocol.message.client;

import static io.fluxdb.protocol.constant.CommandType.*;
import static java.util.Objects.requireNonNull;

import io.fluxdb.protocol.ProtocolException;
import io.fluxdb.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;
import java.util.function.IntFunction;

/** Decodes command-phase payloads by their first byte. */
public final class Commands {
    private Commands() {}

    /**
     * Decodes one command payload. {@code statements} resolves a statement id (including MariaDB's
     * {@link ComStmtExecute#LAST_PREPARED}) to what decoding COM_STMT_EXECUTE and
     * COM_STMT_BULK_EXECUTE needs; it returns {@code null} for an unknown statement, in which case the
     * command decodes as if the statement had no parameters and the server will reject it.
     * Commands this codec does not know decode to {@link ComUnknown}.
     */
    public static ClientMessage decode(ByteBuf payload, long capabilities, IntFunction<StatementContext> statements) {
        requireNonNull(payload, "payload is null");
        requireNonNull(statements, "statements is null");
        Wire.need(payload, 1, "command");
        int command = payload.getUnsignedByte(payload.readerIndex());
        return switch (command) {
            case COM_QUIT -> ComQuit.decode(payload, capabilities);
            case COM_INIT_DB -> ComInitDb.decode(payload, capabilities);
            case COM_QUERY -> ComQuery.decode(payload, capabilities);
            case COM_FIELD_LIST -> ComFieldList.decode(payload, capabilities);
            case COM_STATISTICS -> ComStatistics.decode(payload, capabilities);
            case COM_PROCESS_KILL -> ComProcessKill.decode(payload, capabilities);
            case COM_PING -> ComPing.decode(payload, capabilities);
            case COM_CHANGE_USER -> ComChangeUser.decode(payload, capabilities);
            case COM_STMT_PREPARE -> ComStmtPrepare.decode(payload, capabilities);
            case COM_STMT_EXECUTE -> {
                StatementContext s = context(payload, statements);
                yield s != null ? ComStmtExecute.decode(payload, s) : ComStmtExecute.decode(header(payload, 10), StatementContext.of(0));
            }
            case COM_STMT_SEND_LONG_DATA -> ComStmtSendLongData.decode(payload, capabilities);
            case COM_STMT_CLOSE -> ComStmtClose.decode(payload, capabilities);
            case COM_STMT_RESET -> ComStmtReset.decode(payload, capabilities);
            case COM_SET_OPTION -> ComSetOption.decode(payload, capabilities);
            case COM_STMT_FETCH -> ComStmtFetch.decode(payload, capabilities);
            case COM_RESET_CONNECTION -> ComResetConnection.decode(payload, capabilities);
            case COM_STMT_BULK_EXECUTE -> {
                StatementContext s = context(payload, statements);
                yield s != null ? ComStmtBulkExecute.decode(payload, s.paramCount(), s.previousTypes())
                        : ComStmtBulkExecute.decode(header(payload, 7), 0, java.util.List.of());
            }
            default -> {
                payload.skipBytes(payload.readableBytes());
                yield new ComUnknown(command);
            }
        };
    }

    private static StatementContext context(ByteBuf payload, IntFunction<StatementContext> statements) {
        Wire.need(payload, 5, "statement id");
        return statements.apply(payload.getIntLE(payload.readerIndex() + 1));
    }

    /** The command's fixed header, skipping the parameters of a statement the caller does not know. */
    private static ByteBuf header(ByteBuf payload, int length) {
        Wire.need(payload, length, "command header");
        ByteBuf header = payload.readSlice(length);
        payload.skipBytes(payload.readableBytes());
        return header;
    }

    static void expectCommand(ByteBuf payload, int command) {
        requireNonNull(payload, "payload is null");
        int actual = Wire.readUInt8(payload, "command");
        if (actual != command) {
            throw new ProtocolException("command: 0x" + Integer.toHexString(actual) + " (expected: 0x" + Integer.toHexString(command) + ")");
        }
    }

    static void expectEnd(ByteBuf payload, String what) {
        if (payload.isReadable()) {
            throw new ProtocolException(what + ": " + payload.readableBytes() + " trailing bytes (expected: 0)");
        }
    }
}
