package io.fluxdb.protocol.message.client;

import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_CONNECT_ATTRS;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_CONNECT_WITH_DB;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_MYSQL;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_PLUGIN_AUTH;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_PROTOCOL_41;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_SECURE_CONNECTION;
import static io.fluxdb.protocol.constant.CapabilityFlags.has;
import static java.util.Objects.requireNonNull;

import io.fluxdb.protocol.ProtocolException;
import io.fluxdb.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The client's handshake response (protocol 4.1). The auth response is length-encoded with
 * {@code CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA}, 1-byte-length-prefixed with
 * {@code CLIENT_SECURE_CONNECTION}, and NUL-terminated otherwise.
 *
 * @param capabilities MySQL flags in bits 0-31 and, when {@code CLIENT_MYSQL} is clear, MariaDB
 *     extended capabilities in bits 32-63 (sent in the last 4 of the 23 reserved bytes)
 * @param database non-null exactly when {@code CLIENT_CONNECT_WITH_DB} is set
 * @param authPluginName non-null exactly when {@code CLIENT_PLUGIN_AUTH} is set
 * @param connectAttributes in wire order; empty unless {@code CLIENT_CONNECT_ATTRS} is set
 * @see <a href="https://mariadb.com/kb/en/connection/#handshake-response-packet">Handshake response packet</a>
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_packets_protocol_handshake_response.html">Protocol::HandshakeResponse41</a>
 */
