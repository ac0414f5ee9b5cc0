package io.fluxdb.protocol.message.client;

import io.netty.buffer.ByteBuf;

/** A message the client sends. Each one encodes its own payload (without the packet header). */
public sealed interface ClientMessage permits HandshakeResponse41, SslRequest, AuthSwitchResponse {

    /** Writes the payload for a connection with the given capabilities. */
    void encode(ByteBuf out, long capabilities);
}
