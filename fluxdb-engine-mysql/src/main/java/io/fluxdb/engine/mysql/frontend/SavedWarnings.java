package io.fluxdb.engine.mysql.frontend;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.fluxdb.engine.mysql.backend.BackendConnection;
import io.fluxdb.engine.mysql.backend.ResponseListener;
import io.fluxdb.protocol.codec.Packet;
import io.fluxdb.protocol.codec.ResponseTracker;
import io.fluxdb.protocol.constant.CommandType;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * The engine's answer to {@code SHOW WARNINGS} for a client's write, taken right after the write ran: the operator runs
 * statements of its own before the client can ask (XA END, PREPARE and COMMIT of an autocommit write, releasing the
 * pinned clock), and each of them would clear the engine's warnings. The client's own {@code SHOW WARNINGS} is then
 * answered with these packets, exactly as the engine sent them. Owned by the session's event loop.
 */
final class SavedWarnings {
    private static final Pattern SHOW_WARNINGS = Pattern.compile("(?is)\\s*SHOW\\s+WARNINGS\\s*;?\\s*");

    private final List<Packet> packets;

    private SavedWarnings(List<Packet> packets) {
        this.packets = packets;
    }

    /** Whether the client's statement is the one these packets answer. */
    static boolean asks(String sql) {
        return SHOW_WARNINGS.matcher(sql).matches();
    }

    /** Asks the engine for the warnings of the statement that just ran on {@code backend}. */
    static CompletableFuture<SavedWarnings> take(BackendConnection backend) {
        CompletableFuture<SavedWarnings> result = new CompletableFuture<>();
        List<Packet> packets = new ArrayList<>();
        ResponseTracker tracker = ResponseTracker.forCommand(CommandType.COM_QUERY, backend.key().capabilities());
        byte[] query = ("\u0003SHOW WARNINGS").getBytes(UTF_8);
        backend.send(new Packet(0, Unpooled.wrappedBuffer(query)), new ResponseListener() {
            @Override
            public void onPacket(Packet packet) {
                packets.add(packet);
                try {
                    if (tracker.feed(packet.content())) {
                        backend.idle();
                        result.complete(new SavedWarnings(packets));
                    }
                } catch (RuntimeException e) {
                    backend.markBroken();
                    packets.forEach(Packet::release);
                    result.completeExceptionally(e);
                }
            }

            @Override
            public void onBackendFailure(Throwable cause) {
                packets.forEach(Packet::release);
                result.completeExceptionally(cause);
            }
        }).addListener(f -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(f.cause());
            }
        });
        return result;
    }

    /** Sends the saved answer to the client, and keeps it: SHOW WARNINGS does not clear the warnings it shows. */
    void replay(ChannelHandlerContext client) {
        for (Packet packet : packets) {
            client.write(packet.retainedDuplicate());
        }
        client.flush();
    }

    /** Drops the saved answer (the client moved on to another statement). */
    void release() {
        packets.forEach(Packet::release);
        packets.clear();
    }
}
