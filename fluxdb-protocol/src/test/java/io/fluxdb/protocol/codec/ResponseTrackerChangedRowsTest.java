package io.fluxdb.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.protocol.constant.CapabilityFlags;
import io.fluxdb.protocol.constant.CommandType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResponseTrackerChangedRowsTest {
    private static final long PROTOCOL_41 = 0x0000_0200L;

    /** An OK: header, affected rows 3, insert id 0, status 2, warnings 0, then the info as given. */
    private static ByteBuf ok(byte[] info) {
        ByteBuf p = Unpooled.buffer();
        p.writeByte(0x00).writeByte(3).writeByte(0).writeShortLE(2).writeShortLE(0).writeBytes(info);
        return p;
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void anUpdatesInfoSaysHowManyRowsChanged() {
        ResponseTracker tracker = ResponseTracker.forCommand(CommandType.COM_QUERY, PROTOCOL_41);
        ByteBuf packet = ok(text("Rows matched: 3  Changed: 1  Warnings: 0"));
        assertThat(tracker.feed(packet)).isTrue();
        assertThat(tracker.affectedRows()).isEqualTo(3);
        assertThat(tracker.changedRows()).isEqualTo(1);
        packet.release();
    }

    @Test
    void withSessionTrackingTheInfoIsALengthEncodedString() {
        ResponseTracker tracker = ResponseTracker.forCommand(CommandType.COM_QUERY,
                PROTOCOL_41 | CapabilityFlags.CLIENT_SESSION_TRACK);
        byte[] info = text("Rows matched: 12  Changed: 10  Warnings: 0");
        byte[] withLength = new byte[info.length + 1];
        withLength[0] = (byte) info.length;
        System.arraycopy(info, 0, withLength, 1, info.length);
        ByteBuf packet = ok(withLength);
        tracker.feed(packet);
        assertThat(tracker.changedRows()).isEqualTo(10);
        packet.release();
    }

    @Test
    void anOkWithoutSuchInfoSaysNothing() {
        ResponseTracker tracker = ResponseTracker.forCommand(CommandType.COM_QUERY, PROTOCOL_41);
        ByteBuf packet = ok(text("Records: 3  Duplicates: 0  Warnings: 0"));
        tracker.feed(packet);
        assertThat(tracker.changedRows()).isEqualTo(-1);
        packet.release();
        ResponseTracker empty = ResponseTracker.forCommand(CommandType.COM_QUERY, PROTOCOL_41);
        ByteBuf bare = ok(new byte[0]);
        empty.feed(bare);
        assertThat(empty.changedRows()).isEqualTo(-1);
        bare.release();
    }
}
