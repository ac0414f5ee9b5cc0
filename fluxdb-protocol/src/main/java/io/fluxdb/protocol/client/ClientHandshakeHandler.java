package io.fluxdb.protocol.client;


import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_COMPRESS;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_CONNECT_ATTRS;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_CONNECT_WITH_DB;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_MYSQL;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_PLUGIN_AUTH;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_PROTOCOL_41;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_SECURE_CONNECTION;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_SSL;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_ZSTD_COMPRESSION_ALGORITHM;
import static io.fluxdb.protocol.constant.CapabilityFlags.has;
import static java.util.Objects.requireNonNull;

import io.fluxdb.protocol.ProtocolException;
import io.fluxdb.protocol.auth.ClientAuthenticator;
import io.fluxdb.protocol.auth.NativePassword;
import io.fluxdb.protocol.codec.Packet;
import io.fluxdb.protocol.codec.SequenceTracker;
import io.fluxdb.protocol.codec.TlsUpgrade;
import io.fluxdb.protocol.message.client.AuthSwitchResponse;
import io.fluxdb.protocol.message.client.ClientMessage;
import io.fluxdb.protocol.message.client.HandshakeResponse41;
import io.fluxdb.protocol.message.client.SslRequest;
import io.fluxdb.protocol.message.server.AuthMoreData;
import io.fluxdb.protocol.message.server.AuthSwitchRequest;
import io.fluxdb.protocol.message.server.ErrPacket;
import io.fluxdb.protocol.message.server.HandshakeV10;
import io.fluxdb.protocol.message.server.OkPacket;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The client side of the connection phase: reads the server's handshake, negotiates capabilities,
 * optionally upgrades to TLS, authenticates (following auth switches and extra auth data), then
 * removes itself and completes the promise with a {@link ClientSession}, or fails it with a
 * {@link MySqlServerException} carrying the server's ERR, or another exception. The channel is
 * closed on failure. Sits after {@code PacketFrameDecoder} and {@code PacketEncoder}.
 *
 * @see <a href="https://mariadb.com/kb/en/connection/">Connection</a>
 */
public final class ClientHandshakeHandler extends ChannelInboundHandlerAdapter {
    /** Flags this connector cannot honour, whatever the caller asks for. */
    private static final long UNSUPPORTED = CLIENT_COMPRESS | CLIENT_ZSTD_COMPRESSION_ALGORITHM;

    private enum Phase { AWAIT_HANDSHAKE, AWAIT_TLS, AWAIT_AUTH_RESULT, DONE }

    private final ClientHandshakeOptions options;
    private final Promise<ClientSession> promise;
    private Phase phase = Phase.AWAIT_HANDSHAKE;
    private SequenceTracker sequence;
    private HandshakeV10 handshake;
    private long capabilities;
    private boolean tls;
    private ClientAuthenticator authenticator;
    private byte[] scramble;

