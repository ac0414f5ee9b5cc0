package io.fluxdb.engine.mysql.frontend;

import io.fluxdb.engine.mysql.backend.BackendConnection;
import io.fluxdb.engine.mysql.backend.ResponseListener;
import io.fluxdb.protocol.codec.Packet;
import io.fluxdb.protocol.codec.ResponseTracker;
import io.fluxdb.protocol.constant.CommandType;
import io.fluxdb.protocol.message.server.ErrPacket;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import java.util.function.Consumer;

/**
 * Relays the engine's response to one client command, packet by packet and without decoding rows,
 * until the protocol module's {@link ResponseTracker} says the response is complete. Writes are
 * flushed once per read burst from the engine, and the engine is paused while the client's socket
 * is full, so a large result set streams through in bounded memory.
 */
final class ResponseRelay implements ResponseListener, Exchange {

    /**
     * Takes over an engine error before the client sees it, when the operator has a better answer: a statement
     * the engine refused in read-only mode is a write the classifier missed.
     */
    interface ErrorInterceptor {
        /** Whether the response's ERR with this code goes to {@link #intercepted} instead of the client. */
        boolean intercept(int errorCode);

        /** Called on the session's event loop with the command still running; the interceptor completes it. */
        void intercepted(ResponseRelay relay, ErrPacket error);
    }

    private final ClientSession session;
    private final ChannelHandlerContext client;
    private final BackendConnection backend;
    private final Packet command;
    private final long capabilities;
    private final ResponseTracker tracker;
    private final Consumer<ResponseRelay> onSuccess;
    private final ErrorInterceptor interceptor;
    private final InfileForwarder infile;
    /** Whether the response answers a statement (its last OK may tell the client its commit token). */
    private final boolean answersStatement;
    private boolean started;
    private boolean done;

    ResponseRelay(ClientSession session, ChannelHandlerContext client, BackendConnection backend, Packet command,
            long capabilities, Consumer<ResponseRelay> onSuccess) {
        this(session, client, backend, command, capabilities, onSuccess, null, InfileForwarder.forwarding());
    }

    ResponseRelay(ClientSession session, ChannelHandlerContext client, BackendConnection backend, Packet command,
            long capabilities, Consumer<ResponseRelay> onSuccess, ErrorInterceptor interceptor,
            InfileForwarder infile) {
        this.session = session;
        this.client = client;
        this.backend = backend;
        this.command = command;
        this.capabilities = capabilities;
        ByteBuf payload = command.content();
        int commandType = payload.getUnsignedByte(payload.readerIndex());
        this.tracker = ResponseTracker.forCommand(commandType, capabilities);
        this.answersStatement = commandType == CommandType.COM_QUERY || commandType == CommandType.COM_STMT_EXECUTE;
        this.onSuccess = onSuccess;
        this.interceptor = interceptor;
        this.infile = infile;
    }

    /** The file the client sent for a LOAD DATA LOCAL INFILE, as far as it was kept. */
    InfileForwarder infile() {
        return infile;
    }

    /** What the engine's response said so far (affected rows, insert id, status). */
    ResponseTracker tracker() {
        return tracker;
    }

    void start() {
        if (!tracker.expectsResponse()) {
            // COM_STMT_CLOSE and COM_STMT_SEND_LONG_DATA: the engine answers nothing, and neither do we.
            backend.sendMore(command);
            finish();
            return;
        }
        backend.send(command, this).addListener(f -> {
            if (!f.isSuccess()) {
                onBackendFailure(f.cause());
            }
        });
    }

    @Override
    public void onPacket(Packet packet) {
        if (!started && interceptor != null && isInterceptedError(packet.content())) {
            ErrPacket error = ErrPacket.decode(packet.content().duplicate(), capabilities);
            packet.release();
            backend.idle();
            done = true;
            onEventLoop(() -> interceptor.intercepted(this, error));
            return;
        }
        started = true;
        boolean complete = tracker.feed(packet.content());
        boolean infileRequested = tracker.awaitingLocalInfile();
        if (infileRequested) {
            infile.requested(packet);
        }
        client.write(complete && answersStatement ? session.lastPacket(packet, backend, tracker) : packet);
        if (infileRequested) {
            client.flush();
            onEventLoop(session::clientDataWanted);
        }
        if (!client.channel().isWritable()) {
            backend.channel().config().setAutoRead(false);
        }
        if (complete) {
            client.flush();
            // The client may drain after this exchange ended, when no relay is left to resume the engine:
            // resume now, or the next command's response would never be read.
            resumeBackend();
            backend.idle();
            onEventLoop(this::finish);
        }
    }

    private boolean isInterceptedError(ByteBuf payload) {
        return payload.readableBytes() >= 3 && payload.getUnsignedByte(payload.readerIndex()) == 0xFF
                && interceptor.intercept(payload.getUnsignedShortLE(payload.readerIndex() + 1));
    }

    @Override
    public void onReadComplete() {
        client.flush();
    }

    @Override
    public void onBackendFailure(Throwable cause) {
        onEventLoop(() -> {
            if (!done) {
                done = true;
                session.backendLost(backend, cause, started);
            }
        });
    }

    /** True while the engine waits for data from the client (LOAD DATA LOCAL INFILE contents). */
    @Override
    public boolean wantsClientData() {
        return tracker.awaitingLocalInfile();
    }

    /** Forwards a packet of file contents from the client to the engine (see {@link InfileForwarder}). */
    @Override
    public void clientData(Packet packet) {
        // The contents end with an empty packet; then the engine answers OK or ERR.
        if (infile.forward(packet, backend)) {
            tracker.clientSent();
        }
    }

    @Override
    public void resumeBackend() {
        backend.channel().config().setAutoRead(true);
    }

    private void finish() {
        if (done) {
            return;
        }
        done = true;
        if (tracker.expectsResponse() && tracker.endedInError()) {
            session.commandFailed(backend, statusFlags());
            return;
        }
        onSuccess.accept(this);
        session.commandComplete(statusFlags());
    }

    /** The status flags the engine's answer ended with, or the session's when the answer carries none. */
    private int statusFlags() {
        return tracker.hasStatus() ? tracker.statusFlags() : session.state().statusFlags();
    }

    private void onEventLoop(Runnable task) {
        if (client.executor().inEventLoop()) {
            task.run();
        } else {
            client.executor().execute(task);
        }
    }
}
