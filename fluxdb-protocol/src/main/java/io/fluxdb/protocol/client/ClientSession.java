package io.fluxdb.protocol.client;

import static java.util.Objects.requireNonNull;

import io.fluxdb.protocol.message.server.HandshakeV10;
import io.fluxdb.protocol.message.server.OkPacket;
import io.netty.channel.Channel;

/**
 * An authenticated connection. The channel's pipeline holds the {@code PacketFrameDecoder} and
 * {@code PacketEncoder} (and TLS when {@code tls}); the caller adds its own handlers and exchanges
 * {@code Packet}s, starting each command at sequence id 0.
 *
 * @param capabilities what the client sent (MariaDB extended ones in bits 32-63), i.e. the
 *     negotiated set
 * @param ok the server's final OK
 */
public record ClientSession(Channel channel, HandshakeV10 serverHandshake, long capabilities, String authPluginName,
        boolean tls, OkPacket ok) {

    public ClientSession {
        requireNonNull(channel, "channel is null");
        requireNonNull(serverHandshake, "serverHandshake is null");
        requireNonNull(authPluginName, "authPluginName is null");
        requireNonNull(ok, "ok is null");
    }

    /** The server's id for this connection (MariaDB's thread id). */
    public long connectionId() {
        return serverHandshake.connectionId();
    }
}
