package io.fluxdb.protocol.message.server;

import static java.util.Objects.requireNonNull;

import io.fluxdb.protocol.ProtocolException;
import io.fluxdb.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One entry of an OK packet's session-state-change field: a type and its raw data. Typed views
 * ({@link #systemVariable()}, {@link #schema()}, …) parse the data on demand.
 *
 * @see <a href="https://mariadb.com/kb/en/ok_packet/#session-change-type">Session change type</a>
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_ok_packet.html">OK_Packet (MySQL): session state</a>
 */
public record SessionStateChange(int type, byte[] data) {
    public static final int SESSION_TRACK_SYSTEM_VARIABLES = 0;
    public static final int SESSION_TRACK_SCHEMA = 1;
    public static final int SESSION_TRACK_STATE_CHANGE = 2;
    public static final int SESSION_TRACK_GTIDS = 3;
    public static final int SESSION_TRACK_TRANSACTION_CHARACTERISTICS = 4;
    public static final int SESSION_TRACK_TRANSACTION_STATE = 5;

    public SessionStateChange {
        requireNonNull(data, "data is null");
        if (type < 0 || type > 0xFF) {
            throw new IllegalArgumentException("type: " + type + " (expected: 0-255)");
        }
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /** Parses every entry of a session-state-change field (the bytes inside its length prefix). */
    public static List<SessionStateChange> parseAll(ByteBuf buf) {
        List<SessionStateChange> changes = new ArrayList<>();
        while (buf.isReadable()) {
            int type = Wire.readUInt8(buf, "session state type");
            changes.add(new SessionStateChange(type, Wire.readLenEncBytes(buf)));
        }
        return List.copyOf(changes);
    }

    /** Writes this entry: type, then the length-encoded data. */
    public void encode(ByteBuf out) {
        out.writeByte(type);
        Wire.writeLenEncBytes(out, data);
    }

    /** SESSION_TRACK_SYSTEM_VARIABLES: the variable name and its new value. */
    public Map.Entry<String, String> systemVariable() {
        expect(SESSION_TRACK_SYSTEM_VARIABLES);
        ByteBuf buf = Unpooled.wrappedBuffer(data);
        return Map.entry(Wire.readLenEncString(buf), Wire.readLenEncString(buf));
    }

    /** SESSION_TRACK_SCHEMA: the new default schema. */
    public String schema() {
        expect(SESSION_TRACK_SCHEMA);
        return Wire.readLenEncString(Unpooled.wrappedBuffer(data));
    }

    /** SESSION_TRACK_STATE_CHANGE: whether the session state changed ("1"). */
    public boolean stateChanged() {
        expect(SESSION_TRACK_STATE_CHANGE);
        return "1".equals(Wire.readLenEncString(Unpooled.wrappedBuffer(data)));
    }

    /** SESSION_TRACK_GTIDS: the GTID set (after the 1-byte encoding specification). */
    public String gtids() {
        expect(SESSION_TRACK_GTIDS);
        ByteBuf buf = Unpooled.wrappedBuffer(data);
        Wire.readUInt8(buf, "GTID encoding specification");
        return Wire.readLenEncString(buf);
    }

    /** SESSION_TRACK_TRANSACTION_CHARACTERISTICS: the SQL that would restore them. */
    public String transactionCharacteristics() {
        expect(SESSION_TRACK_TRANSACTION_CHARACTERISTICS);
        return Wire.readLenEncString(Unpooled.wrappedBuffer(data));
    }

    /** SESSION_TRACK_TRANSACTION_STATE: the 8-character transaction state. */
    public String transactionState() {
        expect(SESSION_TRACK_TRANSACTION_STATE);
        return Wire.readLenEncString(Unpooled.wrappedBuffer(data));
    }

    private void expect(int expected) {
        if (type != expected) {
            throw new ProtocolException("session state type: " + type + " (expected: " + expected + ")");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SessionStateChange c && c.type == type && Arrays.equals(c.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * type + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "SessionStateChange[type=" + type + ", data=" + new String(data, StandardCharsets.UTF_8) + "]";
    }
}
