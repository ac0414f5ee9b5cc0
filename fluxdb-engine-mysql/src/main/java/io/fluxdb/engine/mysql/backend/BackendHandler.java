package io.fluxdb.engine.mysql.backend;

import io.fluxdb.protocol.codec.Packet;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.ClosedChannelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a backend connection's pipeline after login: hands each engine packet to the
 * connection's current {@link ResponseListener}. A packet that arrives when nobody listens is a
 * protocol violation (the engine answered a command it was not sent): the connection is closed.
 */
final class BackendHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(BackendHandler.class);

    private final BackendConnection connection;

    BackendHandler(BackendConnection connection) {
        this.connection = connection;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ResponseListener listener = connection.listener();
        if (!(msg instanceof Packet packet) || listener == null) {
            log.warn("backend={} - unexpected {} with no command in flight; closing", connection.threadId(), msg);
            ReferenceCountUtil.release(msg);
            connection.markBroken();
            ctx.close();
            return;
        }
        listener.onPacket(packet);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ResponseListener listener = connection.listener();
        if (listener != null) {
            listener.onReadComplete();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connection.markBroken();
        ResponseListener listener = connection.listener();
        if (listener != null) {
            listener.onBackendFailure(new ClosedChannelException());
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("backend={} - failed: {}", connection.threadId(), cause.toString());
        connection.markBroken();
        ResponseListener listener = connection.listener();
        if (listener != null) {
            listener.onBackendFailure(cause);
        }
        ctx.close();
    }
}
