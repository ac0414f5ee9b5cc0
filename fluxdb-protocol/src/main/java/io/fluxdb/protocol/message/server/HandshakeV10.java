package io.fluxdb.protocol.message.server;

import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_MYSQL;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_PLUGIN_AUTH;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_SECURE_CONNECTION;
import static io.fluxdb.protocol.constant.CapabilityFlags.has;
import static java.util.Objects.requireNonNull;

import io.fluxdb.protocol.ProtocolException;
import io.fluxdb.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The server's initial handshake. {@code capabilities} holds the MySQL flags in bits 0-31 and, when
 * {@code CLIENT_MYSQL} is clear (a MariaDB server), MariaDB's extended capabilities in bits 32-63;
 * they travel in the last 4 of the 10 reserved bytes. The scramble (auth plugin data) is sent in two
 * parts, 8 bytes and the rest, each followed by a NUL.
 *
 * @param connectionId unsigned 32-bit
 * @param scramble at least 20 bytes, without the trailing NUL
 * @param authPluginName empty when {@code CLIENT_PLUGIN_AUTH} is not set
 * @see <a href="https://mariadb.com/kb/en/connection/#initial-handshake-packet">Initial handshake packet</a>
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_packets_protocol_handshake_v10.html">Protocol::HandshakeV10</a>
 */
public record HandshakeV10(
        String serverVersion,
        long connectionId,
        byte[] scramble,
        long capabilities,
        int characterSet,
        int statusFlags,
        String authPluginName) implements ServerMessage {

    public static final int PROTOCOL_VERSION = 10;
    private static final int SCRAMBLE_PART1 = 8;
    private static final int MIN_SCRAMBLE = 20;

    public HandshakeV10 {
        requireNonNull(serverVersion, "serverVersion is null");
        requireNonNull(scramble, "scramble is null");
        requireNonNull(authPluginName, "authPluginName is null");
        if (connectionId < 0 || connectionId > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("connectionId: " + connectionId + " (expected: 0-4294967295)");
        }
        if (scramble.length < MIN_SCRAMBLE || scramble.length > 0xFF - 1) {
            throw new IllegalArgumentException("scramble: " + scramble.length + " bytes (expected: 20-254)");
        }
        if (characterSet < 0 || characterSet > 0xFF) {
            throw new IllegalArgumentException("characterSet: " + characterSet + " (expected: 0-255)");
        }
        if (statusFlags < 0 || statusFlags > 0xFFFF) {
            throw new IllegalArgumentException("statusFlags: " + statusFlags + " (expected: 0-65535)");
        }
        if (has(capabilities, CLIENT_MYSQL) && (capabilities >>> 32) != 0) {
            throw new IllegalArgumentException("capabilities: MariaDB extended capabilities need CLIENT_MYSQL clear");
        }
        scramble = scramble.clone();
    }

    @Override
    public byte[] scramble() {
        return scramble.clone();
    }

    /** True if the server is MariaDB (it clears CLIENT_MYSQL to announce extended capabilities). */
    public boolean isMariaDb() {
        return !has(capabilities, CLIENT_MYSQL);
    }

    /** Decodes the payload; {@code capabilities} is unused (the packet carries its own). */
    public static HandshakeV10 decode(ByteBuf payload, long capabilities) {
        int version = Wire.readUInt8(payload, "protocol version");
        if (version != PROTOCOL_VERSION) {
            throw new ProtocolException("protocol version: " + version + " (expected: 10)");
        }
        String serverVersion = Wire.readNulString(payload);
        long connectionId = Integer.toUnsignedLong(Wire.readInt32(payload, "connection id"));
        byte[] part1 = Wire.readFixedBytes(payload, SCRAMBLE_PART1, "scramble part 1");
        Wire.readUInt8(payload, "filler");
        long caps = Wire.readUInt16(payload, "capabilities");
        int charset = Wire.readUInt8(payload, "character set");
        int status = Wire.readUInt16(payload, "status flags");
        caps |= (long) Wire.readUInt16(payload, "capabilities (upper)") << 16;
        int authDataLength = Wire.readUInt8(payload, "auth plugin data length");
        Wire.need(payload, 10, "reserved");
        payload.skipBytes(6);
        long extended = Integer.toUnsignedLong(payload.readIntLE());
        if (!has(caps, CLIENT_MYSQL)) {
            caps |= extended << 32;
        }
        // Part 2 is max(12, length - 9) bytes, then a NUL; servers without CLIENT_SECURE_CONNECTION omit it.
        byte[] scramble = part1;
        if (has(caps, CLIENT_SECURE_CONNECTION)) {
            byte[] part2 = Wire.readFixedBytes(payload, Math.max(12, authDataLength - 9), "scramble part 2");
            Wire.readUInt8(payload, "scramble terminator");
            scramble = Arrays.copyOf(part1, SCRAMBLE_PART1 + part2.length);
            System.arraycopy(part2, 0, scramble, SCRAMBLE_PART1, part2.length);
        }
        if (scramble.length < MIN_SCRAMBLE) {
            throw new ProtocolException("scramble: " + scramble.length + " bytes (expected: >= 20)");
        }
        // Some MySQL versions omit the plugin name's NUL at the end of the packet.
        String plugin = has(caps, CLIENT_PLUGIN_AUTH)
                ? new String(Wire.readNulOrEofBytes(payload), StandardCharsets.UTF_8)
                : "";
        try {
            return new HandshakeV10(serverVersion, connectionId, scramble, caps, charset, status, plugin);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("HandshakeV10: " + e.getMessage(), e);
        }
    }

    /** Encodes the handshake; {@code capabilities} is unused (the record carries its own). */
    @Override
    public void encode(ByteBuf out, long capabilities) {
        out.writeByte(PROTOCOL_VERSION);
        Wire.writeNulString(out, serverVersion);
        out.writeIntLE((int) connectionId);
        out.writeBytes(scramble, 0, SCRAMBLE_PART1);
        out.writeByte(0);
        out.writeShortLE((int) this.capabilities);
        out.writeByte(characterSet);
        out.writeShortLE(statusFlags);
        out.writeShortLE((int) (this.capabilities >>> 16));
        out.writeByte(has(this.capabilities, CLIENT_PLUGIN_AUTH) ? scramble.length + 1 : 0);
        out.writeZero(6);
        out.writeIntLE(isMariaDb() ? (int) (this.capabilities >>> 32) : 0);
        if (has(this.capabilities, CLIENT_SECURE_CONNECTION)) {
            out.writeBytes(scramble, SCRAMBLE_PART1, scramble.length - SCRAMBLE_PART1);
            out.writeByte(0);
        }
        if (has(this.capabilities, CLIENT_PLUGIN_AUTH)) {
            Wire.writeNulString(out, authPluginName);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HandshakeV10 h && h.connectionId == connectionId && h.capabilities == capabilities
                && h.characterSet == characterSet && h.statusFlags == statusFlags
                && h.serverVersion.equals(serverVersion) && Arrays.equals(h.scramble, scramble)
                && h.authPluginName.equals(authPluginName);
    }

    @Override
    public int hashCode() {
        return 31 * Long.hashCode(connectionId) + Arrays.hashCode(scramble);
    }

    @Override
    public String toString() {
        return "HandshakeV10[serverVersion=" + serverVersion + ", connectionId=" + connectionId
                + ", capabilities=0x" + Long.toHexString(capabilities) + ", characterSet=" + characterSet
                + ", statusFlags=0x" + Integer.toHexString(statusFlags) + ", authPluginName=" + authPluginName + "]";
    }
}
