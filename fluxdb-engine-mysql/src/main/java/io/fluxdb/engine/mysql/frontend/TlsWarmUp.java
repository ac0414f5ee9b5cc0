package io.fluxdb.engine.mysql.frontend;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TLS handshake in memory, against the operator's own certificate, before the port opens. The
 * first handshake of a JVM loads and compiles the whole JSSE stack, which on a loaded machine can
 * take longer than a client's connect timeout: done here, it no longer costs the first client its
 * login (it used to get 1043 Bad handshake), and "listening" means ready to serve TLS.
 */
final class TlsWarmUp {
    private static final Logger log = LoggerFactory.getLogger(TlsWarmUp.class);
    private static final int MAX_STEPS = 1000;

    private TlsWarmUp() {}

    /** Returns whether the handshake completed; a failure is logged, never thrown. */
    static boolean run(SslContext server) {
        long start = System.nanoTime();
        try {
            SslContext client = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();
            SSLEngine c = client.newEngine(ByteBufAllocator.DEFAULT);
            SSLEngine s = server.newEngine(ByteBufAllocator.DEFAULT);
            handshake(c, s);
            log.debug("TLS warmed up in {} ms", (System.nanoTime() - start) / 1_000_000);
            return true;
        } catch (SSLException | RuntimeException e) {
            // Not fatal: clients still get TLS, only the first handshake stays slow.
            log.warn("TLS warm-up failed: {}", e.toString());
            return false;
        }
    }

    private static void handshake(SSLEngine client, SSLEngine server) throws SSLException {
        int size = Math.max(client.getSession().getPacketBufferSize(), server.getSession().getPacketBufferSize());
        ByteBuffer toServer = ByteBuffer.allocate(size * 4);
        ByteBuffer toClient = ByteBuffer.allocate(size * 4);
        ByteBuffer empty = ByteBuffer.allocate(0);
        ByteBuffer sink = ByteBuffer.allocate(client.getSession().getApplicationBufferSize() * 2);
        client.beginHandshake();
        server.beginHandshake();
        for (int i = 0; i < MAX_STEPS && !(done(client) && done(server)); i++) {
            step(client, empty, toServer, toClient, sink);
            step(server, empty, toClient, toServer, sink);
        }
        if (!(done(client) && done(server))) {
            throw new SSLException("handshake did not finish in " + MAX_STEPS + " steps");
        }
    }

    private static boolean done(SSLEngine engine) {
        HandshakeStatus status = engine.getHandshakeStatus();
        return status == HandshakeStatus.NOT_HANDSHAKING || status == HandshakeStatus.FINISHED;
    }

    /** Lets {@code engine} consume what it was sent ({@code in}) and produce what it wants to send ({@code out}). */
    private static void step(SSLEngine engine, ByteBuffer empty, ByteBuffer out, ByteBuffer in, ByteBuffer sink)
            throws SSLException {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
        in.flip();
        while (in.hasRemaining()) {
            sink.clear();
            int before = in.remaining();
            engine.unwrap(in, sink);
            while ((task = engine.getDelegatedTask()) != null) {
                task.run();
            }
            if (in.remaining() == before) {
                break;
            }
        }
        in.compact();
        while (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
            if (engine.wrap(empty, out).bytesProduced() == 0 && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                break;
            }
        }
    }
}