public record HandshakeResponse41(
        long capabilities,
        int maxPacketSize,
        int characterSet,
        String user,
        byte[] authResponse,
        String database,
        String authPluginName,
        Map<String, String> connectAttributes) implements ClientMessage {

    private static final int RESERVED = 19;

    public HandshakeResponse41 {
        requireNonNull(user, "user is null");
        requireNonNull(authResponse, "authResponse is null");
        requireNonNull(connectAttributes, "connectAttributes is null");
        checkHeader(capabilities, characterSet);
        if ((database != null) != has(capabilities, CLIENT_CONNECT_WITH_DB)) {
            throw new IllegalArgumentException("database: must be set exactly when CLIENT_CONNECT_WITH_DB is");
        }
        if ((authPluginName != null) != has(capabilities, CLIENT_PLUGIN_AUTH)) {
            throw new IllegalArgumentException("authPluginName: must be set exactly when CLIENT_PLUGIN_AUTH is");
        }
        if (!connectAttributes.isEmpty() && !has(capabilities, CLIENT_CONNECT_ATTRS)) {
            throw new IllegalArgumentException("connectAttributes: need CLIENT_CONNECT_ATTRS");
        }
        if (!has(capabilities, CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA)) {
            if (has(capabilities, CLIENT_SECURE_CONNECTION) && authResponse.length > 0xFF) {
                throw new IllegalArgumentException("authResponse: " + authResponse.length
                        + " bytes (expected: <= 255 without CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA)");
            }
            if (!has(capabilities, CLIENT_SECURE_CONNECTION) && indexOfNul(authResponse) >= 0) {
                throw new IllegalArgumentException("authResponse: contains NUL (expected: none when NUL-terminated)");
            }
        }
        authResponse = authResponse.clone();
        connectAttributes = Collections.unmodifiableMap(new LinkedHashMap<>(connectAttributes));
    }

    @Override
    public byte[] authResponse() {
        return authResponse.clone();
    }

    static void checkHeader(long capabilities, int characterSet) {
        if (!has(capabilities, CLIENT_PROTOCOL_41)) {
            throw new IllegalArgumentException("capabilities: CLIENT_PROTOCOL_41 is not set");
        }
        if (has(capabilities, CLIENT_MYSQL) && (capabilities >>> 32) != 0) {
            throw new IllegalArgumentException("capabilities: MariaDB extended capabilities need CLIENT_MYSQL clear");
        }
        if (characterSet < 0 || characterSet > 0xFF) {
            throw new IllegalArgumentException("characterSet: " + characterSet + " (expected: 0-255)");
        }
    }

    /** Writes the 32 bytes shared with {@link SslRequest}. */
    static void encodeHeader(ByteBuf out, long capabilities, int maxPacketSize, int characterSet) {
        out.writeIntLE((int) capabilities);
        out.writeIntLE(maxPacketSize);
        out.writeByte(characterSet);
        out.writeZero(RESERVED);
        out.writeIntLE(has(capabilities, CLIENT_MYSQL) ? 0 : (int) (capabilities >>> 32));
    }

    /**
     * Decodes a full response; an {@link SslRequest} is rejected. {@code capabilities} is unused
     * (the packet carries the client's own).
     */
    public static HandshakeResponse41 decode(ByteBuf payload, long capabilities) {
        if (SslRequest.isSslRequest(payload)) {
            throw new ProtocolException("handshake response: 32 bytes with CLIENT_SSL is an SSLRequest");
        }
        long caps = Integer.toUnsignedLong(Wire.readInt32(payload, "capabilities"));
        if (!has(caps, CLIENT_PROTOCOL_41)) {
            throw new ProtocolException("capabilities: 0x" + Long.toHexString(caps) + " (expected: CLIENT_PROTOCOL_41)");
        }
        int maxPacket = Wire.readInt32(payload, "max packet size");
        int charset = Wire.readUInt8(payload, "character set");
        Wire.need(payload, RESERVED + 4, "reserved");
        payload.skipBytes(RESERVED);
        long extended = Integer.toUnsignedLong(payload.readIntLE());
        if (!has(caps, CLIENT_MYSQL)) {
            caps |= extended << 32;
        }
        String user = Wire.readNulString(payload);
        byte[] auth;
        if (has(caps, CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA)) {
            auth = Wire.readLenEncBytes(payload);
        } else if (has(caps, CLIENT_SECURE_CONNECTION)) {
            auth = Wire.readFixedBytes(payload, Wire.readUInt8(payload, "auth response length"), "auth response");
        } else {
            auth = nulTerminated(payload, "auth response");
        }
        String database = has(caps, CLIENT_CONNECT_WITH_DB) ? Wire.readNulString(payload) : null;
        // Some clients end the packet with the plugin name and no NUL.
        String plugin = has(caps, CLIENT_PLUGIN_AUTH)
                ? new String(Wire.readNulOrEofBytes(payload), StandardCharsets.UTF_8)
                : null;
        Map<String, String> attributes = new LinkedHashMap<>();
        if (has(caps, CLIENT_CONNECT_ATTRS) && payload.isReadable()) {
            ByteBuf attrs = Wire.readLenEncSlice(payload);
            while (attrs.isReadable()) {
                attributes.put(Wire.readLenEncString(attrs), Wire.readLenEncString(attrs));
            }
        }
        if (payload.isReadable()) {
            throw new ProtocolException("handshake response: " + payload.readableBytes() + " trailing bytes (expected: 0)");
        }
        try {
            return new HandshakeResponse41(caps, maxPacket, charset, user, auth, database, plugin, attributes);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("handshake response: " + e.getMessage(), e);
        }
    }

    /** Encodes the response; {@code capabilities} is unused (the record carries its own). */
    @Override
    public void encode(ByteBuf out, long capabilities) {
        long caps = this.capabilities;
        encodeHeader(out, caps, maxPacketSize, characterSet);
        Wire.writeNulString(out, user);
        if (has(caps, CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA)) {
            Wire.writeLenEncBytes(out, authResponse);
        } else if (has(caps, CLIENT_SECURE_CONNECTION)) {
            out.writeByte(authResponse.length).writeBytes(authResponse);
        } else {
            Wire.writeNulBytes(out, authResponse);
        }
        if (database != null) {
            Wire.writeNulString(out, database);
        }
        if (authPluginName != null) {
            Wire.writeNulString(out, authPluginName);
        }
        if (has(caps, CLIENT_CONNECT_ATTRS)) {
            ByteBuf attrs = out.alloc().buffer();
            try {
                connectAttributes.forEach((k, v) -> {
                    Wire.writeLenEncString(attrs, k);
                    Wire.writeLenEncString(attrs, v);
                });
                Wire.writeLenEncInt(out, attrs.readableBytes());
                out.writeBytes(attrs);
            } finally {
                attrs.release();
            }
        }
    }

    private static byte[] nulTerminated(ByteBuf payload, String what) {
        int end = payload.indexOf(payload.readerIndex(), payload.writerIndex(), (byte) 0);
        if (end < 0) {
            throw new ProtocolException(what + ": no NUL terminator");
        }
        byte[] bytes = Wire.readFixedBytes(payload, end - payload.readerIndex(), what);
        payload.skipBytes(1);
        return bytes;
    }

    private static int indexOfNul(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HandshakeResponse41 r && r.capabilities == capabilities && r.maxPacketSize == maxPacketSize
                && r.characterSet == characterSet && r.user.equals(user) && Arrays.equals(r.authResponse, authResponse)
                && java.util.Objects.equals(r.database, database) && java.util.Objects.equals(r.authPluginName, authPluginName)
                && r.connectAttributes.equals(connectAttributes);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Long.hashCode(capabilities) + user.hashCode()) + Arrays.hashCode(authResponse);
    }

    /** Never shows the auth response: it is derived from a password. */
    @Override
    public String toString() {
        return "HandshakeResponse41[capabilities=0x" + Long.toHexString(capabilities) + ", maxPacketSize=" + maxPacketSize
                + ", characterSet=" + characterSet + ", user=" + user + ", authResponse=" + authResponse.length
                + " bytes, database=" + database + ", authPluginName=" + authPluginName
                + ", connectAttributes=" + connectAttributes + "]";
    }
}
