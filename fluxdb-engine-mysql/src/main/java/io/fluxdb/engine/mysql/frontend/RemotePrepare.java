package io.fluxdb.engine.mysql.frontend;

import io.fluxdb.engine.mysql.backend.BackendConnection;
import io.fluxdb.engine.mysql.backend.ResponseListener;
import io.fluxdb.protocol.codec.Packet;
import io.fluxdb.protocol.codec.ResponseTracker;
import io.fluxdb.protocol.constant.CommandType;
import io.fluxdb.protocol.message.server.ErrPacket;
import io.netty.buffer.Unpooled;
import java.util.concurrent.CompletableFuture;

/**
 * Prepares a statement on another server (the leader, for a forwarded session) without showing the answer to the
 * client, who already has the local statement's: completes with the remote statement id, or fails with
 * {@link EngineStatements.EngineStatementException} carrying the server's ERR.
 */
final class RemotePrepare implements ResponseListener {
    private final BackendConnection connection;
    private final ResponseTracker tracker;
    private final CompletableFuture<Integer> result = new CompletableFuture<>();
    private final String sql;
    private ErrPacket error;

    private RemotePrepare(BackendConnection connection, String sql) {
        this.connection = connection;
        this.sql = sql;
        this.tracker = ResponseTracker.forCommand(CommandType.COM_STMT_PREPARE, connection.key().capabilities());
    }

    static CompletableFuture<Integer> prepare(BackendConnection connection, byte[] sql) {
        RemotePrepare prepare = new RemotePrepare(connection, new String(sql, java.nio.charset.StandardCharsets.UTF_8));
        byte[] payload = new byte[sql.length + 1];
        payload[0] = (byte) CommandType.COM_STMT_PREPARE;
        System.arraycopy(sql, 0, payload, 1, sql.length);
        connection.send(new Packet(0, Unpooled.wrappedBuffer(payload)), prepare).addListener(f -> {
            if (!f.isSuccess()) {
                prepare.onBackendFailure(f.cause());
            }
        });
        return prepare.result;
    }

    @Override
    public void onPacket(Packet packet) {
        try {
            if (error == null && packet.content().isReadable()
                    && packet.content().getUnsignedByte(packet.content().readerIndex()) == 0xFF) {
                error = ErrPacket.decode(packet.content().duplicate(), connection.key().capabilities());
            }
            if (tracker.feed(packet.content())) {
                connection.idle();
                if (error != null) {
                    result.completeExceptionally(new EngineStatements.EngineStatementException(sql, error));
                } else {
                    result.complete(tracker.statementId());
                }
            }
        } catch (RuntimeException e) {
            connection.markBroken();
            result.completeExceptionally(e);
        } finally {
            packet.release();
        }
    }

    @Override
    public void onBackendFailure(Throwable cause) {
        result.completeExceptionally(cause);
    }
}
