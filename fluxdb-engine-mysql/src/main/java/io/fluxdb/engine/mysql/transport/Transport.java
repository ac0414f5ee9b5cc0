package io.fluxdb.engine.mysql.transport;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The socket transport of the operator's event loops: Linux's native epoll where Netty's native
 * library loads, else Java NIO. Client channels, engine channels and their event loops must all
 * come from the same transport, since a channel registers only with its own kind of loop.
 *
 * <p>Native epoll matters for a proxy: every statement crosses the operator twice, and epoll's
 * edge-triggered loop and direct {@code writev} spend less CPU per crossing than NIO's selector.
 * {@code -Dfluxdb.transport=nio} forces NIO (for comparison, or where the native library misbehaves).
 */
public enum Transport {
    EPOLL(EpollIoHandler::newFactory, EpollServerSocketChannel.class, EpollSocketChannel.class),
    NIO(NioIoHandler::newFactory, NioServerSocketChannel.class, NioSocketChannel.class);

    /** The system property that forces a transport: {@code nio}, {@code epoll} or {@code auto} (the default). */
    public static final String PROPERTY = "fluxdb.transport";

    private final Supplier<IoHandlerFactory> handlers;
    private final Class<? extends ServerSocketChannel> serverChannel;
    private final Class<? extends SocketChannel> channel;

    Transport(Supplier<IoHandlerFactory> handlers, Class<? extends ServerSocketChannel> serverChannel,
            Class<? extends SocketChannel> channel) {
        this.handlers = handlers;
        this.serverChannel = serverChannel;
        this.channel = channel;
    }

    /**
     * The transport to use: the one {@value #PROPERTY} names, else epoll when available, else NIO.
     *
     * @throws IllegalStateException if epoll is asked for and cannot load, or the property is invalid
     */
    public static Transport chosen() {
        String wanted = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        return switch (wanted) {
            case "auto" -> Epoll.isAvailable() ? EPOLL : NIO;
            case "nio" -> NIO;
            case "epoll" -> {
                if (!Epoll.isAvailable()) {
                    throw new IllegalStateException("-D" + PROPERTY + "=epoll, but native epoll is unavailable: "
                            + Epoll.unavailabilityCause());
                }
                yield EPOLL;
            }
            default -> throw new IllegalStateException(
                    "-D" + PROPERTY + "=" + wanted + " is not a transport (expected: auto, epoll or nio)");
        };
    }

    /** A group of {@code threads} event loops of this transport, with threads named after {@code name}. */
    public MultiThreadIoEventLoopGroup newGroup(int threads, String name) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name), handlers.get());
    }

    public Class<? extends ServerSocketChannel> serverChannel() {
        return serverChannel;
    }

    public Class<? extends SocketChannel> channel() {
        return channel;
    }
}
