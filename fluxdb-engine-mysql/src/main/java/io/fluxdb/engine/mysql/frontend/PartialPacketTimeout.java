package io.fluxdb.engine.mysql.frontend;

import io.fluxdb.protocol.ProtocolException;
import io.fluxdb.protocol.codec.CompressedPacketDecoder;
import io.fluxdb.protocol.codec.PacketFrameDecoder;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Ends a logged-in session that started a packet and stopped sending, as the server's
 * {@code net_read_timeout} does: when no byte has arrived for the timeout while the frame decoder
 * (or, under compression, the inflater) holds part of a packet, a {@link Expired} goes down the pipeline, which the session answers with
 * ER_NET_READ_INTERRUPTED and a close. A session idle between commands holds nothing and is left to
 * the idle timeout.
 */
final class PartialPacketTimeout extends IdleStateHandler {
    static final String NAME = "packet-timeout";

    /** No byte of a started packet for the packet timeout. */
    static final class Expired extends ProtocolException {
        private static final long serialVersionUID = 1L;

        Expired(Duration timeout) {
            super("partial packet: no byte for " + timeout.toMillis() + " ms");
        }
    }

    private final Duration timeout;

    PartialPacketTimeout(Duration timeout) {
        super(timeout.toMillis(), 0, 0, TimeUnit.MILLISECONDS);
        this.timeout = timeout;
    }

    @Override
    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) {
        PacketFrameDecoder frames = ctx.pipeline().get(PacketFrameDecoder.class);
        CompressedPacketDecoder compressed = ctx.pipeline().get(CompressedPacketDecoder.class);
        if ((frames != null && frames.holdsPartialPacket()) || (compressed != null && compressed.holdsPartialPacket())) {
            ctx.fireExceptionCaught(new Expired(timeout));
        }
    }
}
