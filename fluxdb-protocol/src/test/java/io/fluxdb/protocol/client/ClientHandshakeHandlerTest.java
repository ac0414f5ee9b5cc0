package io.fluxdb.protocol.client;

import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_CONNECT_WITH_DB;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_MYSQL;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_TRANSACTIONS;
import static io.fluxdb.protocol.constant.CapabilityFlags.has;
import static io.fluxdb.protocol.message.MessageFixtures.hex;
import static io.fluxdb.protocol.message.MessageFixtures.payload;
import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.protocol.Fixtures;
import io.fluxdb.protocol.ProtocolException;
import io.fluxdb.protocol.codec.PacketEncoder;
import io.fluxdb.protocol.codec.PacketFrameDecoder;
import io.fluxdb.protocol.message.client.HandshakeResponse41;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Promise;
import io.fluxdb.protocol.auth.AuthPlugins;
import io.fluxdb.protocol.auth.ClientAuthenticator;
import java.util.Optional;
import java.util.function.Function;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The handshake state machine, driven by captured server packets through an EmbeddedChannel. */
class ClientHandshakeHandlerTest {

    /** A plugin the server does not offer, so MariaDB answers with an auth switch. */
    static final ClientAuthenticator SHA2_LIKE = new ClientAuthenticator() {
        @Override
        public String pluginName() {
            return "caching_sha2_password";
        }

        @Override
        public byte[] initialResponse(byte[] scramble, boolean secure) {
            return new byte[0];
        }

        @Override
        public Optional<byte[]> onMoreData(byte[] data) {
            return data[0] == 3 ? Optional.empty() : Optional.of("full".getBytes());
        }
    };

    static ClientHandshakeOptions options(Function<String, ClientAuthenticator> authenticators, String database) {
        return new ClientHandshakeOptions("u", database, CLIENT_TRANSACTIONS | CLIENT_MYSQL, 45, 1 << 24, Map.of(),
                authenticators, TlsMode.DISABLED, null);
    }

    record Harness(EmbeddedChannel ch, Promise<ClientSession> promise) {
        /** The payload of the next packet the client wrote, checking its sequence id. */
        byte[] sent(int expectedSequenceId) {
            ByteBuf wire = Unpooled.buffer();
            for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
                wire.writeBytes(b);
                b.release();
            }
            assertThat(wire.getUnsignedByte(3)).isEqualTo((short) expectedSequenceId);
            byte[] payload = ByteBufUtil.getBytes(wire, 4, wire.getUnsignedMediumLE(0));
            wire.release();
            return payload;
        }
    }

    static Harness start(ClientHandshakeOptions options) {
        EmbeddedChannel ch = new EmbeddedChannel();
        Promise<ClientSession> promise = ch.eventLoop().newPromise();
        ch.pipeline().addLast(new PacketFrameDecoder(), new PacketEncoder(), new ClientHandshakeHandler(options, promise));
        ch.writeInbound(Fixtures.load("handshake-v10"));
        return new Harness(ch, promise);
    }

    @Test
    void nativeLoginWithTheCapturedHandshake() {
        Harness h = start(options(plugin -> AuthPlugins.client(plugin, "pw"), "d"));
        ByteBuf buf = Unpooled.wrappedBuffer(h.sent(1));
        HandshakeResponse41 response = HandshakeResponse41.decode(buf, 0);
        buf.release();
        assertThat(response.user()).isEqualTo("u");
        assertThat(response.database()).isEqualTo("d");
        assertThat(response.authPluginName()).isEqualTo("mysql_native_password");
        // The same scramble as the mariadb CLI sent for password "pw" on the captured connection.
        ByteBuf cli = Unpooled.wrappedBuffer(payload("handshake-response41-cli"));
        assertThat(response.authResponse()).isEqualTo(HandshakeResponse41.decode(cli, 0).authResponse());
        cli.release();
        // MariaDB clears CLIENT_MYSQL, so the client must too; CONNECT_WITH_DB follows the database option.
        assertThat(has(response.capabilities(), CLIENT_MYSQL)).isFalse();
        assertThat(has(response.capabilities(), CLIENT_CONNECT_WITH_DB)).isTrue();

        h.ch().writeInbound(Unpooled.wrappedBuffer(hex("07000002 00 00 00 0200 0000")));
        assertThat(h.promise().isSuccess()).isTrue();
        ClientSession session = h.promise().getNow();
        assertThat(session.connectionId()).isEqualTo(9);
        assertThat(session.ok().statusFlags()).isEqualTo(2);
        assertThat(h.ch().pipeline().get(ClientHandshakeHandler.class)).isNull();
        assertThat(h.ch().finish()).isFalse();
    }

    @Test
    void followsAnAuthSwitchRequest() {
        Harness h = start(options(plugin -> AuthPlugins.client(plugin, "pw"), null));
        // The handshake names mysql_native_password, so that plugin answers first.
        ByteBuf buf = Unpooled.wrappedBuffer(h.sent(1));
        assertThat(HandshakeResponse41.decode(buf, 0).authPluginName()).isEqualTo("mysql_native_password");
        buf.release();
        h.ch().writeInbound(Fixtures.load("auth-switch-request"));
        assertThat(h.sent(3)).isEqualTo(payload("auth-switch-response"));
        h.ch().writeInbound(Unpooled.wrappedBuffer(hex("07000004 00 00 00 0200 0000")));
        assertThat(h.promise().getNow().authPluginName()).isEqualTo("mysql_native_password");
        assertThat(h.ch().finish()).isFalse();
    }

    @Test
    void handlesAuthMoreData() {
        Harness h = start(options(plugin -> SHA2_LIKE, null));
        h.sent(1);
        // Synthesized caching_sha2_password exchange: "perform full authentication", then success.
        h.ch().writeInbound(Unpooled.wrappedBuffer(hex("02000002 01 04")));
        assertThat(h.sent(3)).isEqualTo("full".getBytes());
        h.ch().writeInbound(Unpooled.wrappedBuffer(hex("02000004 01 03")));
        assertThat((Object) h.ch().readOutbound()).isNull();
        h.ch().writeInbound(Unpooled.wrappedBuffer(hex("07000005 00 00 00 0200 0000")));
        assertThat(h.promise().getNow().authPluginName()).isEqualTo("caching_sha2_password");
        assertThat(h.ch().finish()).isFalse();
    }

    @Test
    void failsWithTheServersErrorAndCloses() {
        Harness h = start(options(plugin -> AuthPlugins.client(plugin, "wrong"), null));
        h.sent(1);
        h.ch().writeInbound(Fixtures.load("err-access-denied"));
        assertThat(h.promise().cause()).isInstanceOfSatisfying(MySqlServerException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(1045);
            assertThat(e.sqlState()).isEqualTo("28000");
        });
        assertThat(h.ch().isOpen()).isFalse();
        h.ch().finishAndReleaseAll();
    }

    @Test
    void failsOnAnOutOfSequencePacket() {
        Harness h = start(options(plugin -> AuthPlugins.client(plugin, "pw"), null));
        h.sent(1);
        h.ch().writeInbound(Unpooled.wrappedBuffer(hex("07000007 00 00 00 0200 0000")));
        assertThat(h.promise().cause()).isInstanceOf(ProtocolException.class).hasMessageContaining("sequence id: 7");
        h.ch().finishAndReleaseAll();
    }
}
