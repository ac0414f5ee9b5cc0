package io.fluxdb.protocol.codec;

import static io.fluxdb.protocol.codec.PacketFrameDecoder.MAX_PHYSICAL_PAYLOAD;
import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.protocol.Fixtures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PacketEncoderTest {

    /** Reads everything written, as one array, releasing the buffers. */
    static byte[] drain(EmbeddedChannel ch) {
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            all.writeBytes(b);
            b.release();
        }
        byte[] bytes = ByteBufUtil.getBytes(all);
        all.release();
        return bytes;
    }

    @Test
    void writesHeaderAndPayloadOfACapturedPacket() {
        byte[] fixture = Fixtures.bytes("err-access-denied");
        EmbeddedChannel ch = new EmbeddedChannel(new PacketEncoder());
        assertThat(ch.writeOutbound(new Packet(2, Unpooled.wrappedBuffer(fixture, 4, fixture.length - 4)))).isTrue();
        assertThat(drain(ch)).isEqualTo(fixture);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void emptyPayload() {
        EmbeddedChannel ch = new EmbeddedChannel(new PacketEncoder());
        ch.writeOutbound(new Packet(9, Unpooled.EMPTY_BUFFER));
        assertThat(drain(ch)).containsExactly(0, 0, 0, 9);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void exactlyMaxGetsAnEmptyTrailer() {
        byte[] payload = PacketFrameDecoderTest.pattern(MAX_PHYSICAL_PAYLOAD);
        EmbeddedChannel ch = new EmbeddedChannel(new PacketEncoder());
        ch.writeOutbound(new Packet(255, Unpooled.wrappedBuffer(payload)));
        byte[] out = drain(ch);
        assertThat(out).hasSize(MAX_PHYSICAL_PAYLOAD + 8);
        assertThat(Arrays.copyOfRange(out, 0, 4)).containsExactly(0xff, 0xff, 0xff, 0xff);
        assertThat(Arrays.copyOfRange(out, 4, 4 + MAX_PHYSICAL_PAYLOAD)).isEqualTo(payload);
        assertThat(Arrays.copyOfRange(out, out.length - 4, out.length)).containsExactly(0, 0, 0, 0);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void roundTripsThroughTheDecoderAtTheSplitBoundaries() {
        for (int length : new int[] {MAX_PHYSICAL_PAYLOAD - 1, MAX_PHYSICAL_PAYLOAD, MAX_PHYSICAL_PAYLOAD + 1,
                2 * MAX_PHYSICAL_PAYLOAD}) {
            byte[] payload = PacketFrameDecoderTest.pattern(length);
            EmbeddedChannel out = new EmbeddedChannel(new PacketEncoder());
            out.writeOutbound(new Packet(3, Unpooled.wrappedBuffer(payload)));
            EmbeddedChannel in = new EmbeddedChannel(new PacketFrameDecoder());
            in.writeInbound(Unpooled.wrappedBuffer(drain(out)));
            int physical = length / MAX_PHYSICAL_PAYLOAD + 1;
            PacketFrameDecoderTest.assertPacket(in, 3, 3 + physical - 1, payload);
            assertThat(in.finish()).isFalse();
            assertThat(out.finish()).isFalse();
        }
    }
}
