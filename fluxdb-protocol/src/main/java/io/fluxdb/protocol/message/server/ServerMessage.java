package io.fluxdb.protocol.message.server;

import io.netty.buffer.ByteBuf;

/** A message from the server: a packet payload without the 4-byte header. */
public sealed interface ServerMessage
        permits BinaryRow, ColumnCount, ColumnDefinition41, LocalInfileRequest, StmtPrepareOk, TextRow {
    /** Writes the payload (without the packet header) for a connection with {@code capabilities}. */
    void encode(ByteBuf out, long capabilities);
}
