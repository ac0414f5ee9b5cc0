package io.fluxdb.protocol.codec;

import static java.util.Objects.requireNonNull;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

/**
 * In-band TLS upgrade after an SSLRequest. The {@link SslHandler} goes first in the pipeline, in
 * front of the {@link PacketFrameDecoder}, which keeps its state; packets then flow through TLS.
 *
 * @see <a href="https://mariadb.com/kb/en/connection/#sslrequest-packet">SSLRequest packet</a>
 */
public final class TlsUpgrade {
    /** The pipeline name of the inserted handler. */
    public static final String HANDLER_NAME = "tls";

    private TlsUpgrade() {}

    /**
     * Server side: call while handling the SSLRequest packet, on the event loop. Bytes that followed
     * the SSLRequest in the same read (the start of the client's TLS handshake) are re-injected into
     * the new handler, so nothing is lost or misread as a packet.
     *
     * @throws IllegalStateException if the pipeline has no {@link PacketFrameDecoder}
     */
    public static SslHandler startServer(ChannelPipeline pipeline, SslContext sslContext) {
        requireNonNull(pipeline, "pipeline is null");
        requireNonNull(sslContext, "sslContext is null");
        PacketFrameDecoder decoder = pipeline.get(PacketFrameDecoder.class);
        if (decoder == null) {
            throw new IllegalStateException("no PacketFrameDecoder in the pipeline");
        }
        SslHandler ssl = sslContext.newHandler(pipeline.channel().alloc());
        pipeline.addFirst(HANDLER_NAME, ssl);
        decoder.handOffRemainingInbound();
        return ssl;
    }

    /**
     * Client side: call after the SSLRequest has been written and before the full handshake
     * response; send that response once {@link SslHandler#handshakeFuture()} succeeds.
     *
     * @param peerHost the server name for SNI and host name verification, or null
     */
    public static SslHandler startClient(ChannelPipeline pipeline, SslContext sslContext, String peerHost, int peerPort) {
        requireNonNull(pipeline, "pipeline is null");
        requireNonNull(sslContext, "sslContext is null");
        SslHandler ssl = peerHost == null
                ? sslContext.newHandler(pipeline.channel().alloc())
                : sslContext.newHandler(pipeline.channel().alloc(), peerHost, peerPort);
        pipeline.addFirst(HANDLER_NAME, ssl);
        return ssl;
    }
}
