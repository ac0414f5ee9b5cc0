package io.fluxdb.protocol.message.server;

import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_DEPRECATE_EOF;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_PROTOCOL_41;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_SESSION_TRACK;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_TRANSACTIONS;
import static io.fluxdb.protocol.message.MessageFixtures.encode;
import static io.fluxdb.protocol.message.MessageFixtures.hex;
import static io.fluxdb.protocol.message.MessageFixtures.payload;
import static io.fluxdb.protocol.message.MessageFixtures.payloadBuf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fluxdb.protocol.ProtocolException;
import io.fluxdb.protocol.constant.CapabilityFlags;
import io.fluxdb.protocol.constant.MySqlError;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerMessagesTest {
    /** What the mariadb CLI negotiated with MariaDB 10.11 in the captures (no CLIENT_DEPRECATE_EOF). */
    static final long CLI = 0x00bfa284L & 0x81fffffeL;
    /** What Connector/J negotiated (with CLIENT_DEPRECATE_EOF). */
    static final long CONNECTOR_J = 0x01bea38aL & 0x81fffffeL;

    static final HandshakeV10 MARIADB_HANDSHAKE = new HandshakeV10(
            "5.5.5-10.11.19-MariaDB-0+deb12u1", 9,
            hex("2c35662523 7d7140 28 44613c4425273676746477"),
            0x81fffffeL | (0x1dL << 32), 8, 0x0002, "mysql_native_password");

    static <T> T decode(String fixture, java.util.function.Function<ByteBuf, T> decoder) {
        ByteBuf buf = payloadBuf(fixture);
        try {
            T message = decoder.apply(buf);
            assertThat(buf.isReadable()).as("bytes left after decoding").isFalse();
            return message;
        } finally {
            buf.release();
        }
    }

    @Test
    void handshakeV10FromMariaDb() {
        HandshakeV10 h = decode("handshake-v10", b -> HandshakeV10.decode(b, 0));
        assertThat(h).isEqualTo(MARIADB_HANDSHAKE);
        assertThat(h.isMariaDb()).isTrue();
        assertThat(CapabilityFlags.has(h.capabilities(), CapabilityFlags.MARIADB_CLIENT_STMT_BULK_OPERATIONS)).isTrue();
        assertThat(h.scramble()).hasSize(20);
        assertThat(encode(out -> MARIADB_HANDSHAKE.encode(out, 0))).isEqualTo(payload("handshake-v10"));
    }

    @Test
    void handshakeV10OfAMySqlServerCarriesNoExtendedCapabilities() {
        HandshakeV10 mysql = new HandshakeV10("8.0.36", 1, new byte[20], 0xdfffffffL, 255, 2, "caching_sha2_password");
        byte[] bytes = encode(out -> mysql.encode(out, 0));
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        assertThat(HandshakeV10.decode(buf, 0)).isEqualTo(mysql);
        assertThat(mysql.isMariaDb()).isFalse();
        buf.release();
    }

    @Test
    void okPlain() {
        OkPacket expected = new OkPacket(0, 0, 0x0002, 0, "");
        assertThat((Object) decode("ok-plain", b -> OkPacket.decode(b, CLI))).isEqualTo(expected);
        assertThat(encode(out -> expected.encode(out, CLI))).isEqualTo(payload("ok-plain"));
    }

    @Test
    void okWithInfo() {
        OkPacket expected = new OkPacket(2, 0, 0x0002, 0, "Rows matched: 2  Changed: 2  Warnings: 0");
        assertThat((Object) decode("ok-info", b -> OkPacket.decode(b, CLI))).isEqualTo(expected);
        assertThat(encode(out -> expected.encode(out, CLI))).isEqualTo(payload("ok-info"));
    }

    @Test
    void okWithSessionTrackSchema() {
        OkPacket expected = new OkPacket(OkPacket.HEADER, 0, 0, 0x4002, 0, "", hex("01 02 01 64"));
        OkPacket ok = decode("ok-session-track-schema", b -> OkPacket.decode(b, CLI));
        assertThat(ok).isEqualTo(expected);
        assertThat(ok.sessionStateChanges()).singleElement().satisfies(c -> {
            assertThat(c.type()).isEqualTo(SessionStateChange.SESSION_TRACK_SCHEMA);
            assertThat(c.schema()).isEqualTo("d");
        });
        assertThat(encode(out -> expected.encode(out, CLI))).isEqualTo(payload("ok-session-track-schema"));
    }

    @Test
    void okWithSessionTrackSystemVariables() {
        OkPacket ok = decode("ok-session-track-variables", b -> OkPacket.decode(b, CONNECTOR_J));
        assertThat(ok.statusFlags()).isEqualTo(0x4002);
        assertThat(ok.info()).isEmpty();
        assertThat(ok.sessionStateChanges())
                .extracting(SessionStateChange::systemVariable)
                .containsExactly(
                        Map.entry("character_set_client", "utf8mb4"),
                        Map.entry("character_set_connection", "utf8mb4"),
                        Map.entry("character_set_results", "utf8mb4"));
        assertThat(encode(out -> ok.encode(out, CONNECTOR_J))).isEqualTo(payload("ok-session-track-variables"));

        OkPacket autocommit = decode("ok-session-track-autocommit", b -> OkPacket.decode(b, CLI));
        assertThat(autocommit.statusFlags()).isEqualTo(0x4000);
        assertThat(autocommit.sessionStateChanges()).extracting(SessionStateChange::systemVariable)
                .containsExactly(Map.entry("autocommit", "OFF"));
        assertThat(encode(out -> autocommit.encode(out, CLI))).isEqualTo(payload("ok-session-track-autocommit"));
    }

    @Test
    void sessionStateChangeTypedViews() {
        ByteBuf buf = Unpooled.buffer();
        new SessionStateChange(SessionStateChange.SESSION_TRACK_GTIDS, hex("00 05") ).encode(buf);
        assertThat(SessionStateChange.parseAll(buf)).singleElement()
                .satisfies(c -> assertThatThrownBy(c::gtids).isInstanceOf(ProtocolException.class));
        buf.release();
        byte[] gtid = encode(out -> { out.writeByte(0); io.fluxdb.protocol.wire.Wire.writeLenEncString(out, "0-1-5"); });
        assertThat(new SessionStateChange(3, gtid).gtids()).isEqualTo("0-1-5");
        assertThat(new SessionStateChange(2, hex("01 31")).stateChanged()).isTrue();
        assertThat(new SessionStateChange(5, encode(o -> io.fluxdb.protocol.wire.Wire.writeLenEncString(o, "T_______")))
                .transactionState()).isEqualTo("T_______");
        assertThat(new SessionStateChange(4, encode(o -> io.fluxdb.protocol.wire.Wire.writeLenEncString(o, "START TRANSACTION;")))
                .transactionCharacteristics()).isEqualTo("START TRANSACTION;");
        assertThatThrownBy(() -> new SessionStateChange(1, hex("01 64")).systemVariable())
                .isInstanceOf(ProtocolException.class);
    }

    @Test
    void okAsResultSetTerminator() {
        OkPacket expected = new OkPacket(OkPacket.EOF_HEADER, 0, 0, 0x0002, 0, "", new byte[0]);
        long caps = CONNECTOR_J;
        assertThat(CapabilityFlags.has(caps, CLIENT_DEPRECATE_EOF)).isTrue();
        assertThat((Object) decode("ok-eof-terminator", b -> OkPacket.decode(b, caps))).isEqualTo(expected);
        assertThat(encode(out -> expected.encode(out, caps))).isEqualTo(payload("ok-eof-terminator"));
    }

    @Test
    void okWithoutProtocol41() {
        OkPacket ok = new OkPacket(300, 1L << 40, 0x0003, 0, "hi");
        byte[] bytes = encode(out -> ok.encode(out, CLIENT_TRANSACTIONS));
        assertThat(bytes).isEqualTo(hex("00 fc2c01 fe0000000000010000 0300 02 6869"));
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        assertThat(OkPacket.decode(buf, CLIENT_TRANSACTIONS)).isEqualTo(new OkPacket(300, 1L << 40, 3, 0, "hi"));
        buf.release();
    }

    @Test
    void errWithSqlState() {
        ErrPacket expected = new ErrPacket(1045, "28000", "Access denied for user 'u'@'localhost' (using password: YES)");
        assertThat((Object) decode("err-access-denied", b -> ErrPacket.decode(b, CLI))).isEqualTo(expected);
        assertThat(encode(out -> expected.encode(out, CLI))).isEqualTo(payload("err-access-denied"));
        assertThat(ErrPacket.of(MySqlError.ER_ACCESS_DENIED_ERROR, "u", "localhost", "YES")).isEqualTo(expected);
    }

    @Test
    void errWithoutSqlStateMarker() {
        byte[] bytes = hex("ff 6a04") ;
        byte[] full = new byte[bytes.length + 4];
        System.arraycopy(bytes, 0, full, 0, bytes.length);
        System.arraycopy("Host".getBytes(StandardCharsets.US_ASCII), 0, full, bytes.length, 4);
        ByteBuf buf = Unpooled.wrappedBuffer(full);
        ErrPacket err = ErrPacket.decode(buf, CLIENT_PROTOCOL_41);
        buf.release();
        assertThat(err).isEqualTo(new ErrPacket(1130, null, "Host"));
        assertThat(encode(out -> err.encode(out, CLIENT_PROTOCOL_41))).isEqualTo(full);
    }

    @Test
    void progressReportIsNotAnError() {
        // Synthesized from the MariaDB ERR_Packet documentation (0xFFFF): stage 1 of 2, 50.000%.
        byte[] bytes = hex("ff ffff 01 01 02 50c300 0b 636f7079 20746f20746d70");
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        assertThat(ErrPacket.isProgressReport(buf)).isTrue();
        assertThatThrownBy(() -> ErrPacket.decode(buf.duplicate(), CLI)).isInstanceOf(ProtocolException.class);
        ProgressReport report = ProgressReport.decode(buf, CLI);
        buf.release();
        assertThat(report).isEqualTo(new ProgressReport(1, 2, 50_000, "copy to tmp"));
        assertThat(encode(out -> report.encode(out, CLI))).isEqualTo(bytes);
    }

    @Test
    void eof() {
        EofPacket expected = new EofPacket(0, 0x0002);
        ByteBuf buf = payloadBuf("eof");
        assertThat(EofPacket.isEof(buf)).isTrue();
        buf.release();
        assertThat((Object) decode("eof", b -> EofPacket.decode(b, CLI))).isEqualTo(expected);
        assertThat(encode(out -> expected.encode(out, CLI))).isEqualTo(payload("eof"));
    }

    @Test
    void authSwitchRequest() {
        byte[] data = hex("74682d475c786679 4d55432f60754c5b64654f39 00");
        AuthSwitchRequest expected = new AuthSwitchRequest("mysql_native_password", data);
        AuthSwitchRequest decoded = decode("auth-switch-request", b -> AuthSwitchRequest.decode(b, CLI));
        assertThat(decoded).isEqualTo(expected);
        assertThat(decoded.scramble()).hasSize(20).isEqualTo(java.util.Arrays.copyOf(data, 20));
        assertThat(encode(out -> expected.encode(out, CLI))).isEqualTo(payload("auth-switch-request"));
    }

    @Test
    void authMoreData() {
        // Synthesized (MariaDB 10.11 has no caching_sha2_password server plugin): fast auth succeeded.
        byte[] bytes = hex("01 03");
        AuthMoreData expected = new AuthMoreData(new byte[] {3});
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        assertThat(AuthMoreData.decode(buf, CLI)).isEqualTo(expected);
        buf.release();
        assertThat(encode(out -> expected.encode(out, CLI))).isEqualTo(bytes);
    }

    @Test
    void recordsCopyTheirArrays() {
        byte[] data = {1, 2};
        AuthMoreData m = new AuthMoreData(data);
        data[0] = 9;
        m.data()[1] = 9;
        assertThat(m.data()).containsExactly(1, 2);
    }

    @Test
    void constructorsValidate() {
        assertThatThrownBy(() -> new ErrPacket(1, "123", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OkPacket(1, 0, 0, 0, 0, "", new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OkPacket(0, 0, 0, 0, 0, "", new byte[1])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HandshakeV10("v", 1, new byte[8], 0, 8, 2, "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EofPacket(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sessionTrackCapabilityGatesTheStateField() {
        OkPacket ok = new OkPacket(OkPacket.HEADER, 0, 0, 0x4002, 0, "", hex("01 02 01 64"));
        assertThat(encode(out -> ok.encode(out, CLIENT_PROTOCOL_41))).isEqualTo(hex("00 00 00 0240 0000"));
        assertThat(encode(out -> ok.encode(out, CLIENT_PROTOCOL_41 | CLIENT_SESSION_TRACK)))
                .isEqualTo(hex("00 00 00 0240 0000 00 04 01020164"));
    }
}
