package io.fluxdb.engine.mysql.differential;

import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_DEPRECATE_EOF;
import static io.fluxdb.protocol.constant.CapabilityFlags.has;
import static io.fluxdb.protocol.constant.ServerStatus.SERVER_SESSION_STATE_CHANGED;

import io.fluxdb.engine.mysql.differential.WireClient.Frame;
import io.fluxdb.engine.mysql.differential.WireClient.Response;
import io.fluxdb.protocol.message.server.ErrPacket;
import io.fluxdb.protocol.message.server.OkPacket;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.Optional;

/**
 * Compares what a client received directly from the engine with what it received through the
 * operator. The comparison is byte for byte (payloads and sequence ids) after three
 * normalisations, each for a value that legitimately differs between the two connections: the
 * proxy side's schema name (same length as the direct one) is mapped to the direct side's; the
 * statement id of COM_STMT_PREPARE_OK (a per-connection handle) is masked; and OK packets that
 * differ only in session-state information are equal.
 */
final class WireDiff {
    private static final int PREVIEW = 160;

    private final byte[] directSchema;
    private final byte[] proxySchema;

    WireDiff(String directSchema, String proxySchema) {
        if (directSchema.length() != proxySchema.length()) {
            throw new IllegalArgumentException("schema names must have the same length: " + directSchema + ", " + proxySchema);
        }
        this.directSchema = directSchema.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        this.proxySchema = proxySchema.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** Empty if the responses match, else a description of the first difference. */
    Optional<String> compare(boolean prepare, long capabilities, Response direct, Response proxy) {
        int n = Math.min(direct.frames().size(), proxy.frames().size());
        for (int i = 0; i < n; i++) {
            Frame d = direct.frames().get(i);
            Frame p = proxy.frames().get(i);
            String where = "packet " + (i + 1) + " of " + direct.frames().size();
            if (d.sequenceId() != p.sequenceId() || d.lastSequenceId() != p.lastSequenceId()) {
                return Optional.of(where + ": sequence ids direct=" + d.sequenceId() + ".." + d.lastSequenceId()
                        + " proxy=" + p.sequenceId() + ".." + p.lastSequenceId());
            }
            byte[] dp = d.payload();
            byte[] pp = replace(p.payload(), proxySchema, directSchema);
            if (prepare && i == 0 && d.header() == 0 && dp.length >= 5 && pp.length >= 5) {
                dp = dp.clone();
                pp = pp.clone();
                Arrays.fill(dp, 1, 5, (byte) 0);
                Arrays.fill(pp, 1, 5, (byte) 0);
            }
            if (Arrays.equals(dp, pp)) {
                continue;
            }
            boolean okShaped = !(prepare && i == 0) && (d.header() == 0x00
                    || d.header() == 0xFE && has(capabilities, CLIENT_DEPRECATE_EOF) && dp.length >= 7);
            if (okShaped && sameExceptSessionState(dp, pp, capabilities)) {
                continue;
            }
            return Optional.of(where + " differs:\n  direct: " + describe(dp, capabilities)
                    + "\n  proxy:  " + describe(pp, capabilities));
        }
        if (direct.frames().size() != proxy.frames().size()) {
            return Optional.of("packet count direct=" + direct.frames().size() + " proxy=" + proxy.frames().size()
                    + "; first extra packet: " + describe(
                    (direct.frames().size() > n ? direct : proxy).frames().get(n).payload(), capabilities));
        }
        return Optional.empty();
    }

    private static boolean sameExceptSessionState(byte[] direct, byte[] proxy, long capabilities) {
        try {
            OkPacket d = OkPacket.decode(Unpooled.wrappedBuffer(direct), capabilities);
            OkPacket p = OkPacket.decode(Unpooled.wrappedBuffer(proxy), capabilities);
            return d.header() == p.header() && d.affectedRows() == p.affectedRows()
                    && d.lastInsertId() == p.lastInsertId() && d.warnings() == p.warnings() && d.info().equals(p.info())
                    && (d.statusFlags() & ~SERVER_SESSION_STATE_CHANGED) == (p.statusFlags() & ~SERVER_SESSION_STATE_CHANGED);
        } catch (RuntimeException e) {
            return false; // not OK packets after all: they differ
        }
    }

    static String describe(byte[] payload, long capabilities) {
        int header = payload.length == 0 ? -1 : payload[0] & 0xFF;
        try {
            if (header == 0xFF) {
                ErrPacket e = ErrPacket.decode(Unpooled.wrappedBuffer(payload), capabilities);
                return "ERR " + e.errorCode() + " (" + e.sqlState() + ") " + e.message();
            }
            if (header == 0x00 || header == 0xFE && payload.length >= 7) {
                return OkPacket.decode(Unpooled.wrappedBuffer(payload), capabilities) + " " + hex(payload);
            }
        } catch (RuntimeException e) {
            // Not decodable as OK/ERR: show the bytes.
        }
        return hex(payload);
    }

    private static String hex(byte[] payload) {
        String dump = ByteBufUtil.hexDump(payload, 0, Math.min(payload.length, PREVIEW));
        return payload.length + " bytes [" + dump + (payload.length > PREVIEW ? "..." : "") + "]";
    }

    static byte[] replace(byte[] data, byte[] from, byte[] to) {
        byte[] out = null;
        for (int i = 0; i <= data.length - from.length; i++) {
            if (data[i] == from[0] && Arrays.equals(data, i, i + from.length, from, 0, from.length)) {
                if (out == null) {
                    out = data.clone();
                }
                System.arraycopy(to, 0, out, i, to.length);
                i += from.length - 1;
            }
        }
        return out == null ? data : out;
    }
}
