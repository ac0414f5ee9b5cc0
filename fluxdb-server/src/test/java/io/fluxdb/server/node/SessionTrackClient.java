package io.fluxdb.server.node;

import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_DEPRECATE_EOF;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_SESSION_TRACK;

import io.fluxdb.engine.mysql.differential.WireClient;
import io.fluxdb.protocol.message.client.ComQuery;
import io.fluxdb.protocol.message.server.ErrPacket;
import io.fluxdb.protocol.message.server.OkPacket;
import io.fluxdb.protocol.message.server.SessionStateChange;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A MySQL client over a real socket that reads the session-state part of OK packets, which JDBC drivers do not show:
 * the last packet of each answer is decoded with the protocol module's codec.
 */
final class SessionTrackClient implements AutoCloseable {

    /** The last packet of a statement's answer: an OK, an ERR, or (both null) an EOF; and every packet's payload. */
    record Answer(OkPacket ok, ErrPacket error, List<byte[]> packets) {
        /** The SESSION_TRACK_SYSTEM_VARIABLES entries; a name reported twice fails. */
        Map<String, String> trackedVariables() {
            if (ok == null && error == null) {
                return Map.of();
            }
            if (ok == null) {
                throw new AssertionError("expected an OK, got " + error);
            }
            Map<String, String> out = new LinkedHashMap<>();
            for (SessionStateChange c : ok.sessionStateChanges()) {
                if (c.type() == SessionStateChange.SESSION_TRACK_SYSTEM_VARIABLES) {
                    Map.Entry<String, String> v = c.systemVariable();
                    if (out.putIfAbsent(v.getKey(), v.getValue()) != null) {
                        throw new AssertionError(v.getKey() + " reported twice: " + ok.sessionStateChanges());
                    }
                }
            }
            return out;
        }
    }

    private final WireClient wire;

    private SessionTrackClient(WireClient wire) {
        this.wire = wire;
    }

    /** Logs in to {@code address} as {@code user}, asking for {@code capabilities} (and what the connector adds). */
    static SessionTrackClient connect(EventLoopGroup group, InetSocketAddress address, String user, String password,
            String database, long capabilities) throws Exception {
        return new SessionTrackClient(WireClient.connect(group, address.getHostString(), address.getPort(), user,
                password, database, capabilities));
    }

    boolean tracksSession() {
        return (wire.capabilities() & CLIENT_SESSION_TRACK) != 0;
    }

    /** Runs {@code sql} and returns its answer, the last packet decoded. */
    Answer query(String sql) throws Exception {
        List<byte[]> packets = wire.execute(new ComQuery(sql)).frames().stream().map(WireClient.Frame::payload)
                .toList();
        byte[] last = packets.getLast();
        long capabilities = wire.capabilities();
        if ((last[0] & 0xFF) == 0xFF) {
            return new Answer(null, ErrPacket.decode(Unpooled.wrappedBuffer(last), capabilities), packets);
        }
        if ((last[0] & 0xFF) == 0xFE && (capabilities & CLIENT_DEPRECATE_EOF) == 0) {
            // rows end with an EOF, which has no room for session state
            return new Answer(null, null, packets);
        }
        // A final 0x00 or, under CLIENT_DEPRECATE_EOF, the 0xFE OK that ends the rows.
        return new Answer(OkPacket.decode(Unpooled.wrappedBuffer(last), capabilities), null, packets);
    }

    /** Runs {@code sql}, which must succeed. */
    Answer ok(String sql) throws Exception {
        Answer a = query(sql);
        if (a.error() != null) {
            throw new AssertionError(sql + " failed: " + a.error());
        }
        return a;
    }

    @Override
    public void close() throws InterruptedException {
        wire.close();
    }
}
