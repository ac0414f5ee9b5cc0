package io.fluxdb.engine.mysql.frontend;

import static io.fluxdb.protocol.constant.CommandType.COM_QUERY;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.fluxdb.engine.mysql.backend.BackendConnection;
import io.fluxdb.engine.mysql.backend.ResponseListener;
import io.fluxdb.protocol.codec.Packet;
import io.fluxdb.protocol.codec.ResponseTracker;
import io.fluxdb.protocol.constant.CapabilityFlags;
import io.fluxdb.protocol.message.server.ColumnDefinition41;
import io.fluxdb.protocol.message.server.ErrPacket;
import io.fluxdb.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Statements the operator runs itself on a session's engine connection (XA control, pinning the clock, reading
 * the values a write depends on), sent back to back and answered in one go. The client never sees them: their
 * responses are collected here, never relayed.
 */
final class EngineStatements implements ResponseListener {

    /**
     * The engine's answer to one statement.
     *
     * @param error the ERR packet, or null when the statement succeeded
     * @param columns the result set's columns, empty for an OK
     * @param row the first row's values as text (null for SQL NULL), empty when there is none
     */
    record Outcome(ErrPacket error, long affectedRows, long insertId, int statusFlags, int warnings,
            List<ColumnDefinition41> columns, List<byte[]> row) {

        boolean ok() {
            return error == null;
        }

        /** The first row's value of column {@code i} as UTF-8 text, or null for SQL NULL. */
        String text(int i) {
            byte[] value = row.get(i);
            return value == null ? null : new String(value, UTF_8);
        }
    }

    private final BackendConnection backend;
    private final long capabilities;
    private final List<String> statements;
    private final List<Outcome> outcomes = new ArrayList<>();
    private final CompletableFuture<List<Outcome>> result = new CompletableFuture<>();
    private ResponseTracker tracker;
    private int packetsOfCurrent;
    private List<ColumnDefinition41> columns = new ArrayList<>();
    private List<byte[]> row = List.of();
    private ErrPacket error;

    private EngineStatements(BackendConnection backend, List<String> statements) {
        this.backend = backend;
        this.capabilities = backend.key().capabilities();
        this.statements = List.copyOf(statements);
    }

    /**
     * Sends {@code statements} without waiting between them and completes with one outcome per statement, in order,
     * once the engine answered the last. Completes exceptionally if the connection fails; an ERR is an outcome.
     */
    static CompletableFuture<List<Outcome>> run(BackendConnection backend, List<String> statements) {
        requireNonNull(backend, "backend is null");
        requireNonNull(statements, "statements is null");
        if (statements.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        EngineStatements run = new EngineStatements(backend, statements);
        run.start();
        return run.result;
    }

    /** Like {@link #run}, but an ERR from any statement fails the future with {@link EngineStatementException}. */
    static CompletableFuture<List<Outcome>> runAll(BackendConnection backend, List<String> statements) {
        return run(backend, statements).thenApply(outcomes -> {
            for (int i = 0; i < outcomes.size(); i++) {
                if (!outcomes.get(i).ok()) {
                    throw new EngineStatementException(statements.get(i), outcomes.get(i).error());
                }
            }
            return outcomes;
        });
    }

    private void start() {
        tracker = ResponseTracker.forCommand(COM_QUERY, capabilities);
        for (int i = 0; i < statements.size(); i++) {
            Packet command = new Packet(0, Unpooled.wrappedBuffer(new byte[] {(byte) COM_QUERY},
                    statements.get(i).getBytes(UTF_8)));
            var write = i == 0 ? backend.send(command, this) : backend.sendMore(command);
            write.addListener(f -> {
                if (!f.isSuccess()) {
                    onBackendFailure(f.cause());
                }
            });
        }
    }

    @Override
    public void onPacket(Packet packet) {
        try {
            ByteBuf payload = packet.content();
            packetsOfCurrent++;
            int header = payload.isReadable() ? payload.getUnsignedByte(payload.readerIndex()) : -1;
            boolean resultSet = tracker.numColumns() > 0 || (packetsOfCurrent == 1 && header != 0x00 && header != 0xFF);
            if (header == 0xFF) {
                error = ErrPacket.decode(payload.duplicate(), capabilities);
            }
            boolean complete = tracker.feed(payload);
            if (resultSet && !complete && error == null) {
                readResultSetPacket(payload);
            }
            if (complete) {
                outcomes.add(new Outcome(error, tracker.affectedRows(), tracker.lastInsertId(), tracker.statusFlags(),
                        tracker.warnings(), Collections.unmodifiableList(columns), row));
                if (outcomes.size() == statements.size()) {
                    backend.idle();
                    result.complete(List.copyOf(outcomes));
                } else {
                    tracker = ResponseTracker.forCommand(COM_QUERY, capabilities);
                    packetsOfCurrent = 0;
                    columns = new ArrayList<>();
                    row = List.of();
                    error = null;
                }
            }
        } catch (RuntimeException e) {
            backend.markBroken();
            result.completeExceptionally(e);
        } finally {
            packet.release();
        }
    }

    /** Column definitions follow the column count; then (without CLIENT_DEPRECATE_EOF) an EOF; then rows. */
    private void readResultSetPacket(ByteBuf payload) {
        int n = tracker.numColumns();
        if (packetsOfCurrent == 1) {
            return;
        }
        if (packetsOfCurrent <= n + 1) {
            columns.add(ColumnDefinition41.decode(payload.duplicate(), capabilities));
            return;
        }
        boolean eofAfterColumns = (capabilities & CapabilityFlags.CLIENT_DEPRECATE_EOF) == 0;
        if (eofAfterColumns && packetsOfCurrent == n + 2) {
            return;
        }
        if (row.isEmpty()) {
            ByteBuf p = payload.duplicate();
            List<byte[]> values = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                values.add(Wire.isLenEncNull(p) ? skipNull(p) : Wire.readLenEncBytes(p));
            }
            row = Collections.unmodifiableList(values);
        }
    }

    private static byte[] skipNull(ByteBuf p) {
        p.skipBytes(1);
        return null;
    }

    @Override
    public void onBackendFailure(Throwable cause) {
        backend.markBroken();
        result.completeExceptionally(cause);
    }

    /** An operator statement the engine refused. */
    static final class EngineStatementException extends RuntimeException {
        private final transient ErrPacket error;

        EngineStatementException(String statement, ErrPacket error) {
            super("engine refused '" + statement + "': " + error.errorCode() + " (" + error.sqlState() + ") "
                    + error.message());
            this.error = error;
        }

        ErrPacket error() {
            return error;
        }
    }
}
