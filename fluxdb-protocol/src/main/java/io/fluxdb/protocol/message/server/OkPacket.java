package io.fluxdb.protocol.message.server;

import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_PROTOCOL_41;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_SESSION_TRACK;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_TRANSACTIONS;
import static io.fluxdb.protocol.constant.CapabilityFlags.has;
import static io.fluxdb.protocol.constant.ServerStatus.SERVER_SESSION_STATE_CHANGED;
import static java.util.Objects.requireNonNull;

import io.fluxdb.protocol.ProtocolException;
import io.fluxdb.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.List;

/**
 * OK, or with header {@code 0xFE} the OK that ends a result set when {@code CLIENT_DEPRECATE_EOF}
 * is negotiated. The session-state bytes are kept exactly as received ({@link #sessionStateInfo()})
 * and can be parsed with {@link #sessionStateChanges()}.
 *
 * <p>The info text is length-encoded whenever present: MariaDB and MySQL servers both write it so,
 * even without {@code CLIENT_SESSION_TRACK} where the MySQL docs say string&lt;EOF&gt;. Servers omit
 * it when it is empty and no session state changed, and so does {@link #encode}.
 *
 * @param header {@link #HEADER} or {@link #EOF_HEADER}
 * @param affectedRows unsigned 64-bit
 * @param lastInsertId unsigned 64-bit
 * @param sessionStateInfo the raw session-state-change field (empty unless {@code SERVER_SESSION_STATE_CHANGED})
 * @see <a href="https://mariadb.com/kb/en/ok_packet/">OK_Packet</a>
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_ok_packet.html">OK_Packet (MySQL)</a>
 */
public record OkPacket(
        int header,
        long affectedRows,
        long lastInsertId,
        int statusFlags,
        int warnings,
        String info,
        byte[] sessionStateInfo) implements ServerMessage {

    public static final int HEADER = 0x00;
    public static final int EOF_HEADER = 0xFE;

    public OkPacket {
        requireNonNull(info, "info is null");
        requireNonNull(sessionStateInfo, "sessionStateInfo is null");
        if (header != HEADER && header != EOF_HEADER) {
            throw new IllegalArgumentException("header: 0x" + Integer.toHexString(header) + " (expected: 0x00 or 0xfe)");
        }
        if (statusFlags < 0 || statusFlags > 0xFFFF) {
            throw new IllegalArgumentException("statusFlags: " + statusFlags + " (expected: 0-65535)");
        }
        if (warnings < 0 || warnings > 0xFFFF) {
            throw new IllegalArgumentException("warnings: " + warnings + " (expected: 0-65535)");
        }
        if (sessionStateInfo.length > 0 && (statusFlags & SERVER_SESSION_STATE_CHANGED) == 0) {
            throw new IllegalArgumentException("sessionStateInfo needs SERVER_SESSION_STATE_CHANGED in statusFlags");
        }
        sessionStateInfo = sessionStateInfo.clone();
    }

    /** A plain OK (header 0x00) without session state. */
    public OkPacket(long affectedRows, long lastInsertId, int statusFlags, int warnings, String info) {
        this(HEADER, affectedRows, lastInsertId, statusFlags, warnings, info, new byte[0]);
    }

    @Override
    public byte[] sessionStateInfo() {
        return sessionStateInfo.clone();
    }

    /** The session-state changes, parsed from {@link #sessionStateInfo()}. */
    public List<SessionStateChange> sessionStateChanges() {
        return SessionStateChange.parseAll(Unpooled.wrappedBuffer(sessionStateInfo));
    }

    public static OkPacket decode(ByteBuf payload, long capabilities) {
        int header = Wire.readUInt8(payload, "OK header");
        if (header != HEADER && header != EOF_HEADER) {
            throw new ProtocolException("OK header: 0x" + Integer.toHexString(header) + " (expected: 0x00 or 0xfe)");
        }
        long affected = Wire.readLenEncInt(payload);
        long insertId = Wire.readLenEncInt(payload);
        int status = 0;
        int warnings = 0;
        if (has(capabilities, CLIENT_PROTOCOL_41)) {
            status = Wire.readUInt16(payload, "status flags");
            warnings = Wire.readUInt16(payload, "warnings");
        } else if (has(capabilities, CLIENT_TRANSACTIONS)) {
            status = Wire.readUInt16(payload, "status flags");
        }
        String info = payload.isReadable() ? Wire.readLenEncString(payload) : "";
        byte[] state = new byte[0];
        if (has(capabilities, CLIENT_SESSION_TRACK) && (status & SERVER_SESSION_STATE_CHANGED) != 0
                && payload.isReadable()) {
            state = Wire.readLenEncBytes(payload);
        }
        if (payload.isReadable()) {
            throw new ProtocolException("OK packet: " + payload.readableBytes() + " trailing bytes (expected: 0)");
        }
        try {
            return new OkPacket(header, affected, insertId, status, warnings, info, state);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("OK packet: " + e.getMessage(), e);
        }
    }

    @Override
    public void encode(ByteBuf out, long capabilities) {
        out.writeByte(header);
        Wire.writeLenEncInt(out, affectedRows);
        Wire.writeLenEncInt(out, lastInsertId);
        if (has(capabilities, CLIENT_PROTOCOL_41)) {
            out.writeShortLE(statusFlags);
            out.writeShortLE(warnings);
        } else if (has(capabilities, CLIENT_TRANSACTIONS)) {
            out.writeShortLE(statusFlags);
        }
        boolean writeState = has(capabilities, CLIENT_SESSION_TRACK) && (statusFlags & SERVER_SESSION_STATE_CHANGED) != 0;
        if (!info.isEmpty() || writeState) {
            Wire.writeLenEncString(out, info);
        }
        if (writeState) {
            Wire.writeLenEncBytes(out, sessionStateInfo);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OkPacket p && p.header == header && p.affectedRows == affectedRows
                && p.lastInsertId == lastInsertId && p.statusFlags == statusFlags && p.warnings == warnings
                && p.info.equals(info) && Arrays.equals(p.sessionStateInfo, sessionStateInfo);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Long.hashCode(affectedRows) + statusFlags) + Arrays.hashCode(sessionStateInfo);
    }

    @Override
    public String toString() {
        return "OkPacket[header=0x" + Integer.toHexString(header) + ", affectedRows=" + Long.toUnsignedString(affectedRows)
                + ", lastInsertId=" + Long.toUnsignedString(lastInsertId) + ", statusFlags=0x" + Integer.toHexString(statusFlags)
                + ", warnings=" + warnings + ", info=" + info + ", sessionStateInfo="
                + sessionStateInfo.length + " bytes]";
    }
}
