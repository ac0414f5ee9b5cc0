package io.fluxdb.engine.mysql.differential;

import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_DEPRECATE_EOF;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_PROTOCOL_41;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_SESSION_TRACK;
import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.engine.mysql.differential.WireClient.Frame;
import io.fluxdb.engine.mysql.differential.WireClient.Response;
import io.fluxdb.protocol.constant.ServerStatus;
import io.fluxdb.protocol.message.server.OkPacket;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The comparator tolerates exactly the normalised differences and reports every other one. */
class WireDiffTest {
    private static final long CAPS = CLIENT_PROTOCOL_41 | CLIENT_SESSION_TRACK | CLIENT_DEPRECATE_EOF;
    private final WireDiff diff = new WireDiff("schema_d", "schema_p");

    private static Response response(Frame... frames) {
        return new Response(List.of(frames), false, 0, 0, 0);
    }

    private static byte[] ok(int status, byte[] sessionState) {
        var buf = Unpooled.buffer();
        new OkPacket(OkPacket.HEADER, 1, 0, status, 0, "", sessionState).encode(buf, CAPS);
        return ByteBufUtil.getBytes(buf);
    }

    @Test
    void identicalResponsesMatch() {
        Frame f = new Frame(1, 1, ok(ServerStatus.SERVER_STATUS_AUTOCOMMIT, new byte[0]));
        assertThat(diff.compare(false, CAPS, response(f), response(f))).isEmpty();
    }

    @Test
    void schemaNamesAreNormalised() {
        byte[] direct = "x schema_d y".getBytes(StandardCharsets.US_ASCII);
        byte[] proxy = "x schema_p y".getBytes(StandardCharsets.US_ASCII);
        assertThat(diff.compare(false, CAPS, response(new Frame(2, 2, direct)), response(new Frame(2, 2, proxy))))
                .isEmpty();
    }

    @Test
    void sessionStateMayDifferButNotTheStatusFlags() {
        int status = ServerStatus.SERVER_STATUS_AUTOCOMMIT;
        Frame plain = new Frame(1, 1, ok(status, new byte[0]));
        Frame tracked = new Frame(1, 1, ok(status | ServerStatus.SERVER_SESSION_STATE_CHANGED, new byte[] {1, 2, 0, 0}));
        assertThat(diff.compare(false, CAPS, response(plain), response(tracked))).isEmpty();
        Frame inTrans = new Frame(1, 1, ok(status | ServerStatus.SERVER_STATUS_IN_TRANS, new byte[0]));
        assertThat(diff.compare(false, CAPS, response(plain), response(inTrans))).hasValueSatisfying(
                text -> assertThat(text).contains("packet 1 of 1 differs").contains("statusFlags=0x3"));
    }

    @Test
    void statementIdIsMaskedOnlyInPrepareOk() {
        byte[] a = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0};
        byte[] b = {0, 7, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0};
        assertThat(diff.compare(true, CAPS, response(new Frame(1, 1, a)), response(new Frame(1, 1, b)))).isEmpty();
        assertThat(diff.compare(false, CAPS, response(new Frame(1, 1, a)), response(new Frame(1, 1, b)))).isPresent();
    }

    @Test
    void sequenceIdsAndPacketCountsAreCompared() {
        byte[] row = {1, 0x31};
        assertThat(diff.compare(false, CAPS, response(new Frame(1, 1, row)), response(new Frame(2, 2, row))))
                .hasValueSatisfying(text -> assertThat(text).contains("sequence ids"));
        assertThat(diff.compare(false, CAPS, response(new Frame(1, 1, row)),
                response(new Frame(1, 1, row), new Frame(2, 2, row))))
                .hasValueSatisfying(text -> assertThat(text).contains("packet count direct=1 proxy=2"));
    }
}
