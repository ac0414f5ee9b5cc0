package io.fluxdb.engine.mysql.frontend;

import static io.fluxdb.protocol.constant.CommandType.*;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.fluxdb.engine.mysql.backend.BackendConnection;
import io.fluxdb.engine.spi.Classification;
import io.fluxdb.engine.spi.StatementKind;
import io.fluxdb.protocol.FluxException;
import io.fluxdb.protocol.ProtocolException;
import io.fluxdb.protocol.codec.CompressionUpgrade;
import io.fluxdb.protocol.codec.Packet;
import io.fluxdb.protocol.codec.PacketFrameDecoder;
import io.fluxdb.protocol.codec.PacketTooLargeException;
import io.fluxdb.protocol.codec.PacketsOutOfOrderException;
import io.fluxdb.protocol.constant.MySqlError;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command phase of one client connection, pinned to one backend connection. Commands run
 * strictly one at a time, in order: a command that arrives while another is in flight (drivers
 * pipeline) waits in a queue, and reading from the client pauses until the queue drains. Each
 * command is routed by {@link #route}, the one place that decides where a command runs.
 */
public final class ClientSession extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ClientSession.class);

    private enum Phase { IDLE, RUNNING, CLOSED }

    private final FrontEndServices services;
    private final long connectionId;
    private final long capabilities;
    private final byte[] scramble;
    private final boolean secure;
    private final InetAddress address;
    private String user;
    /** What the client proved at login: the operator logs in as the client with it (engine, forwarded session). */
    private io.fluxdb.protocol.auth.Credential credential;
    private final SessionState state;
    private final ArrayDeque<Packet> queued = new ArrayDeque<>();
    // Read by other sessions' threads (KILL), written on this session's loop (COM_CHANGE_USER).
    private volatile BackendConnection backend;
    private ChannelHandlerContext ctx;
    private Phase phase = Phase.IDLE;
    private Exchange exchange;
    /**
     * The sequence id of the operator's own answer to the running command: the one after the command's last physical
     * packet (1, unless the command took several packets of 16 MiB).
     */
    private int replySequence = 1;
    /**
     * The leader's connection id of the forwarded session the running command was sent over, 0 while none is: read by
     * other sessions' KILL, on their own threads.
     */
    private volatile long runningOnLeader;
    /** The session's part in a replicated cluster; null on a node that runs alone. */
    private final ClusterSession cluster;
    /** The log index of this session's last replicated write, 0 before the first. */
    private long lastCommitIndex;
    /** Whether and how the client is told its commit token in OK packets. */
    private final TokenTracking tokenTracking;
    private boolean closeWhenIdle;
    /** Closed by the operator while a command ran: the engine may still be answering it. */
    private boolean closedMidCommand;
    private long idleSinceNanos = System.nanoTime();

    ClientSession(FrontEndServices services, long connectionId, long capabilities, byte[] scramble, boolean secure,
            InetAddress address, String user, io.fluxdb.protocol.auth.Credential credential, BackendConnection backend,
            SessionState state) {
        this.services = services;
        this.credential = credential;
        this.connectionId = connectionId;
        this.capabilities = capabilities;
        this.scramble = scramble;
        this.secure = secure;
        this.address = address;
        this.user = user;
        this.backend = backend;
        this.state = state;
        this.tokenTracking = new TokenTracking(capabilities);
        this.cluster = services.cluster().filter(c -> c.cluster().replicated())
                .map(support -> new ClusterSession(this, support)).orElse(null);
    }

    public long connectionId() {
        return connectionId;
    }

    public String user() {
        return user;
    }

    /** The engine thread serving this session right now (for KILL). */
    long backendThreadId() {
        return backend.threadId();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        services.registry().register(this);
        // Every command starts at sequence id 0 (MariaDB answers 1156 to one that does not, even to a command that
        // expects no reply); only data the running exchange asked for (auth data, LOCAL INFILE contents) continues
        // an exchange. Checked on the header, so a wrong packet is refused before its body is awaited.
        PacketFrameDecoder frames = ctx.pipeline().get(PacketFrameDecoder.class);
        if (frames != null) {
            frames.firstSequenceIds(id -> id == 0 || (exchange != null && exchange.wantsClientData()));
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Packet packet)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (phase == Phase.CLOSED) {
            packet.release();
        } else if (phase == Phase.RUNNING) {
            if (exchange.wantsClientData()) {
                exchange.clientData(packet);
            } else {
                // A pipelined command: keep it for later and stop reading until the queue drains.
                queued.add(packet);
                ctx.channel().config().setAutoRead(false);
            }
        } else {
            execute(packet);
        }
    }

    private void execute(Packet packet) {
        replySequence = (packet.lastSequenceId() + 1) & 0xFF;
        ByteBuf payload = packet.content();
        if (!payload.isReadable()) {
            packet.release();
            reply(Replies.error(ctx.alloc(), replySequence, capabilities, MySqlError.ER_UNKNOWN_COM_ERROR));
            return;
        }
        int command = payload.getUnsignedByte(payload.readerIndex());
        log.debug("conn={} - {}", connectionId, io.fluxdb.protocol.constant.CommandType.name(command));
        tokenTracking.commandStarted();
        switch (command) {
            case COM_QUIT -> {
                packet.release();
                ctx.close();
            }
            case COM_QUERY -> query(packet);
            case COM_PROCESS_KILL -> processKill(packet);
            case COM_STMT_PREPARE, COM_STMT_EXECUTE, COM_STMT_CLOSE, COM_STMT_RESET, COM_STMT_SEND_LONG_DATA,
                    COM_STMT_FETCH, COM_STMT_BULK_EXECUTE -> {
                if (cluster != null) {
                    cluster.preparedCommand(packet, command);
                } else {
                    forward(packet, ok -> {});
                }
            }
            case COM_INIT_DB -> {
                if (cluster != null) {
                    cluster.initDb(packet);
                } else {
                    initDb(packet);
                }
            }
            case COM_RESET_CONNECTION -> forward(packet, ok -> {
                state.reset(state.database().orElse(null));
                tokenTracking.reset();
                if (cluster != null) {
                    cluster.engineSessionReset();
                }
            });
            case COM_SET_OPTION -> {
                boolean on = payload.readableBytes() >= 3
                        && payload.getUnsignedShortLE(payload.readerIndex() + 1) == MYSQL_OPTION_MULTI_STATEMENTS_ON;
                forward(packet, ok -> state.multiStatements(on));
            }
            case COM_CHANGE_USER -> changeUser(packet);
            case COM_PING, COM_STATISTICS, COM_FIELD_LIST, COM_DEBUG, COM_PROCESS_INFO -> forward(packet, ok -> {});
            default -> {
                packet.release();
                reply(Replies.error(ctx.alloc(), replySequence, capabilities, MySqlError.ER_UNKNOWN_COM_ERROR));
            }
        }
    }

    /** Selects the database COM_INIT_DB names on this node's engine. Takes ownership of {@code packet}. */
    void initDb(Packet packet) {
        ByteBuf payload = packet.content();
        String database = payload.toString(payload.readerIndex() + 1, payload.readableBytes() - 1, UTF_8);
        forward(packet, ok -> state.databaseSelected(database));
    }

    private void query(Packet packet) {
        ByteBuf payload = packet.content();
        // Statements are classified as text; every charset a client may use for SQL keywords is ASCII-compatible.
        String sql = payload.toString(payload.readerIndex() + 1, payload.readableBytes() - 1, UTF_8);
        Optional<KillStatement> kill = KillStatement.parse(sql);
        if (kill.isPresent()) {
            packet.release();
            kill(kill.get());
            return;
        }
        if (cluster != null) {
            // In a replicated cluster the cluster session classifies the statement in the session's context and
            // decides where it runs (see ClusterSession).
            cluster.query(packet);
            return;
        }
        Classification classification = services.classifier().classify(sql);
        forward(packet, ok -> statementSucceeded(classification));
    }

    /** The engine accepted a statement: remember what it changed in the session. */
    void statementSucceeded(Classification classification) {
        state.statementSucceeded(classification);
        tokenTracking.succeeded(classification, lastCommitIndex);
        if (classification.kind() == StatementKind.DDL) {
            // CREATE USER, GRANT, SET PASSWORD...: the next login must see the accounts as they are now.
            services.accounts().invalidate();
        }
    }

    /**
     * KILL of an operator connection id (from the handshake) or of an engine thread id (from
     * CONNECTION_ID() or SHOW PROCESSLIST) that one of the operator's sessions holds: either way the
     * engine kills that session's thread. Any other id goes to the engine as written, which answers
     * as it would directly (unknown thread, or a connection the client may or may not kill).
     */
    private void kill(KillStatement kill) {
        if (kill.connectionId() < 0) {
            // A COM_PROCESS_KILL too short to hold an id.
            reply(Replies.error(ctx.alloc(), replySequence, capabilities, MySqlError.ER_NO_SUCH_THREAD, kill.connectionId()));
            return;
        }
        SessionRegistry registry = services.registry();
        Optional<ClientSession> target = registry.find(kill.connectionId())
                .or(() -> registry.findByEngineThread(kill.connectionId()));
        if (target.isEmpty()) {
            forward(query(kill.forEngineThread(kill.connectionId())), ok -> {});
            return;
        }
        ClientSession victim = target.get();
        long onLeader = victim.runningOnLeader;
        if (onLeader != 0 && cluster != null && cluster.killOnLeader(kill, onLeader)) {
            // Its statement runs on the leader, over its forwarded session: killing its thread here would stop
            // nothing. The leader's operator finds that session by its id and kills its engine thread there.
            return;
        }
        // The engine checks the privilege (own thread, or CONNECTION ADMIN) exactly as for a direct KILL.
        forward(query(kill.forEngineThread(victim.backendThreadId())), ok -> {
            if (!kill.query() && victim != this) {
                victim.killedByEngine();
            }
        });
    }

    /** A COM_QUERY packet of {@code sql}, for a statement the operator writes itself. */
    private Packet query(String sql) {
        ByteBuf out = ctx.alloc().buffer(sql.length() + 1);
        out.writeByte(COM_QUERY).writeCharSequence(sql, UTF_8);
        return new Packet(0, out);
    }

    private void processKill(Packet packet) {
        ByteBuf payload = packet.content();
        long id = payload.readableBytes() >= 5 ? payload.getUnsignedIntLE(payload.readerIndex() + 1) : -1;
        packet.release();
        kill(new KillStatement(false, "", id));
    }

    private void changeUser(Packet packet) {
        ChangeUser change = new ChangeUser(this, services, packet);
        begin(change);
        change.start();
    }

    /** Sends the command to the pinned backend connection and relays the response to the client. */
    private void forward(Packet packet, java.util.function.Consumer<ResponseRelay> onSuccess) {
        relay(packet, onSuccess, null);
    }

    /** Like {@link #forward}, with an engine error the caller may take over before the client sees it. */
    void relay(Packet packet, java.util.function.Consumer<ResponseRelay> onSuccess,
            ResponseRelay.ErrorInterceptor interceptor) {
        relay(packet, onSuccess, interceptor, InfileForwarder.forwarding());
    }

    /** Like {@link #relay(Packet, java.util.function.Consumer, ResponseRelay.ErrorInterceptor)}, keeping a file. */
    void relay(Packet packet, java.util.function.Consumer<ResponseRelay> onSuccess,
            ResponseRelay.ErrorInterceptor interceptor, InfileForwarder infile) {
        relayVia(backend, packet, onSuccess, interceptor, infile);
    }

    /** Like {@link #relay}, through {@code via}: the session's engine connection or its forwarded session. */
    void relayVia(BackendConnection via, Packet packet, java.util.function.Consumer<ResponseRelay> onSuccess,
            ResponseRelay.ErrorInterceptor interceptor, InfileForwarder infile) {
        ResponseRelay relay = new ResponseRelay(this, ctx, via, packet, capabilities, onSuccess, interceptor, infile);
        runningOnLeader = via == backend ? 0 : via.threadId();
        begin(relay);
        relay.start();
    }

    /** Answers the running command with an ERR the operator makes and completes it. */
    void replyError(io.fluxdb.protocol.message.server.ErrPacket error) {
        reply(Replies.error(ctx.alloc(), replySequence, capabilities, error.errorCode(), error.sqlState(), error.message()));
    }

    /**
     * Answers the running command with {@code error}, then closes the connection: for a state the client must not
     * go on from (a transaction that was rolled back under it).
     */
    void failAndClose(io.fluxdb.protocol.message.server.ErrPacket error) {
        ctx.writeAndFlush(Replies.error(ctx.alloc(), replySequence, capabilities, error.errorCode(), error.sqlState(),
                error.message()));
        closeUnanswered();
    }

    /** Answers the running command with an OK carrying {@code statusFlags} and completes it. */
    void replyOk(int statusFlags) {
        ctx.writeAndFlush(lastPacket(Replies.ok(ctx.alloc(), replySequence, capabilities, statusFlags)));
        commandComplete(statusFlags);
    }

    /**
     * Closes the client connection without answering the running command: its outcome is unknown (the write may
     * still commit), so the client must see a lost connection, as from a server that died mid-commit, never an
     * error that says the write failed.
     */
    void closeUnanswered() {
        services.backends().discard(backend);
        closeWith(null);
    }

    /**
     * {@code via} answered the running command with an error, which the client has: the command completes once the
     * cluster session has dealt with what the error did to its transaction on the engine (see {@link
     * ClusterSession#engineFailed}), so the client's next command finds the session as the engine left it.
     */
    void commandFailed(BackendConnection via, int statusFlags) {
        if (cluster != null && via == backend) {
            cluster.engineFailed(statusFlags, this::commandComplete);
        } else {
            commandComplete(statusFlags);
        }
    }

    /** A replicated write of this session committed at {@code index}. */
    void committed(long index) {
        lastCommitIndex = Math.max(lastCommitIndex, index);
    }

    long lastCommitIndex() {
        return lastCommitIndex;
    }

    /**
     * The last packet of the answer to a COM_QUERY or COM_STMT_EXECUTE, before it goes to the client: an OK tells a
     * client that tracks the commit token the token this statement gave it (see {@link TokenTracking}).
     */
    Packet lastPacket(Packet packet) {
        return tokenTracking.lastPacket(packet, this::committed, () -> lastCommitIndex);
    }

    /** {@link #lastPacket(Packet)} of an answer relayed from {@code via}, which {@code tracker} read. */
    Packet lastPacket(Packet packet, BackendConnection via, io.fluxdb.protocol.codec.ResponseTracker tracker) {
        if (via == backend) {
            return lastPacket(packet);
        }
        // The leader answered a forwarded statement: recorded before the client can act on it (another of its
        // connections on this node may read next), with its log index when the leader reported it.
        long[] reported = {0};
        Packet last = tokenTracking.lastPacket(packet, index -> {
            reported[0] = index;
            committed(index);
        }, () -> lastCommitIndex);
        services.cluster().ifPresent(c -> c.forwardedCommits().answered(tracker, reported[0]));
        return last;
    }

    TokenTracking tokenTracking() {
        return tokenTracking;
    }

    BackendConnection backend() {
        return backend;
    }

    /** The capabilities the engine connection was opened with (the client's, mirrored). */
    long backendCapabilities() {
        return backend.key().capabilities();
    }

    /**
     * The running exchange now waits for data from the client (auth data after an auth switch, LOCAL INFILE
     * contents). A packet the client pipelined before it saw the request is, by the protocol, that data: hand it
     * over, and read on so the rest can arrive, or the exchange and the client would wait for each other.
     */
    void clientDataWanted() {
        Packet next = queued.poll();
        if (next != null) {
            exchange.clientData(next);
        } else if (phase != Phase.CLOSED) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    /** Called by the relay on the session's event loop when the engine's response is complete. */
    void commandComplete(int statusFlags) {
        state.status(statusFlags);
        exchange = null;
        runningOnLeader = 0;
        phase = Phase.IDLE;
        idleSinceNanos = System.nanoTime();
        if (closeWhenIdle) {
            shutdownNow();
            return;
        }
        Packet next;
        while (phase == Phase.IDLE && (next = queued.poll()) != null) {
            execute(next);
        }
        if (queued.isEmpty() && phase != Phase.CLOSED) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    /** The backend connection broke while a command ran: the client cannot know its outcome. */
    void backendLost(Throwable cause, boolean responseStarted) {
        backendLost(backend, cause, responseStarted);
    }

    /**
     * {@code which} broke while a command ran on it: the session's engine connection or its forwarded session to the
     * leader. Either way the client cannot know the command's outcome, so it sees a lost connection.
     */
    void backendLost(BackendConnection which, Throwable cause, boolean responseStarted) {
        if (which != backend) {
            log.info("conn={} - forwarded session to the leader lost: {}", connectionId, cause.toString());
            which.markBroken();
            if (!responseStarted) {
                reply(Replies.error(ctx.alloc(), replySequence, capabilities, MySqlError.ER_UNKNOWN_ERROR.code(), "08S01",
                        "Lost connection to the FluxDB leader during the query; its outcome is unknown"));
            }
            closeWith(null);
            return;
        }
        // Mostly the engine closing on a client's malformed command, which any logged-in client can repeat: throttled.
        services.badInputLog().info(log, "conn={} - engine connection lost: {}", connectionId, cause.toString());
        backend.markBroken();
        if (!responseStarted) {
            reply(Replies.error(ctx.alloc(), replySequence, capabilities, MySqlError.ER_UNKNOWN_ERROR.code(), "08S01",
                    "Lost connection to the database engine during the query"));
        }
        closeWith(null);
    }

    /** Completes a command the operator answers itself. */
    private void reply(Packet packet) {
        ctx.writeAndFlush(packet);
        if (phase != Phase.CLOSED) {
            commandComplete(state.statusFlags());
        }
    }

    /** COM_CHANGE_USER succeeded: the old backend connection goes back to the pool (reset). */
    void changedUser(String newUser, io.fluxdb.protocol.auth.Credential newCredential, BackendConnection replacement,
            String database) {
        credential = newCredential;
        if (cluster != null && cluster.holdsTransaction()) {
            services.backends().discard(backend);
        } else {
            services.backends().release(backend);
        }
        backend = replacement;
        user = newUser;
        state.reset(database);
        tokenTracking.reset();
        if (cluster != null) {
            cluster.engineSessionReset();
        }
    }

    io.fluxdb.engine.mysql.backend.BackendKey backendKey() {
        return backend.key();
    }

    SessionState state() {
        return state;
    }

    io.fluxdb.protocol.auth.Credential credential() {
        return credential;
    }

    long capabilities() {
        return capabilities;
    }

    byte[] scramble() {
        return scramble;
    }

    boolean secure() {
        return secure;
    }

    InetAddress address() {
        return address;
    }

    ChannelHandlerContext context() {
        return ctx;
    }

    /** Marks {@code inFlight} as the session's running command until {@link #commandComplete}. */
    void begin(Exchange inFlight) {
        exchange = inFlight;
        phase = Phase.RUNNING;
    }

    /** Another session ran KILL CONNECTION on this one: the engine closed the backend, so close the client. */
    void killedByEngine() {
        ctx.executor().execute(() -> {
            backend.markBroken();
            // As MariaDB does: an idle connection that was killed is closed without a word; a running
            // statement gets the engine's own error (1927), relayed before the engine closes, and then
            // the lost engine connection closes the session.
            if (phase == Phase.IDLE) {
                closeWith(null);
            }
        });
    }

    /** Graceful shutdown: an idle session is told now; a running one after its response. */
    void shutdown() {
        ctx.executor().execute(() -> {
            if (phase == Phase.IDLE) {
                shutdownNow();
            } else {
                closeWhenIdle = true;
            }
        });
    }

    private void shutdownNow() {
        closeWithUnpromptedError(MySqlError.ER_SERVER_SHUTDOWN);
    }

    /** An error the client did not ask for: sequence id 0, and a compressed packet that starts at 0 too. */
    private void closeWithUnpromptedError(MySqlError error) {
        CompressionUpgrade.startExchange(ctx.pipeline());
        closeWith(Replies.error(ctx.alloc(), 0, capabilities, error));
    }

    private void closeWith(Packet last) {
        if (phase == Phase.CLOSED) {
            if (last != null) {
                last.release();
            }
            return;
        }
        closedMidCommand = phase == Phase.RUNNING;
        phase = Phase.CLOSED;
        if (last != null) {
            Replies.writeAndClose(ctx, last);
        } else {
            ctx.close();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            closeIfIdle();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    /**
     * The reader-idle clock runs from the client's last packet, which may have started a long
     * statement; like wait_timeout, idleness counts from the end of the last command.
     */
    private void closeIfIdle() {
        if (phase != Phase.IDLE) {
            return;
        }
        long remaining = services.config().idleTimeout().toNanos() - (System.nanoTime() - idleSinceNanos);
        if (remaining > 0) {
            long since = idleSinceNanos;
            ctx.executor().schedule(() -> {
                if (idleSinceNanos == since) {
                    closeIfIdle();
                }
            }, remaining, TimeUnit.NANOSECONDS);
            return;
        }
        log.debug("conn={} - idle for {}; closing", connectionId, services.config().idleTimeout());
        closeWithUnpromptedError(MySqlError.ER_CLIENT_INTERACTION_TIMEOUT);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // The relay pauses the engine while the client cannot keep up; resume when it drains.
        if (ctx.channel().isWritable() && exchange != null) {
            exchange.resumeBackend();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        boolean midResponse = phase == Phase.RUNNING || closedMidCommand;
        phase = Phase.CLOSED;
        Packet p;
        while ((p = queued.poll()) != null) {
            p.release();
        }
        services.registry().unregister(this);
        services.registry().releaseSlot();
        boolean openTransaction = cluster != null && cluster.holdsTransaction();
        if (cluster != null) {
            cluster.closed();
        }
        if (midResponse || openTransaction || !backend.isUsable()) {
            // The engine may still be executing for a client that is gone: its state is unknown, never reuse it.
            services.backends().discard(backend);
        } else {
            services.backends().release(backend);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (BadTls.is(cause)) {
            services.badInputLog().info(log, "conn={} - TLS failed: {}", connectionId, BadTls.describe(cause));
            closeWith(null);
        } else if (cause instanceof ProtocolException) {
            services.badInputLog().info(log, "conn={} - protocol error: {}", connectionId, cause.getMessage());
            closeWith(Replies.error(ctx.alloc(), 0, capabilities, errorFor(cause)));
        } else if (cause instanceof IOException) {
            log.debug("conn={} - {}", connectionId, cause.toString());
            closeWith(null);
        } else {
            log.warn("conn={} - unexpected error; closing the session", connectionId, cause);
            closeWith(Replies.error(ctx.alloc(), 0, capabilities, MySqlError.ER_UNKNOWN_ERROR, cause.toString()));
        }
    }

    /** The error a client gets for malformed input. */
    static FluxException errorFor(Throwable cause) {
        if (cause instanceof PacketTooLargeException) {
            return new FluxException(MySqlError.ER_NET_PACKET_TOO_LARGE);
        }
        if (cause instanceof PacketsOutOfOrderException) {
            return new FluxException(MySqlError.ER_NET_PACKETS_OUT_OF_ORDER);
        }
        if (cause instanceof PartialPacketTimeout.Expired) {
            return new FluxException(MySqlError.ER_NET_READ_INTERRUPTED);
        }
        return new FluxException(MySqlError.ER_NET_READ_ERROR);
    }
}
