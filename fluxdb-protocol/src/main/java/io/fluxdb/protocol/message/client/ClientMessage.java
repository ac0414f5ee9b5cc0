package io.fluxdb.protocol.message.client;

import io.netty.buffer.ByteBuf;

/** A message from a client: a packet payload without the 4-byte header. */
public sealed interface ClientMessage
        permits HandshakeResponse41, SslRequest, AuthSwitchResponse,
                ComChangeUser, ComFieldList, ComInitDb, ComPing, ComProcessKill, ComQuery, ComQuit,
                ComResetConnection, ComSetOption, ComStatistics, ComStmtBulkExecute, ComStmtClose,
                ComStmtExecute, ComStmtFetch, ComStmtPrepare, ComStmtReset, ComStmtSendLongData, ComUnknown {
    /** Writes the payload (without the packet header) for a connection with {@code capabilities}. */
    void encode(ByteBuf out, long capabilities);
}
