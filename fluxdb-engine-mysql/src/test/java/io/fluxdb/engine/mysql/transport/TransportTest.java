package io.fluxdb.engine.mysql.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TransportTest {
    @AfterEach
    void clearProperty() {
        System.clearProperty(Transport.PROPERTY);
    }

    @Test
    void autoPicksEpollWhereItLoads() {
        assertThat(Transport.chosen()).isEqualTo(Epoll.isAvailable() ? Transport.EPOLL : Transport.NIO);
    }

    @Test
    void nioCanBeForced() {
        System.setProperty(Transport.PROPERTY, " NIO ");
        assertThat(Transport.chosen()).isEqualTo(Transport.NIO);
    }

    @Test
    void anUnknownTransportIsAClearError() {
        System.setProperty(Transport.PROPERTY, "kqueue");
        assertThatThrownBy(Transport::chosen)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("-Dfluxdb.transport=kqueue is not a transport (expected: auto, epoll or nio)");
    }

    /** Each transport's loops, server channel and client channel work together over a real socket. */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void channelsOfATransportConnectOnItsLoops(Transport transport) throws Exception {
        if (transport == Transport.EPOLL && !Epoll.isAvailable()) {
            return; // nothing to check where the native library does not load
        }
        EventLoopGroup group = transport.newGroup(1, "transport-test");
        try {
            Channel server = new ServerBootstrap().group(group).channel(transport.serverChannel())
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {}
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            Channel client = new Bootstrap().group(group).channel(transport.channel())
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {}
                    })
                    .connect(server.localAddress()).sync().channel();
            assertThat(client.isActive()).isTrue();
            client.close().sync();
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
