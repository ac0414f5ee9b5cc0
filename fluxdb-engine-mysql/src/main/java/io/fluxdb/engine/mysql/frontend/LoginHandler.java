package io.fluxdb.engine.mysql.frontend;

import static io.fluxdb.protocol.constant.CapabilityFlags.*;

import io.fluxdb.engine.mysql.backend.BackendConnection;
import io.fluxdb.engine.mysql.backend.BackendKey;
import io.fluxdb.engine.mysql.backend.BackendLoginException;
import io.fluxdb.protocol.FluxException;
import io.fluxdb.protocol.ProtocolException;
import io.fluxdb.protocol.auth.Scrambles;
import io.fluxdb.protocol.codec.CompressionUpgrade;
import io.fluxdb.protocol.codec.Packet;
import io.fluxdb.protocol.codec.PacketFrameDecoder;
import io.fluxdb.protocol.codec.TlsUpgrade;
import io.fluxdb.protocol.codec.PacketTooLargeException;
import io.fluxdb.protocol.codec.PacketsOutOfOrderException;
import io.fluxdb.protocol.constant.MySqlError;
import io.fluxdb.protocol.constant.ServerStatus;
import io.fluxdb.protocol.message.client.HandshakeResponse41;
import io.fluxdb.protocol.message.client.SslRequest;
import io.fluxdb.protocol.message.server.HandshakeV10;
import io.fluxdb.protocol.auth.NativePassword;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection phase of one client: access control, HandshakeV10, optional TLS upgrade,
 * authentication against the engine's accounts, and the login to the engine as the client's own
 * user. On success it replaces itself with a {@link ClientSession} pinned to that backend
 * connection. Every refusal is an ERR packet that says why, then a close.
 */
