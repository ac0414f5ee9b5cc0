package io.fluxdb.engine.mysql.backend;

import static java.util.Objects.requireNonNull;

import io.fluxdb.protocol.codec.Packet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.util.concurrent.CompletableFuture;

/**
 * One logged-in connection to the engine, pinned to one client session at a time. The session
 * sends commands through it and receives the engine's packets through a {@link ResponseListener}.
 */
public final class BackendConnection {
    private final Channel channel;
    private final BackendKey key;
    private final long threadId;
    private final String serverVersion;
    private volatile ResponseListener listener;
    private volatile boolean broken;
    /** Set once when the pool stops counting this connection, so that a second discard cannot uncount another. */
    private final java.util.concurrent.atomic.AtomicBoolean uncounted = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile long idleSinceNanos = System.nanoTime();
    /** The session's collation now: the login's, or the one a SET NAMES of the pool chose on reuse. */
    private volatile int collation;

    BackendConnection(Channel channel, BackendKey key, long threadId, String serverVersion) {
        this.channel = requireNonNull(channel, "channel is null");
        this.key = requireNonNull(key, "key is null");
        this.collation = key.collation();
        this.threadId = threadId;
        this.serverVersion = requireNonNull(serverVersion, "serverVersion is null");
    }

    /** Installs the handler that routes packets to listeners; called once the login completed. */
    void attach() {
        channel.pipeline().addLast("backend", new BackendHandler(this));
    }

    public BackendKey key() {
        return key;
    }

    /** The collation id of the engine session now (character_set_client, _connection and _results). */
    public int collation() {
        return collation;
    }

    void collation(int id) {
        collation = id;
    }

    /** The engine's thread id for this connection (what {@code KILL} on the engine takes). */
    public long threadId() {
        return threadId;
    }

    public String serverVersion() {
        return serverVersion;
    }

    public Channel channel() {
        return channel;
    }

    ResponseListener listener() {
        return listener;
    }

    /**
     * Sends a command (sequence id 0) and routes the response to {@code responseListener}.
     * The packet is released by the write.
     */
    public ChannelFuture send(Packet command, ResponseListener responseListener) {
        this.listener = requireNonNull(responseListener, "responseListener is null");
        return channel.writeAndFlush(command);
    }

    /** Forwards a further client packet of the same exchange (LOCAL INFILE data, auth data). */
    public ChannelFuture sendMore(Packet packet) {
        return channel.writeAndFlush(packet);
    }

    /**
     * Sends a command whose whole response is one OK or ERR packet (COM_PING, COM_RESET_CONNECTION,
     * COM_INIT_DB) and completes with that packet's payload; the caller releases it.
     */
    public CompletableFuture<ByteBuf> simpleCommand(byte[] payload) {
        CompletableFuture<ByteBuf> result = new CompletableFuture<>();
        send(new Packet(0, Unpooled.wrappedBuffer(payload)), new ResponseListener() {
            @Override
            public void onPacket(Packet packet) {
                listener = null;
                if (!result.complete(packet.content())) {
                    packet.release();
                }
            }

            @Override
            public void onBackendFailure(Throwable cause) {
                listener = null;
                result.completeExceptionally(cause);
            }
        }).addListener(f -> {
            if (!f.isSuccess()) {
                markBroken();
                result.completeExceptionally(f.cause());
            }
        });
        return result;
    }

    /** Whether a request is outstanding: a listener waits for (the rest of) its answer. */
    public boolean busy() {
        return listener != null;
    }

    /** Detaches the current listener: the exchange is complete. */
    public void idle() {
        listener = null;
        idleSinceNanos = System.nanoTime();
    }

    long idleSinceNanos() {
        return idleSinceNanos;
    }

    /** Marks the connection unusable (class-08 error, closed socket, protocol violation). */
    public void markBroken() {
        broken = true;
    }

    public boolean isUsable() {
        return !broken && channel.isActive();
    }

    /** True the first time only: the pool uncounts a connection once, however many paths discard it. */
    boolean uncount() {
        return uncounted.compareAndSet(false, true);
    }

    public ChannelFuture close() {
        broken = true;
        return channel.close();
    }

    @Override
    public String toString() {
        return "BackendConnection[thread=" + threadId + ", user=" + key.user() + ", " + channel + "]";
    }
}
