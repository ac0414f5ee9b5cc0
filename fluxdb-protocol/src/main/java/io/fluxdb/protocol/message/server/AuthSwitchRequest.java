package io.fluxdb.protocol.message.server;

import static java.util.Objects.requireNonNull;

import io.fluxdb.protocol.ProtocolException;
import io.fluxdb.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * The server asks the client to authenticate with another plugin. {@code pluginData} is kept as sent
 * (MariaDB and MySQL send the 20-byte scramble followed by a NUL).
 *
 * @see <a href="https://mariadb.com/kb/en/connection/#authentication-switch-request">Authentication switch request</a>
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_packets_protocol_auth_switch_request.html">Protocol::AuthSwitchRequest</a>
 */
public record AuthSwitchRequest(String pluginName, byte[] pluginData) implements ServerMessage {
    public static final int HEADER = 0xFE;

    public AuthSwitchRequest {
        requireNonNull(pluginName, "pluginName is null");
        requireNonNull(pluginData, "pluginData is null");
        pluginData = pluginData.clone();
    }

    @Override
    public byte[] pluginData() {
        return pluginData.clone();
    }

    /** The plugin data without its trailing NUL, which is how plugins use a scramble. */
    public byte[] scramble() {
        int n = pluginData.length;
        return n > 0 && pluginData[n - 1] == 0 ? Arrays.copyOf(pluginData, n - 1) : pluginData.clone();
    }

    public static AuthSwitchRequest decode(ByteBuf payload, long capabilities) {
        int header = Wire.readUInt8(payload, "auth switch header");
        if (header != HEADER) {
            throw new ProtocolException("auth switch header: 0x" + Integer.toHexString(header) + " (expected: 0xfe)");
        }
        if (!payload.isReadable()) {
            // A bare 0xFE is the pre-4.1 "use the old password hash" request.
            throw new ProtocolException("auth switch request: no plugin name (old password authentication is not supported)");
        }
        String plugin = Wire.readNulString(payload);
        return new AuthSwitchRequest(plugin, Wire.readEofBytes(payload));
    }

    @Override
    public void encode(ByteBuf out, long capabilities) {
        out.writeByte(HEADER);
        Wire.writeNulString(out, pluginName);
        out.writeBytes(pluginData);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuthSwitchRequest r && r.pluginName.equals(pluginName) && Arrays.equals(r.pluginData, pluginData);
    }

    @Override
    public int hashCode() {
        return 31 * pluginName.hashCode() + Arrays.hashCode(pluginData);
    }

    @Override
    public String toString() {
        return "AuthSwitchRequest[pluginName=" + pluginName + ", pluginData=" + pluginData.length + " bytes]";
    }
}