final class LoginHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(LoginHandler.class);

    /** What the operator can relay faithfully; intersected with the engine's capabilities. */
    static final long PROXY_CAPABILITIES = CLIENT_LONG_PASSWORD | CLIENT_FOUND_ROWS | CLIENT_LONG_FLAG
            | CLIENT_CONNECT_WITH_DB | CLIENT_NO_SCHEMA | CLIENT_ODBC | CLIENT_IGNORE_SPACE | CLIENT_PROTOCOL_41
            | CLIENT_INTERACTIVE | CLIENT_IGNORE_SIGPIPE | CLIENT_TRANSACTIONS | CLIENT_SECURE_CONNECTION
            | CLIENT_MULTI_STATEMENTS | CLIENT_MULTI_RESULTS | CLIENT_PS_MULTI_RESULTS | CLIENT_PLUGIN_AUTH
            | CLIENT_CONNECT_ATTRS | CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA | CLIENT_CAN_HANDLE_EXPIRED_PASSWORDS
            | CLIENT_SESSION_TRACK | CLIENT_DEPRECATE_EOF | CLIENT_REMEMBER_OPTIONS
            | MARIADB_CLIENT_PROGRESS | MARIADB_CLIENT_STMT_BULK_OPERATIONS | MARIADB_CLIENT_EXTENDED_METADATA;
    /** Negotiated per leg: the operator handles these itself, never the engine on the client's behalf. */
    private static final long PER_LEG = CLIENT_SSL | CLIENT_COMPRESS | CLIENT_CONNECT_ATTRS | CLIENT_SSL_VERIFY_SERVER_CERT;
    /**
     * How long a login refused its database waits for this node to catch up with the leader before the refusal
     * stands: well within the login's own deadline, so the client hears why.
     */
    private static final java.time.Duration DATABASE_CATCH_UP = java.time.Duration.ofSeconds(5);

    private enum Phase { AWAIT_RESPONSE, AUTHENTICATING, LOGGING_IN, DONE }

    private final FrontEndServices services;
    private final long connectionId;
    private final byte[] scramble = Scrambles.generate();
    private final long serverCapabilities;
    private Phase phase = Phase.AWAIT_RESPONSE;
    /**
     * True between an AuthMoreData or AuthSwitchRequest sent and the client's answer. Auth data at any
     * other time is refused: it would reach the authentication while its first step still runs on
     * another thread.
     */
    private boolean awaitingAuthData;
    private boolean secure;
    private long capabilities;
    private int lastSequenceId;
    private HandshakeResponse41 response;
    private Authentication authentication;
    private ScheduledFuture<?> deadline;
    private boolean slotTaken;
    /** Counted in {@link PendingLogins} until the login ends, either way. */
    private InetAddress pendingFrom;
    /** Why the address rules refuse this client, unless its login proves it is a forwarded session. */
    private String refusedUnlessForwarded;

    LoginHandler(FrontEndServices services) {
        this.services = services;
        this.connectionId = services.registry().nextConnectionId();
        // Compression is the client leg's own business (the engine leg stays plain): always offered.
        long caps = (services.engine().capabilities() & PROXY_CAPABILITIES) | CLIENT_COMPRESS;
        if (services.config().tls().isPresent()) {
            caps |= CLIENT_SSL;
        }
        if (services.config().localInfile()) {
            caps |= CLIENT_LOCAL_FILES;
        }
        this.serverCapabilities = caps;
    }

    private java.util.Optional<ForwardProof> forwardProof() {
        return services.cluster().flatMap(ClusterSupport::proof);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        InetAddress address = clientAddress(ctx);
        if (!services.registry().tryAcquireSlot()) {
            refuse(ctx, 0, MySqlError.ER_CON_COUNT_ERROR);
            return;
        }
        slotTaken = true;
        var refusal = services.access().refusal(address);
        if (refusal.isPresent()) {
            if (forwardProof().isEmpty()) {
                refuse(ctx, 0, MySqlError.ER_HOST_NOT_PRIVILEGED, address.getHostAddress(), refusal.get());
                return;
            }
            // Another node's forwarded session is admitted whatever the address rules say, once its handshake
            // response proves it; anyone else is refused then, with the same error.
            refusedUnlessForwarded = refusal.get();
        }
        if (!services.pendingLogins().tryAcquire(address)) {
            services.badInputLog().info(log, "conn={} - refused {}: {} connections from it are already logging in",
                    connectionId, address.getHostAddress(), services.pendingLogins().maxPerAddress());
            phase = Phase.DONE;
            writeAndClose(ctx, Replies.error(ctx.alloc(), 0, CLIENT_PROTOCOL_41, MySqlError.ER_CON_COUNT_ERROR.code(),
                    MySqlError.ER_CON_COUNT_ERROR.sqlState(), "Too many connections from " + address.getHostAddress()
                            + " still logging in (at most " + services.pendingLogins().maxPerAddress() + ")"));
            return;
        }
        pendingFrom = address;
        // Every packet of the connection phase continues the exchange (the handshake went out as 0); a packet
        // out of order is refused on its header, as the server does, before its body is awaited.
        PacketFrameDecoder frames = ctx.pipeline().get(PacketFrameDecoder.class);
        frames.firstSequenceIds(id -> id == ((lastSequenceId + 1) & 0xFF));
        long timeoutMs = services.config().connectTimeout().toMillis();
        deadline = ctx.executor().schedule(() -> {
            if (phase != Phase.DONE && ctx.channel().isActive()) {
                SslHandler tls = ctx.pipeline().get(SslHandler.class);
                if (tls != null && !tls.handshakeFuture().isDone()) {
                    // Mid TLS handshake no packet can be sent (it would wait for the handshake): just close.
                    phase = Phase.DONE;
                    ctx.close();
                } else {
                    refuse(ctx, lastSequenceId + 1, MySqlError.ER_HANDSHAKE_ERROR);
                }
            }
        }, timeoutMs, TimeUnit.MILLISECONDS);
        HandshakeV10 handshake = new HandshakeV10(
                services.engine().serverVersion() + services.config().versionSuffix(),
                connectionId, scramble, serverCapabilities, services.engine().collation(),
                ServerStatus.SERVER_STATUS_AUTOCOMMIT, NativePassword.NAME);
        ctx.writeAndFlush(Replies.handshake(ctx.alloc(), handshake));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Packet packet)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            lastSequenceId = packet.lastSequenceId();
            switch (phase) {
                case AWAIT_RESPONSE -> onHandshakeResponse(ctx, packet.content());
                case AUTHENTICATING -> {
                    if (awaitingAuthData) {
                        awaitingAuthData = false;
                        onAuthData(ctx, ByteBufUtil.getBytes(packet.content()));
                    } else {
                        refuse(ctx, lastSequenceId + 1, MySqlError.ER_HANDSHAKE_ERROR);
                    }
                }
                default -> refuse(ctx, lastSequenceId + 1, MySqlError.ER_HANDSHAKE_ERROR);
            }
        } finally {
            packet.release();
        }
    }

    private void onHandshakeResponse(ChannelHandlerContext ctx, ByteBuf payload) {
        if (SslRequest.isSslRequest(payload)) {
            if (secure || services.config().tls().isEmpty()) {
                refuse(ctx, lastSequenceId + 1, MySqlError.ER_HANDSHAKE_ERROR);
                return;
            }
            SslRequest.decode(payload, serverCapabilities);
            // Bytes of the TLS handshake that came in the same read as the SSLRequest are handed to TLS too.
            TlsUpgrade.startServer(ctx.pipeline(), services.config().tls().get());
            secure = true;
            return;
        }
        response = HandshakeResponse41.decode(payload, serverCapabilities);
        if (!has(response.capabilities(), CLIENT_PROTOCOL_41)) {
            refuse(ctx, lastSequenceId + 1, MySqlError.ER_NOT_SUPPORTED_AUTH_MODE);
            return;
        }
        capabilities = response.capabilities() & serverCapabilities;
        InetAddress address = clientAddress(ctx);
        if (refusedUnlessForwarded != null && !forwardProof().orElseThrow().verify(scramble, response.user(),
                response.connectAttributes().get(ForwardProof.ATTRIBUTE))) {
            refuse(ctx, lastSequenceId + 1, MySqlError.ER_HOST_NOT_PRIVILEGED, address.getHostAddress(),
                    refusedUnlessForwarded);
            return;
        }
        authentication = new Authentication(response.user(), address, scramble, secure, response.authResponse().length > 0);
        phase = Phase.AUTHENTICATING;
        // Old drivers (Node's mysql, for one) send no CLIENT_PLUGIN_AUTH and so no plugin name: their
        // scramble answer is mysql_native_password's, as it was before plugins existed.
        String plugin = response.authPluginName() == null || response.authPluginName().isEmpty()
                ? NativePassword.NAME : response.authPluginName();
        byte[] authResponse = response.authResponse();
        CompletableFuture.supplyAsync(() -> authentication.start(services, plugin, authResponse), services.blocking())
                .whenCompleteAsync((step, error) -> onStep(ctx, step, error), ctx.executor());
    }

    private void onAuthData(ChannelHandlerContext ctx, byte[] data) {
        onStep(ctx, authentication.next(data), null);
    }

    private void onStep(ChannelHandlerContext ctx, Authentication.Step step, Throwable error) {
        if (!ctx.channel().isActive()) {
            return;
        }
        if (error != null) {
            log.warn("conn={} - authentication failed unexpectedly", connectionId, error);
            refuse(ctx, lastSequenceId + 1, MySqlError.ER_UNKNOWN_ERROR, "authentication failed: " + error);
            return;
        }
        switch (step) {
            case Authentication.Denied d -> refuse(ctx, lastSequenceId + 1, d.error());
            case Authentication.SendMoreData m -> {
                awaitingAuthData = true;
                ctx.writeAndFlush(Replies.authMoreData(ctx.alloc(), ++lastSequenceId, m.data()));
            }
            case Authentication.SwitchPlugin s -> {
                awaitingAuthData = true;
                ctx.writeAndFlush(Replies.authSwitch(ctx.alloc(), ++lastSequenceId, s.plugin(), s.data()));
            }
            case Authentication.Authenticated a -> {
                if (a.moreDataBeforeOk().length > 0) {
                    ctx.write(Replies.authMoreData(ctx.alloc(), ++lastSequenceId, a.moreDataBeforeOk()));
                }
                loginToEngine(ctx, a);
            }
        }
    }

    private void loginToEngine(ChannelHandlerContext ctx, Authentication.Authenticated auth) {
        phase = Phase.LOGGING_IN;
        String requested = response.database() == null ? "" : response.database();
        // The original opened its pooled connections on INIT_DB_NAME, so applications may name no database.
        boolean byDefault = requested.isEmpty() && !services.config().defaultDatabase().isEmpty();
        loginToEngine(ctx, auth, byDefault ? services.config().defaultDatabase() : requested, byDefault, false);
    }

    private void loginToEngine(ChannelHandlerContext ctx, Authentication.Authenticated auth, String database,
            boolean byDefault, boolean caughtUp) {
        // CLIENT_SSL on the engine leg: the account requires TLS, so the operator's login must use it too.
        long backendCapabilities = (capabilities & ~PER_LEG) | CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION
                | CLIENT_PLUGIN_AUTH | (auth.engineTls() ? CLIENT_SSL : 0);
        BackendKey key = new BackendKey(auth.user(), backendCapabilities, response.characterSet(), database);
        String okInfo = TlsProof.okInfo(ctx.pipeline(), scramble, auth.plugin(), auth.credential());
        services.backends().borrow(key, auth.credential(), ctx.channel().eventLoop())
                .whenCompleteAsync((backend, error) -> {
                    if (byDefault && refusesDatabase(error)) {
                        // A user without rights on the default database (or with it gone) logs in to none, as
                        // it asked; only a database the client named itself may refuse the login.
                        loginToEngine(ctx, auth, "", false, caughtUp);
                    } else if (!caughtUp && refusesDatabase(error) && services.cluster().isPresent()) {
                        // A database created or granted through the cluster a moment ago (CREATE DATABASE or
                        // GRANT, then a new connection to it) may not be applied on this node yet: catch up with
                        // the leader's commit index, as a strong read does, and try once more.
                        ReadBarrier.caughtUpWithTheLeader(services.cluster().get().cluster(), DATABASE_CATCH_UP)
                                .whenCompleteAsync((applied, failure) -> {
                                    if (failure != null) {
                                        onBackend(ctx, null, error, database, okInfo, auth.credential());
                                    } else {
                                        loginToEngine(ctx, auth, database, false, true);
                                    }
                                }, ctx.executor());
                    } else {
                        onBackend(ctx, backend, error, database, okInfo, auth.credential());
                    }
                }, ctx.executor());
    }

    private static boolean refusesDatabase(Throwable error) {
        Throwable cause = Failures.cause(error);
        return cause instanceof BackendLoginException e && (e.errorCode() == MySqlError.ER_DBACCESS_DENIED_ERROR.code()
                || e.errorCode() == MySqlError.ER_BAD_DB_ERROR.code());
    }

    private void onBackend(ChannelHandlerContext ctx, BackendConnection backend, Throwable error, String database,
            String okInfo, io.fluxdb.protocol.auth.Credential credential) {
        if (error != null) {
            Throwable cause = Failures.cause(error);
            if (cause instanceof BackendLoginException e) {
                // The engine's own refusal (unknown database, expired password, too many connections) passes through.
                writeAndClose(ctx, Replies.error(ctx.alloc(), lastSequenceId + 1, capabilities, e.errorCode(),
                        e.sqlState(), e.getMessage()));
            } else {
                log.warn("conn={} - cannot connect to the engine: {}", connectionId, cause.toString());
                refuse(ctx, lastSequenceId + 1, MySqlError.ER_UNKNOWN_ERROR,
                        "FluxDB cannot reach its database engine: " + cause.getMessage());
            }
            return;
        }
        if (!ctx.channel().isActive()) {
            services.backends().release(backend);
            return;
        }
        phase = Phase.DONE;
        if (deadline != null) {
            deadline.cancel(false);
        }
        endPendingLogin();
        // Authenticated: from now on the client may send packets up to the configured limit.
        ctx.pipeline().get(PacketFrameDecoder.class).maxPayloadLength(services.config().maxPacketBytes());
        ctx.pipeline().addAfter("idle", PartialPacketTimeout.NAME, new PartialPacketTimeout(services.config().packetTimeout()));
        ClientSession session = new ClientSession(services, connectionId, capabilities, scramble, secure,
                clientAddress(ctx), response.user(), credential, backend, new SessionState(database,
                        has(capabilities, CLIENT_MULTI_STATEMENTS)));
        ctx.pipeline().replace(this, "session", session);
        slotTaken = false; // the session owns the slot now
        ctx.writeAndFlush(Replies.ok(ctx.alloc(), (lastSequenceId + 1) & 0xFF, capabilities, ServerStatus.SERVER_STATUS_AUTOCOMMIT,
                okInfo));
        if (has(capabilities, CLIENT_COMPRESS)) {
            // The OK went out plain; everything after it travels compressed, both ways.
            CompressionUpgrade.start(ctx.pipeline(), services.config().maxPacketBytes());
        }
        log.debug("conn={} - user={} logged in (backend thread {})", connectionId, response.user(), backend.threadId());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (deadline != null) {
            deadline.cancel(false);
        }
        if (slotTaken) {
            slotTaken = false;
            services.registry().releaseSlot();
        }
        endPendingLogin();
        ctx.fireChannelInactive();
    }

    private void endPendingLogin() {
        if (pendingFrom != null) {
            services.pendingLogins().release(pendingFrom);
            pendingFrom = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (phase == Phase.DONE && !ctx.channel().isActive()) {
            return;
        }
        if (BadTls.is(cause)) {
            // A client that asked for TLS and then sent something else: its fault, not ours. One line, no trace,
            // and few of them, since every connection can provoke one.
            services.badInputLog().info(log, "conn={} - TLS from {} failed: {}", connectionId,
                    clientAddress(ctx).getHostAddress(), BadTls.describe(cause));
            phase = Phase.DONE;
            ctx.close();
        } else if (cause instanceof PacketsOutOfOrderException) {
            log.debug("conn={} - bad handshake: {}", connectionId, cause.getMessage());
            // As MariaDB answers a handshake response out of order: 1156 with the id it expected.
            refuse(ctx, lastSequenceId + 1, MySqlError.ER_NET_PACKETS_OUT_OF_ORDER);
        } else if (cause instanceof ProtocolException) {
            log.debug("conn={} - bad handshake: {}", connectionId, cause.getMessage());
            // As the server says for a malformed handshake response (sql_acl.cc): Bad handshake, unless it was too large.
            refuse(ctx, lastSequenceId + 1, cause instanceof PacketTooLargeException
                    ? new FluxException(MySqlError.ER_NET_PACKET_TOO_LARGE)
                    : new FluxException(MySqlError.ER_HANDSHAKE_ERROR));
        } else if (cause instanceof java.io.IOException) {
            log.debug("conn={} - connection error during login: {}", connectionId, cause.toString());
            ctx.close();
        } else {
            // A defect of ours, not of the client: say so in the log and to the client, never close silently.
            log.warn("conn={} - login failed unexpectedly", connectionId, cause);
            refuse(ctx, lastSequenceId + 1, MySqlError.ER_UNKNOWN_ERROR, "login failed: " + cause);
        }
    }

    private void refuse(ChannelHandlerContext ctx, int sequenceId, MySqlError error, Object... args) {
        refuse(ctx, sequenceId, new FluxException(error, args));
    }

    private void refuse(ChannelHandlerContext ctx, int sequenceId, FluxException error) {
        phase = Phase.DONE;
        // Before the handshake the client has not chosen capabilities: answer in the 4.1 format all clients read.
        long caps = capabilities == 0 ? CLIENT_PROTOCOL_41 : capabilities;
        writeAndClose(ctx, Replies.error(ctx.alloc(), sequenceId & 0xFF, caps, error));
    }

    private static void writeAndClose(ChannelHandlerContext ctx, Packet packet) {
        Replies.writeAndClose(ctx, packet);
    }

    static InetAddress clientAddress(ChannelHandlerContext ctx) {
        return ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
    }

    /**
     * Exposed for the pipeline. Before authentication only packets of the size a login needs are accepted (a larger
     * declared length is refused on its header); the login raises the limit to the configured one.
     */
    static PacketFrameDecoder frameDecoder(ProxyConfig config) {
        return new PacketFrameDecoder(Math.min(config.loginPacketBytes(), config.maxPacketBytes()));
    }
}
