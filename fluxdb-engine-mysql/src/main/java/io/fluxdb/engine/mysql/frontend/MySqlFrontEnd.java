package io.fluxdb.engine.mysql.frontend;

import static java.util.Objects.requireNonNull;

import io.fluxdb.engine.mysql.transport.Transport;
import io.fluxdb.protocol.codec.PacketEncoder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MySQL listener: accepts client connections and runs each through a {@link LoginHandler} and
 * then a {@link ClientSession}. Closing it stops accepting, lets running statements finish within
 * the configured grace period, tells every session ER_SERVER_SHUTDOWN and closes the event loops.
 */
public final class MySqlFrontEnd implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MySqlFrontEnd.class);
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

    private final FrontEndServices services;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ChannelGroup clients = new DefaultChannelGroup("fluxdb-clients", GlobalEventExecutor.INSTANCE);
    private final Transport transport;
    private Channel server;

    MySqlFrontEnd(FrontEndServices services, Transport transport, EventLoopGroup workers) {
        this.services = requireNonNull(services, "services is null");
        this.transport = requireNonNull(transport, "transport is null");
        this.boss = transport.newGroup(1, "fluxdb-accept");
        this.workers = requireNonNull(workers, "workers is null");
    }

    /** Binds the client port; returns the bound address. */
    InetSocketAddress bind() throws InterruptedException {
        ProxyConfig config = services.config();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        clients.add(ch);
                        ch.pipeline()
                                .addLast("idle", new IdleStateHandler(config.idleTimeout().toMillis(), 0, 0,
                                        TimeUnit.MILLISECONDS))
                                .addLast("frame", LoginHandler.frameDecoder(config))
                                .addLast("encoder", new PacketEncoder())
                                .addLast("login", new LoginHandler(services));
                    }
                });
        server = bootstrap.bind(config.listen()).sync().channel();
        InetSocketAddress bound = (InetSocketAddress) server.localAddress();
        log.info("MySQL front end listening on {} (engine {}, TLS {}, {} transport)", bound,
                services.engine().serverVersion(), config.tls().isPresent() ? "offered" : "off",
                transport.name().toLowerCase(java.util.Locale.ROOT));
        return bound;
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    /** Sessions open now (including those still logging in). */
    public int openConnections() {
        return services.registry().openConnections();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        services.registry().sessions().forEach(ClientSession::shutdown);
        long deadline = System.nanoTime() + services.config().shutdownGrace().toNanos();
        while (!services.registry().sessions().isEmpty() && System.nanoTime() < deadline) {
            // Sessions close themselves once their running statement completes; poll with a short bound.
            clients.newCloseFuture().awaitUninterruptibly(50);
        }
        clients.close().awaitUninterruptibly(Duration.ofSeconds(5).toMillis());
        services.backends().close();
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        log.info("MySQL front end closed");
    }
}
