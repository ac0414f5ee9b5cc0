package io.fluxdb.protocol.client;

import static java.util.Objects.requireNonNull;

import io.fluxdb.protocol.codec.PacketEncoder;
import io.fluxdb.protocol.codec.PacketFrameDecoder;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.SocketAddress;

/**
 * Opens authenticated connections to a MySQL or MariaDB server. Policy-free: no pooling, retries or
 * timeouts beyond those of the given {@link Bootstrap} and the caller's own.
 */
public final class MySqlClientConnector {
    /** Pipeline names of the handlers left in place after the handshake. */
    public static final String FRAME_DECODER = "frameDecoder";
    public static final String PACKET_ENCODER = "packetEncoder";
    public static final String HANDSHAKE = "handshake";

    private static final PacketEncoder ENCODER = new PacketEncoder();

    private MySqlClientConnector() {}

    /**
     * Connects and authenticates. Cancelling the returned future before it completes closes the
     * connection.
     *
     * @param bootstrap configured with an event loop group and a channel type; its handler is replaced
     * @param maxPayloadLength the largest logical packet accepted from the server
     */
    public static Future<ClientSession> connect(Bootstrap bootstrap, SocketAddress remote,
            ClientHandshakeOptions options, long maxPayloadLength) {
        requireNonNull(bootstrap, "bootstrap is null");
        requireNonNull(remote, "remote is null");
        requireNonNull(options, "options is null");
        Promise<ClientSession> promise = bootstrap.config().group().next().newPromise();
        ChannelFuture connect = bootstrap.clone()
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(FRAME_DECODER, new PacketFrameDecoder(maxPayloadLength));
                        ch.pipeline().addLast(PACKET_ENCODER, ENCODER);
                        ch.pipeline().addLast(HANDSHAKE, new ClientHandshakeHandler(options, promise));
                    }
                })
                .connect(remote);
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                promise.tryFailure(f.cause());
            }
        });
        // A caller that gives up (its own deadline) cancels the login: the half-open connection goes too.
        promise.addListener(f -> {
            if (f.isCancelled()) {
                connect.channel().close();
            }
        });
        return promise;
    }
}
