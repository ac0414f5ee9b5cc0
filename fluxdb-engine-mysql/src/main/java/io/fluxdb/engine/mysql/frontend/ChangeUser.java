package io.fluxdb.engine.mysql.frontend;

import io.fluxdb.engine.mysql.backend.BackendConnection;
import io.fluxdb.engine.mysql.backend.BackendKey;
import io.fluxdb.engine.mysql.backend.BackendLoginException;
import io.fluxdb.protocol.FluxException;
import io.fluxdb.protocol.auth.NativePassword;
import io.fluxdb.protocol.codec.Packet;
import io.fluxdb.protocol.constant.CapabilityFlags;
import io.fluxdb.protocol.constant.MySqlError;
import io.fluxdb.protocol.constant.ServerStatus;
import io.fluxdb.protocol.message.client.ComChangeUser;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import java.util.concurrent.CompletableFuture;

/**
 * COM_CHANGE_USER: a full re-authentication of the session as another (or the same) user, against
 * the scramble of the original handshake. On success the session gets a backend connection logged
 * in as the new user and a fresh session state, as the server would give it; on failure the
 * connection is closed, as the server does.
 */
final class ChangeUser implements Exchange {
    private final ClientSession session;
    private final FrontEndServices services;
    private final ChannelHandlerContext ctx;
    private final ComChangeUser request;
    private Authentication authentication;
    private int sequenceId;
    private boolean awaitingAuthData;

    ChangeUser(ClientSession session, FrontEndServices services, Packet packet) {
        this.session = session;
        this.services = services;
        this.ctx = session.context();
        try {
            this.request = ComChangeUser.decode(packet.content(), session.capabilities());
            this.sequenceId = packet.lastSequenceId();
        } finally {
            packet.release();
        }
    }

    void start() {
        authentication = new Authentication(request.user(), session.address(), session.scramble(), session.secure(),
                request.authResponse().length > 0);
        String plugin = request.authPlugin() == null || request.authPlugin().isEmpty() ? NativePassword.NAME : request.authPlugin();
        CompletableFuture.supplyAsync(() -> authentication.start(services, plugin, request.authResponse()),
                        services.blocking())
                .whenCompleteAsync(this::onStep, ctx.executor());
    }

    @Override
    public boolean wantsClientData() {
        return awaitingAuthData;
    }

    @Override
    public void clientData(Packet packet) {
        awaitingAuthData = false;
        sequenceId = packet.lastSequenceId();
        byte[] data;
        try {
            data = ByteBufUtil.getBytes(packet.content());
        } finally {
            packet.release();
        }
        onStep(authentication.next(data), null);
    }

    private void onStep(Authentication.Step step, Throwable error) {
        if (error != null) {
            fail(new FluxException(MySqlError.ER_UNKNOWN_ERROR, "authentication failed: " + error));
            return;
        }
        switch (step) {
            case Authentication.Denied d -> fail(d.error());
            case Authentication.SendMoreData m -> {
                ctx.writeAndFlush(Replies.authMoreData(ctx.alloc(), nextSequenceId(), m.data()));
                awaitClientData();
            }
            case Authentication.SwitchPlugin s -> {
                ctx.writeAndFlush(Replies.authSwitch(ctx.alloc(), nextSequenceId(), s.plugin(), s.data()));
                awaitClientData();
            }
            case Authentication.Authenticated a -> {
                if (a.moreDataBeforeOk().length > 0) {
                    ctx.write(Replies.authMoreData(ctx.alloc(), nextSequenceId(), a.moreDataBeforeOk()));
                }
                String database = request.database() == null ? "" : request.database();
                BackendKey current = session.backendKey();
                int collation = request.charset() > 0 ? request.charset() : session.backend().collation();
                long capabilities = (current.capabilities() & ~CapabilityFlags.CLIENT_SSL)
                        | (a.engineTls() ? CapabilityFlags.CLIENT_SSL : 0);
                BackendKey key = new BackendKey(a.user(), capabilities, collation, database);
                // As MariaDB 11.4, which re-sends the proof here: Connector/C checks it again after a change of user.
                String okInfo = TlsProof.okInfo(ctx.pipeline(), session.scramble(), a.plugin(), a.credential());
                services.backends().borrow(key, a.credential(), ctx.channel().eventLoop())
                        .whenCompleteAsync((backend, e) -> onBackend(a.user(), a.credential(), database, okInfo, backend, e),
                                ctx.executor());
            }
        }
    }

    private void awaitClientData() {
        awaitingAuthData = true;
        session.clientDataWanted();
    }

    /** The id of the next packet sent: the exchange continues from the client's last id, wrapping at 256. */
    private int nextSequenceId() {
        sequenceId = (sequenceId + 1) & 0xFF;
        return sequenceId;
    }

    private void onBackend(String user, io.fluxdb.protocol.auth.Credential credential, String database, String okInfo,
            BackendConnection backend, Throwable error) {
        if (error == null && !ctx.channel().isActive()) {
            // The client left while the engine login ran: the session gave its connections back already.
            services.backends().release(backend);
            return;
        }
        if (error != null) {
            Throwable cause = Failures.cause(error);
            if (cause instanceof BackendLoginException e) {
                Replies.writeAndClose(ctx, Replies.error(ctx.alloc(), nextSequenceId(), session.capabilities(),
                        e.errorCode(), e.sqlState(), e.getMessage()));
            } else {
                fail(new FluxException(MySqlError.ER_UNKNOWN_ERROR,
                        "FluxDB cannot reach its database engine: " + cause.getMessage()));
            }
            return;
        }
        session.changedUser(user, credential, backend, database);
        ctx.writeAndFlush(Replies.ok(ctx.alloc(), nextSequenceId(), session.capabilities(),
                ServerStatus.SERVER_STATUS_AUTOCOMMIT, okInfo));
        session.commandComplete(ServerStatus.SERVER_STATUS_AUTOCOMMIT);
    }

    private void fail(FluxException error) {
        Replies.writeAndClose(ctx, Replies.error(ctx.alloc(), nextSequenceId(), session.capabilities(), error));
    }
}
