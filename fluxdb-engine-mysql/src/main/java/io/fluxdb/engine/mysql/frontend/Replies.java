package io.fluxdb.engine.mysql.frontend;

import io.fluxdb.protocol.FluxException;
import io.fluxdb.protocol.codec.Packet;
import io.fluxdb.protocol.constant.MySqlError;
import io.fluxdb.protocol.message.server.AuthMoreData;
import io.fluxdb.protocol.message.server.AuthSwitchRequest;
import io.fluxdb.protocol.message.server.ErrPacket;
import io.fluxdb.protocol.message.server.HandshakeV10;
import io.fluxdb.protocol.message.server.OkPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** Builds the packets the operator itself sends to clients, from the protocol module's messages. */
final class Replies {
    private Replies() {}

    /** How long a last packet may take to go out before the connection is closed without it. */
    private static final long LAST_WRITE_MILLIS = 2000;

    /**
     * Writes a last packet and closes. A client that stopped reading (its receive window full) would keep the write,
     * and so the connection, pending for ever: it is closed after {@value #LAST_WRITE_MILLIS} ms regardless.
     */
    static void writeAndClose(io.netty.channel.ChannelHandlerContext ctx, Packet last) {
        io.netty.channel.ChannelFuture write = ctx.writeAndFlush(last);
        write.addListener(io.netty.channel.ChannelFutureListener.CLOSE);
        if (!write.isDone()) {
            ctx.executor().schedule(() -> {
                ctx.close();
            }, LAST_WRITE_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    static Packet handshake(ByteBufAllocator alloc, HandshakeV10 handshake) {
        ByteBuf out = alloc.buffer(128);
        handshake.encode(out, handshake.capabilities());
        return new Packet(0, out);
    }

    static Packet ok(ByteBufAllocator alloc, int sequenceId, long capabilities, int statusFlags) {
        return ok(alloc, sequenceId, capabilities, statusFlags, "");
    }

    /** An OK with an info text: the one ending an authentication carries {@link TlsProof}'s proof. */
    static Packet ok(ByteBufAllocator alloc, int sequenceId, long capabilities, int statusFlags, String info) {
        ByteBuf out = alloc.buffer(16 + info.length());
        new OkPacket(0, 0, statusFlags, 0, info).encode(out, capabilities);
        return new Packet(sequenceId, out);
    }

    static Packet error(ByteBufAllocator alloc, int sequenceId, long capabilities, int code, String sqlState, String message) {
        ByteBuf out = alloc.buffer(16 + message.length() * 3);
        new ErrPacket(code, sqlState, message).encode(out, capabilities);
        return new Packet(sequenceId, out);
    }

    static Packet error(ByteBufAllocator alloc, int sequenceId, long capabilities, MySqlError error, Object... args) {
        return error(alloc, sequenceId, capabilities, error.code(), error.sqlState(), error.message(args));
    }

    static Packet error(ByteBufAllocator alloc, int sequenceId, long capabilities, FluxException e) {
        return error(alloc, sequenceId, capabilities, e.code(), e.sqlState(), e.getMessage());
    }

    static Packet authSwitch(ByteBufAllocator alloc, int sequenceId, String plugin, byte[] data) {
        ByteBuf out = alloc.buffer(64);
        new AuthSwitchRequest(plugin, data).encode(out, 0);
        return new Packet(sequenceId, out);
    }

    static Packet authMoreData(ByteBufAllocator alloc, int sequenceId, byte[] data) {
        ByteBuf out = alloc.buffer(data.length + 1);
        new AuthMoreData(data).encode(out, 0);
        return new Packet(sequenceId, out);
    }
}