    public ClientHandshakeHandler(ClientHandshakeOptions options, Promise<ClientSession> promise) {
        this.options = requireNonNull(options, "options is null");
        this.promise = requireNonNull(promise, "promise is null");
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        sequence = SequenceTracker.of(ctx.channel());
        sequence.reset();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Packet packet)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            sequence.received(packet);
            ByteBuf payload = packet.content();
            switch (phase) {
                case AWAIT_HANDSHAKE -> onHandshake(ctx, payload);
                case AWAIT_AUTH_RESULT -> onAuthResult(ctx, payload);
                default -> throw new ProtocolException("unexpected packet in phase " + phase);
            }
        } catch (RuntimeException e) {
            fail(ctx, e);
        } finally {
            ReferenceCountUtil.release(packet);
        }
    }

    private void onHandshake(ChannelHandlerContext ctx, ByteBuf payload) {
        if (isErr(payload)) {
            // Sent before capabilities are known (e.g. too many connections): no SQLSTATE marker.
            throw new MySqlServerException(ErrPacket.decode(payload, 0));
        }
        handshake = HandshakeV10.decode(payload, 0);
        long server = handshake.capabilities();
        if (!has(server, CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION)) {
            throw new ProtocolException("server capabilities: 0x" + Long.toHexString(server)
                    + " (expected: CLIENT_PROTOCOL_41 and CLIENT_SECURE_CONNECTION)");
        }
        boolean wantTls = options.tlsMode() != TlsMode.DISABLED && has(server, CLIENT_SSL);
        if (options.tlsMode() == TlsMode.REQUIRED && !wantTls) {
            throw new ProtocolException("server does not offer TLS (CLIENT_SSL), which is required");
        }
        capabilities = negotiate(server, wantTls);
        // A server without CLIENT_PLUGIN_AUTH (or an empty name) means mysql_native_password.
        authenticator = options.authenticators().apply(
                handshake.authPluginName().isEmpty() ? NativePassword.NAME : handshake.authPluginName());
        scramble = handshake.scramble();
        if (wantTls) {
            send(ctx, new SslRequest(capabilities, options.maxPacketSize(), options.characterSet()));
            phase = Phase.AWAIT_TLS;
            SocketAddress remote = ctx.channel().remoteAddress();
            SslHandler ssl = remote instanceof InetSocketAddress inet
                    ? TlsUpgrade.startClient(ctx.pipeline(), options.sslContext(), inet.getHostString(), inet.getPort())
                    : TlsUpgrade.startClient(ctx.pipeline(), options.sslContext(), null, 0);
            ssl.handshakeFuture().addListener(f -> {
                if (f.isSuccess()) {
                    tls = true;
                    sendResponse(ctx);
                } else {
                    fail(ctx, f.cause());
                }
            });
        } else {
            sendResponse(ctx);
        }
    }

    private long negotiate(long server, boolean wantTls) {
        long wanted = options.capabilities() | CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH;
        if (options.database() != null) {
            wanted |= CLIENT_CONNECT_WITH_DB;
        } else {
            wanted &= ~CLIENT_CONNECT_WITH_DB;
        }
        if (!options.connectAttributes().isEmpty()) {
            wanted |= CLIENT_CONNECT_ATTRS;
        }
        wanted = wantTls ? wanted | CLIENT_SSL : wanted & ~CLIENT_SSL;
        long caps = wanted & server & ~UNSUPPORTED;
        // Extended capabilities only exist between MariaDB peers; a MySQL server sets CLIENT_MYSQL.
        return has(server, CLIENT_MYSQL) ? caps & 0xFFFF_FFFFL : caps & ~CLIENT_MYSQL;
    }

    private java.util.Map<String, String> attributes() {
        java.util.Map<String, String> extra = options.scrambleAttributes().apply(scramble.clone());
        if (extra.isEmpty()) {
            return options.connectAttributes();
        }
        java.util.Map<String, String> all = new java.util.LinkedHashMap<>(options.connectAttributes());
        all.putAll(extra);
        return all;
    }

    private void sendResponse(ChannelHandlerContext ctx) {
        try {
            phase = Phase.AWAIT_AUTH_RESULT;
            byte[] auth = authenticator.initialResponse(scramble, tls);
            send(ctx, new HandshakeResponse41(capabilities, options.maxPacketSize(), options.characterSet(),
                    options.user(), auth,
                    has(capabilities, CLIENT_CONNECT_WITH_DB) ? options.database() : null,
                    has(capabilities, CLIENT_PLUGIN_AUTH) ? authenticator.pluginName() : null,
                    has(capabilities, CLIENT_CONNECT_ATTRS) ? attributes() : java.util.Map.of()));
        } catch (RuntimeException e) {
            fail(ctx, e);
        }
    }

    private void onAuthResult(ChannelHandlerContext ctx, ByteBuf payload) {
        if (!payload.isReadable()) {
            throw new ProtocolException("authentication result: empty packet");
        }
        switch (payload.getUnsignedByte(payload.readerIndex())) {
            case OkPacket.HEADER -> succeed(ctx, OkPacket.decode(payload, capabilities));
            case ErrPacket.HEADER -> throw new MySqlServerException(ErrPacket.decode(payload, capabilities));
            case AuthSwitchRequest.HEADER -> {
                AuthSwitchRequest request = AuthSwitchRequest.decode(payload, capabilities);
                authenticator = options.authenticators().apply(request.pluginName());
                scramble = request.scramble();
                send(ctx, new AuthSwitchResponse(authenticator.initialResponse(scramble, tls)));
            }
            case AuthMoreData.HEADER -> {
                AuthMoreData more = AuthMoreData.decode(payload, capabilities);
                byte[] reply = authenticator.onMoreData(more.data()).orElse(null);
                if (reply != null) {
                    send(ctx, new AuthSwitchResponse(reply));
                }
            }
            default -> throw new ProtocolException("authentication result header: 0x"
                    + Integer.toHexString(payload.getUnsignedByte(payload.readerIndex())) + " (expected: 0x00, 0xff, 0xfe or 0x01)");
        }
    }

    private void send(ChannelHandlerContext ctx, ClientMessage message) {
        ByteBuf payload = ctx.alloc().buffer();
        try {
            message.encode(payload, capabilities);
        } catch (RuntimeException e) {
            payload.release();
            throw e;
        }
        ctx.writeAndFlush(new Packet(sequence.next(), payload)).addListener(f -> {
            if (!f.isSuccess()) {
                fail(ctx, f.cause());
            }
        });
    }

    private void succeed(ChannelHandlerContext ctx, OkPacket ok) {
        phase = Phase.DONE;
        sequence.reset();
        ctx.pipeline().remove(this);
        promise.trySuccess(new ClientSession(ctx.channel(), handshake, capabilities, authenticator.pluginName(), tls, ok));
    }

    private void fail(ChannelHandlerContext ctx, Throwable cause) {
        if (phase == Phase.DONE) {
            return;
        }
        phase = Phase.DONE;
        promise.tryFailure(cause);
        ctx.close();
    }

    private static boolean isErr(ByteBuf payload) {
        return payload.isReadable() && payload.getUnsignedByte(payload.readerIndex()) == ErrPacket.HEADER;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        fail(ctx, new ProtocolException("connection closed during the handshake"));
        super.channelInactive(ctx);
    }
}
