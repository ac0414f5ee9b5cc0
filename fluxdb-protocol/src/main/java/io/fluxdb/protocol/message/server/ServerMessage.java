package io.fluxdb.protocol.message.server;

import io.netty.buffer.ByteBuf;

/** A message from the server: a packet payload without the 4-byte header. */
public sealed interface ServerMessage
        permits HandshakeV10, OkPacket, ErrPacket, EofPacket, AuthSwitchRequest, AuthMoreData, ProgressReport,
                BinaryRow, ColumnCount, ColumnDefinition41, LocalInfileRequest, StmtPrepareOk, TextRow {
    /** Writes the payload (without the packet header) for a client with {@code capabilities}. */
    void encode(ByteBuf out, long capabilities);
}
