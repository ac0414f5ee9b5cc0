package io.fluxdb.engine.mysql.frontend;

import io.fluxdb.engine.mysql.backend.BackendConnection;
import io.fluxdb.engine.mysql.backend.ResponseListener;
import io.fluxdb.protocol.codec.Packet;
import io.fluxdb.protocol.codec.ResponseTracker;
import io.fluxdb.protocol.constant.ServerStatus;
import io.fluxdb.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The engine's response to a client's write, held back until the write is committed in the log: an autocommit
 * statement must not be acknowledged before a majority holds it. Once released, the packets reach the client as
 * the engine sent them, except that the status flags no longer show the transaction the operator wrapped the
 * statement in.
 */
final class HeldResponse implements ResponseListener, Exchange {
    private final ChannelHandlerContext client;
    private final BackendConnection backend;
    private final Packet command;
    private final ResponseTracker tracker;
    private final Consumer<HeldResponse> onComplete;
    /** Packets in arrival order, and for each whether it ends a result (an OK or EOF carrying status flags). */
    private final List<Packet> packets = new ArrayList<>();
    private final List<Boolean> endsResult = new ArrayList<>();
    private final InfileForwarder infile;
    private Throwable failure;
    private boolean done;

    HeldResponse(ChannelHandlerContext client, BackendConnection backend, Packet command, long capabilities,
            Consumer<HeldResponse> onComplete) {
        this(client, backend, command, capabilities, InfileForwarder.forwarding(), onComplete);
    }

    /** With {@code infile}, which forwards (and may keep) the file of a LOAD DATA LOCAL INFILE. */
    HeldResponse(ChannelHandlerContext client, BackendConnection backend, Packet command, long capabilities,
            InfileForwarder infile, Consumer<HeldResponse> onComplete) {
        this.infile = infile;
        this.client = client;
        this.backend = backend;
        this.command = command;
        ByteBuf payload = command.content();
        this.tracker = ResponseTracker.forCommand(payload.getUnsignedByte(payload.readerIndex()), capabilities);
        this.onComplete = onComplete;
    }

    void start() {
        backend.send(command, this).addListener(f -> {
            if (!f.isSuccess()) {
                onBackendFailure(f.cause());
            }
        });
    }

    @Override
    public void onPacket(Packet packet) {
        int before = tracker.results();
        boolean complete;
        try {
            complete = tracker.feed(packet.content());
        } catch (RuntimeException e) {
            packet.release();
            onBackendFailure(e);
            return;
        }
        if (tracker.awaitingLocalInfile()) {
            // The engine asks for the client's file: that request cannot wait for the commit. It is no result, so
            // the packets held before it (none, for one statement) keep their order.
            infile.requested(packet);
            client.writeAndFlush(packet);
            return;
        }
        packets.add(packet);
        endsResult.add(tracker.results() > before);
        if (complete) {
            backend.idle();
            finish();
        }
    }

    @Override
    public void onBackendFailure(Throwable cause) {
        failure = cause;
        finish();
    }

    private void finish() {
        if (client.executor().inEventLoop()) {
            complete();
        } else {
            client.executor().execute(this::complete);
        }
    }

    private void complete() {
        if (!done) {
            done = true;
            onComplete.accept(this);
        }
    }

    /** The connection failed before the response was complete, or null. */
    Throwable failure() {
        return failure;
    }

    ResponseTracker tracker() {
        return tracker;
    }

    /**
     * Sends the held packets to the client. With {@code clearInTransaction}, SERVER_STATUS_IN_TRANS is cleared in
     * every packet that ends a result, as MariaDB reports an autocommit statement.
     */
    void release(boolean clearInTransaction) {
        release(clearInTransaction, UnaryOperator.identity());
    }

    /** {@link #release(boolean)}, the last packet passed through {@code last} first (it may replace it). */
    void release(boolean clearInTransaction, UnaryOperator<Packet> last) {
        for (int i = 0; i < packets.size(); i++) {
            Packet p = packets.get(i);
            if (clearInTransaction && endsResult.get(i)) {
                clearInTransaction(p.content());
            }
            client.write(i == packets.size() - 1 ? last.apply(p) : p);
        }
        packets.clear();
        client.flush();
    }

    /** Drops the held packets (the client gets another answer). */
    void discard() {
        packets.forEach(Packet::release);
        packets.clear();
    }

    /** OK: header, affected rows, insert id, then the status flags. EOF: header, warnings, then the status flags. */
    private static void clearInTransaction(ByteBuf payload) {
        int start = payload.readerIndex();
        int header = payload.getUnsignedByte(start);
        int statusAt;
        if (header == 0xFE && payload.readableBytes() < 9) {
            statusAt = start + 3;
        } else if (header == 0x00 || header == 0xFE) {
            ByteBuf p = payload.duplicate().skipBytes(1);
            Wire.readLenEncInt(p);
            Wire.readLenEncInt(p);
            statusAt = p.readerIndex();
        } else {
            return;
        }
        int status = payload.getUnsignedShortLE(statusAt);
        payload.setShortLE(statusAt, status & ~ServerStatus.SERVER_STATUS_IN_TRANS);
    }

    /** The file the client sent for a LOAD DATA LOCAL INFILE, as far as it was kept. */
    InfileForwarder infile() {
        return infile;
    }

    @Override
    public boolean wantsClientData() {
        return tracker.awaitingLocalInfile();
    }

    @Override
    public void clientData(Packet packet) {
        if (infile.forward(packet, backend)) {
            tracker.clientSent();
        }
    }
}
