package io.fluxdb.protocol.message.client;

import static java.util.Objects.requireNonNull;

import io.fluxdb.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * The client's answer to an auth switch request or to extra auth data: plugin-specific bytes that
 * fill the whole payload.
 *
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_packets_protocol_auth_switch_response.html">Protocol::AuthSwitchResponse</a>
 */
public record AuthSwitchResponse(byte[] data) implements ClientMessage {

    public AuthSwitchResponse {
        requireNonNull(data, "data is null");
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    public static AuthSwitchResponse decode(ByteBuf payload, long capabilities) {
        return new AuthSwitchResponse(Wire.readEofBytes(payload));
    }

    @Override
    public void encode(ByteBuf out, long capabilities) {
        out.writeBytes(data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuthSwitchResponse r && Arrays.equals(r.data, data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    /** Never shows the bytes: they are derived from a password. */
    @Override
    public String toString() {
        return "AuthSwitchResponse[" + data.length + " bytes]";
    }
}
