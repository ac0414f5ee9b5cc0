package io.fluxdb.engine.mysql.differential;

import static java.util.Objects.requireNonNull;

import io.fluxdb.protocol.auth.AuthPlugins;
import io.fluxdb.protocol.client.ClientHandshakeOptions;
import io.fluxdb.protocol.client.ClientSession;
import io.fluxdb.protocol.client.MySqlClientConnector;
import io.fluxdb.protocol.client.TlsMode;
import io.fluxdb.protocol.codec.Packet;
import io.fluxdb.protocol.codec.PacketFrameDecoder;
import io.fluxdb.protocol.codec.ResponseTracker;
import io.fluxdb.protocol.constant.Collations;
import io.fluxdb.protocol.message.client.ClientMessage;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A raw MySQL client for differential tests: logs in with exactly the capabilities asked for, then
 * sends one command at a time and returns every packet of the response, as received, up to the
 * point where {@link ResponseTracker} says the response is complete. Public for the cluster tests of other modules
 * that read what JDBC drivers do not show (session-state entries of OK packets).
 */
public final class WireClient implements AutoCloseable {
    private static final long TIMEOUT_SECONDS = 60;

    /** One logical packet as received: its sequence ids and its payload. */
    public record Frame(int sequenceId, int lastSequenceId, byte[] payload) {
        public int header() {
            return payload.length == 0 ? -1 : payload[0] & 0xFF;
        }
    }

    /** The response to one command, and what the tracker learnt while following it. */
    public record Response(List<Frame> frames, boolean endedInError, int statusFlags, int statementId, int numParams) {}

    private final ClientSession session;
    private final BlockingQueue<Object> inbound = new LinkedBlockingQueue<>();

    private WireClient(ClientSession session) {
        this.session = session;
        session.channel().pipeline().addLast("collect", new SimpleChannelInboundHandler<Packet>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, Packet p) {
                inbound.add(new Frame(p.sequenceId(), p.lastSequenceId(), ByteBufUtil.getBytes(p.content())));
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                inbound.add(cause);
                ctx.close();
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                inbound.add(new ClosedChannelException());
            }
        });
    }

    public static WireClient connect(EventLoopGroup group, String host, int port, String user, String password,
            String database, long capabilities) throws Exception {
        ClientHandshakeOptions options = new ClientHandshakeOptions(user, database, capabilities,
                Collations.UTF8MB4_GENERAL_CI, 1 << 30, Map.of(), plugin -> AuthPlugins.client(plugin, password),
                TlsMode.DISABLED, null);
        Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class);
        ClientSession session = MySqlClientConnector.connect(bootstrap, new InetSocketAddress(host, port), options,
                PacketFrameDecoder.DEFAULT_MAX_PAYLOAD).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return new WireClient(session);
    }

    ClientSession session() {
        return session;
    }

    public long capabilities() {
        return session.capabilities();
    }

    /** Sends {@code command} and collects its whole response. */
    public Response execute(ClientMessage command) throws Exception {
        requireNonNull(command, "command is null");
        ResponseTracker tracker = ResponseTracker.forCommand(command, session.capabilities());
        write(command);
        List<Frame> frames = new ArrayList<>();
        while (!tracker.isComplete()) {
            Frame frame = next();
            frames.add(frame);
            tracker.feed(Unpooled.wrappedBuffer(frame.payload()));
        }
        return new Response(frames, tracker.endedInError(), tracker.statusFlags(), tracker.statementId(),
                tracker.numParams());
    }

    /** Sends a command the server never answers (COM_STMT_CLOSE, COM_STMT_SEND_LONG_DATA). */
    void send(ClientMessage command) throws Exception {
        if (ResponseTracker.forCommand(command, session.capabilities()).expectsResponse()) {
            throw new IllegalArgumentException(command + " expects a response");
        }
        write(command);
    }

    private void write(ClientMessage command) throws Exception {
        ByteBuf payload = Unpooled.buffer();
        command.encode(payload, session.capabilities());
        session.channel().writeAndFlush(new Packet(0, payload)).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private Frame next() throws Exception {
        Object o = inbound.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (o == null) {
            throw new IOException("no response within " + TIMEOUT_SECONDS + " s");
        }
        if (o instanceof Throwable t) {
            throw new IOException("connection failed while reading a response", t);
        }
        return (Frame) o;
    }

    @Override
    public void close() throws InterruptedException {
        session.channel().close().sync();
    }
}
