package io.fluxdb.protocol.message.server;

import io.netty.buffer.ByteBuf;

/** A message the server sends. Each one encodes its own payload (without the packet header). */
public sealed interface ServerMessage
        permits HandshakeV10, OkPacket, ErrPacket, EofPacket, AuthSwitchRequest, AuthMoreData, ProgressReport {

    /** Writes the payload for a client with the given capabilities. */
    void encode(ByteBuf out, long capabilities);
}
