package io.fluxdb.protocol.message.client;

import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_CONNECT_ATTRS;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_PLUGIN_AUTH;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_SECURE_CONNECTION;
import static io.fluxdb.protocol.constant.CapabilityFlags.has;
import static java.util.Objects.requireNonNull;

import io.fluxdb.protocol.ProtocolException;
import io.fluxdb.protocol.constant.CommandType;
import io.fluxdb.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Re-authenticates the connection as another user; answered like a handshake response (OK, ERR or
 * an authentication switch). The fields after the database are optional on the wire: a
 * {@code charset} of 0 means the client sent none of them.
 *
 * @param authResponse the auth plugin's response; never logged
 * @param authPlugin the client's auth plugin name, empty if not sent
 * @param attributes connection attributes in the client's order, empty if not sent
 * @see <a href="https://mariadb.com/kb/en/com_change_user/">COM_CHANGE_USER</a>
 */
public record ComChangeUser(String user, byte[] authResponse, String database, int charset, String authPlugin,
                            Map<String, String> attributes) implements ClientMessage {
    public ComChangeUser {
        requireNonNull(user, "user is null");
        requireNonNull(authResponse, "authResponse is null");
        requireNonNull(database, "database is null");
        requireNonNull(authPlugin, "authPlugin is null");
        requireNonNull(attributes, "attributes is null");
        if (charset < 0 || charset > 0xFFFF) {
            throw new IllegalArgumentException("charset: " + charset + " (expected: 0..65535)");
        }
        authResponse = authResponse.clone();
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    public static ComChangeUser decode(ByteBuf payload, long capabilities) {
        Commands.expectCommand(payload, CommandType.COM_CHANGE_USER);
        String user = Wire.readNulString(payload);
        byte[] auth = has(capabilities, CLIENT_SECURE_CONNECTION)
                ? Wire.readFixedBytes(payload, Wire.readUInt8(payload, "auth response length"), "auth response")
                : readNulBytes(payload);
        String database = Wire.readNulString(payload);
        int charset = 0;
        String plugin = "";
        Map<String, String> attributes = new LinkedHashMap<>();
        if (payload.isReadable()) {
            charset = Wire.readUInt16(payload, "charset");
            if (has(capabilities, CLIENT_PLUGIN_AUTH) && payload.isReadable()) {
                plugin = Wire.readNulString(payload);
            }
            if (has(capabilities, CLIENT_CONNECT_ATTRS) && payload.isReadable()) {
                ByteBuf attrs = Wire.readLenEncSlice(payload);
                while (attrs.isReadable()) {
                    attributes.put(Wire.readLenEncString(attrs), Wire.readLenEncString(attrs));
                }
            }
        }
        Commands.expectEnd(payload, "COM_CHANGE_USER");
        return new ComChangeUser(user, auth, database, charset, plugin, attributes);
    }

    private static byte[] readNulBytes(ByteBuf payload) {
        int end = payload.indexOf(payload.readerIndex(), payload.writerIndex(), (byte) 0);
        if (end < 0) {
            throw new ProtocolException("auth response: no NUL terminator in " + payload.readableBytes() + " bytes");
        }
        return Wire.readNulOrEofBytes(payload);
    }

    @Override
    public byte[] authResponse() {
        return authResponse.clone();
    }

    @Override
    public void encode(ByteBuf out, long capabilities) {
        out.writeByte(CommandType.COM_CHANGE_USER);
        Wire.writeNulString(out, user);
        if (has(capabilities, CLIENT_SECURE_CONNECTION)) {
            if (authResponse.length > 0xFF) {
                throw new IllegalStateException("authResponse: " + authResponse.length + " bytes (expected: <= 255)");
            }
            out.writeByte(authResponse.length).writeBytes(authResponse);
        } else {
            Wire.writeNulBytes(out, authResponse);
        }
        Wire.writeNulString(out, database);
        if (charset == 0 && authPlugin.isEmpty() && attributes.isEmpty()) {
            return;
        }
        out.writeShortLE(charset);
        if (has(capabilities, CLIENT_PLUGIN_AUTH)) {
            Wire.writeNulString(out, authPlugin);
        }
        if (has(capabilities, CLIENT_CONNECT_ATTRS)) {
            ByteBuf attrs = Unpooled.buffer();
            try {
                attributes.forEach((k, v) -> {
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

    @Override
    public boolean equals(Object o) {
        return o instanceof ComChangeUser other && user.equals(other.user) && Arrays.equals(authResponse, other.authResponse)
                && database.equals(other.database) && charset == other.charset && authPlugin.equals(other.authPlugin)
                && attributes.equals(other.attributes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(user, Arrays.hashCode(authResponse), database, charset, authPlugin, attributes);
    }

    /** Omits the auth response, which is password-equivalent. */
    @Override
    public String toString() {
        return "ComChangeUser[user=" + user + ", database=" + database + ", charset=" + charset
                + ", authPlugin=" + authPlugin + ", attributes=" + attributes + "]";
    }
}
