package io.fluxdb.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.protocol.message.client.SslRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Server-side upgrade with two EmbeddedChannels wired back to back. The client's TLS ClientHello is
 * delivered in the same read as its SSLRequest, the case where the frame decoder already holds TLS bytes.
 */
class TlsUpgradeTest {

    @Test
    void serverUpgradeKeepsBytesThatFollowTheSslRequest() throws Exception {
        SelfSignedCertificate cert = new SelfSignedCertificate("localhost");
        SslContext serverContext = SslContextBuilder.forServer(cert.certificate(), cert.privateKey()).build();
        SslContext clientContext = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();

        List<String> received = new ArrayList<>();
        EmbeddedChannel server = new EmbeddedChannel(new PacketFrameDecoder(), new PacketEncoder(),
                new SimpleChannelInboundHandler<Packet>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, Packet p) {
                        if (SslRequest.isSslRequest(p.content())) {
                            TlsUpgrade.startServer(ctx.pipeline(), serverContext);
                            received.add("ssl-request seq " + p.sequenceId());
                        } else {
                            received.add(p.content().toString(java.nio.charset.StandardCharsets.UTF_8) + " seq " + p.sequenceId());
                        }
                    }
                });
        EmbeddedChannel client = new EmbeddedChannel();

        // SSLRequest in clear, immediately followed by the ClientHello: one inbound read on the server.
        ByteBuf sslRequest = Unpooled.buffer();
        sslRequest.writeMediumLE(SslRequest.LENGTH).writeByte(1);
        new SslRequest(0x0000_0a00L | 0x8000L | 0x0200L, 1 << 24, 45).encode(sslRequest, 0);
        SslHandler clientSsl = clientContext.newHandler(client.alloc());
        client.pipeline().addFirst(clientSsl);
        ByteBuf firstRead = Unpooled.wrappedBuffer(sslRequest, drain(client));
        server.writeInbound(firstRead);
        assertThat(received).containsExactly("ssl-request seq 1");

        for (int i = 0; i < 10 && !clientSsl.handshakeFuture().isDone(); i++) {
            client.writeInbound(drain(server));
            server.writeInbound(drain(client));
        }
        assertThat(clientSsl.handshakeFuture().isSuccess()).isTrue();

        // The full handshake response now travels encrypted and is framed by the same decoder.
        client.writeOutbound(Unpooled.buffer().writeMediumLE(5).writeByte(2).writeBytes("hello".getBytes()));
        ByteBuf encrypted = drain(client);
        assertThat(ByteBufUtil.indexOf(Unpooled.wrappedBuffer("hello".getBytes()), encrypted)).isEqualTo(-1);
        server.writeInbound(encrypted);
        assertThat(received).containsExactly("ssl-request seq 1", "hello seq 2");

        server.finishAndReleaseAll();
        client.finishAndReleaseAll();
        cert.delete();
    }

    private static ByteBuf drain(EmbeddedChannel ch) {
        ch.flushOutbound();
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            all.writeBytes(b);
            b.release();
        }
        return all;
    }
}
