package io.fluxdb.protocol.message.client;

import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_CONNECT_ATTRS;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_CONNECT_WITH_DB;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_DEPRECATE_EOF;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_MYSQL;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_PLUGIN_AUTH;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_PROTOCOL_41;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_SECURE_CONNECTION;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_SSL;
import static io.fluxdb.protocol.constant.CapabilityFlags.has;
import static io.fluxdb.protocol.message.MessageFixtures.encode;
import static io.fluxdb.protocol.message.MessageFixtures.hex;
import static io.fluxdb.protocol.message.MessageFixtures.payload;
import static io.fluxdb.protocol.message.MessageFixtures.payloadBuf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fluxdb.protocol.ProtocolException;
import io.fluxdb.protocol.client.NativePasswordAuthenticator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientMessagesTest {
    /** The scramble of the captured handshake-v10, sent on the same connection as handshake-response41-cli. */
    static final byte[] CLI_SCRAMBLE = hex("2c356625237d7140 28 44613c4425273676746477");

    static HandshakeResponse41 decodeResponse(String fixture) {
        ByteBuf buf = payloadBuf(fixture);
        try {
            HandshakeResponse41 r = HandshakeResponse41.decode(buf, 0);
            assertThat(buf.isReadable()).isFalse();
            return r;
        } finally {
            buf.release();
        }
    }

    @Test
    void handshakeResponseFromTheMariaDbCli() {
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("_os", "Linux");
        attrs.put("_client_name", "libmariadb");
        attrs.put("_pid", "10019");
        attrs.put("_client_version", "3.3.20");
        attrs.put("_platform", "x86_64");
        attrs.put("program_name", "mysql");
        attrs.put("_server_host", "127.0.0.1");
        HandshakeResponse41 expected = new HandshakeResponse41(0x00bfa284L | (0x1dL << 32), 1 << 20, 33, "u",
                NativePasswordAuthenticator.scramble("pw", CLI_SCRAMBLE), null, "mysql_native_password", attrs);

        HandshakeResponse41 r = decodeResponse("handshake-response41-cli");
        assertThat(r).isEqualTo(expected);
        assertThat(List.copyOf(r.connectAttributes().keySet())).containsExactlyElementsOf(attrs.keySet());
        assertThat(has(r.capabilities(), CLIENT_MYSQL)).isFalse();
        assertThat(encode(out -> expected.encode(out, 0))).isEqualTo(payload("handshake-response41-cli"));
    }

    @Test
    void handshakeResponseFromConnectorJ() {
        HandshakeResponse41 r = decodeResponse("handshake-response41-connectorj");
        assertThat(r.capabilities() & 0xFFFF_FFFFL).isEqualTo(0x01bea38aL);
        assertThat(r.capabilities() >>> 32).isEqualTo(0x0c);
        assertThat(has(r.capabilities(), CLIENT_CONNECT_WITH_DB | CLIENT_DEPRECATE_EOF)).isTrue();
        assertThat(r.maxPacketSize()).isEqualTo(1 << 30);
        assertThat(r.user()).isEqualTo("u");
        assertThat(r.database()).isEqualTo("d");
        assertThat(r.authResponse()).hasSize(20);
        assertThat(r.authPluginName()).isEqualTo("mysql_native_password");
        assertThat(r.connectAttributes())
                .containsEntry("_client_name", "MariaDB Connector/J")
                .containsEntry("_client_version", "3.5.11");
        assertThat(List.copyOf(r.connectAttributes().keySet())).startsWith("_client_name", "_client_version", "_server_host");
        assertThat(encode(out -> r.encode(out, 0))).isEqualTo(payload("handshake-response41-connectorj"));
    }

    @Test
    void authResponseEncodings() {
        long base = CLIENT_PROTOCOL_41 | CLIENT_MYSQL;
        byte[] auth = {1, 2, 3};
        record Case(long caps, String hex) {}
        List<Case> cases = List.of(
                new Case(base | CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA | CLIENT_SECURE_CONNECTION, "03010203"),
                new Case(base | CLIENT_SECURE_CONNECTION, "03010203"),
                new Case(base, "01020300"));
        for (Case c : cases) {
            HandshakeResponse41 r = new HandshakeResponse41(c.caps, 0, 45, "x", auth, null, null, Map.of());
            byte[] bytes = encode(out -> r.encode(out, 0));
            assertThat(bytes).hasSize(32 + 2 + 4);
            assertThat(java.util.Arrays.copyOfRange(bytes, 34, 38)).isEqualTo(hex(c.hex));
            ByteBuf buf = Unpooled.wrappedBuffer(bytes);
            assertThat(HandshakeResponse41.decode(buf, 0)).isEqualTo(r);
            buf.release();
        }
        // A 300-byte response needs the lenenc form.
        byte[] big = new byte[300];
        assertThatThrownBy(() -> new HandshakeResponse41(base | CLIENT_SECURE_CONNECTION, 0, 45, "x", big, null, null, Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        HandshakeResponse41 r = new HandshakeResponse41(base | CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA | CLIENT_CONNECT_ATTRS,
                0, 45, "x", big, null, null, Map.of("a", "b"));
        ByteBuf buf = Unpooled.wrappedBuffer(encode(out -> r.encode(out, 0)));
        assertThat(HandshakeResponse41.decode(buf, 0)).isEqualTo(r);
        buf.release();
    }

    @Test
    void sslRequest() {
        SslRequest expected = new SslRequest(0x00bfaa84L | (0x1dL << 32), 1 << 20, 33);
        ByteBuf buf = payloadBuf("ssl-request");
        assertThat(SslRequest.isSslRequest(buf)).isTrue();
        assertThatThrownBy(() -> HandshakeResponse41.decode(buf.duplicate(), 0))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("SSLRequest");
        assertThat(SslRequest.decode(buf, 0)).isEqualTo(expected);
        buf.release();
        assertThat(has(expected.capabilities(), CLIENT_SSL)).isTrue();
        assertThat(encode(out -> expected.encode(out, 0))).isEqualTo(payload("ssl-request"));
        // The full response that follows is longer, so it is not mistaken for an SSLRequest.
        ByteBuf full = payloadBuf("handshake-response41-cli");
        assertThat(SslRequest.isSslRequest(full)).isFalse();
        full.release();
    }

    @Test
    void authSwitchResponse() {
        byte[] switchScramble = hex("74682d475c786679 4d55432f60754c5b64654f39");
        AuthSwitchResponse expected = new AuthSwitchResponse(NativePasswordAuthenticator.scramble("pw", switchScramble));
        ByteBuf buf = payloadBuf("auth-switch-response");
        assertThat(AuthSwitchResponse.decode(buf, 0)).isEqualTo(expected);
        buf.release();
        assertThat(encode(out -> expected.encode(out, 0))).isEqualTo(payload("auth-switch-response"));
        assertThat(expected.toString()).doesNotContain(java.util.Arrays.toString(expected.data()));
    }

    @Test
    void constructorRequiresFieldsToMatchCapabilities() {
        long caps = CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION;
        assertThatThrownBy(() -> new HandshakeResponse41(caps, 0, 45, "u", new byte[0], "db", null, Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HandshakeResponse41(caps, 0, 45, "u", new byte[0], null, "p", Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HandshakeResponse41(caps | CLIENT_MYSQL | (1L << 34), 0, 45, "u", new byte[0], null, null, Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SslRequest(CLIENT_PROTOCOL_41, 0, 45)).isInstanceOf(IllegalArgumentException.class);
    }
}
