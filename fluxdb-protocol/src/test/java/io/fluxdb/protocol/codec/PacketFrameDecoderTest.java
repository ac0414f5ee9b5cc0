package io.fluxdb.protocol.codec;

import static io.fluxdb.protocol.codec.PacketFrameDecoder.MAX_PHYSICAL_PAYLOAD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fluxdb.protocol.Fixtures;
import io.fluxdb.protocol.ProtocolException;
import io.fluxdb.protocol.constant.MySqlError;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

class PacketFrameDecoderTest {

    static ByteBuf packet(int sequenceId, byte[] payload) {
        return Unpooled.buffer().writeMediumLE(payload.length).writeByte(sequenceId).writeBytes(payload);
    }

    static byte[] pattern(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + (i >>> 16));
        }
        return bytes;
    }

    /** Reads one packet, checks its ids and payload, and releases it. */
    static void assertPacket(EmbeddedChannel ch, int first, int last, byte[] payload) {
        Packet p = ch.readInbound();
        assertThat(p).isNotNull();
        try {
            assertThat(p.sequenceId()).isEqualTo(first);
            assertThat(p.lastSequenceId()).isEqualTo(last);
            assertThat(p.content().readableBytes()).isEqualTo(payload.length);
            assertThat(ByteBufUtil.getBytes(p.content())).isEqualTo(payload);
        } finally {
            p.release();
        }
    }

    @Test
    void decodesACapturedPacketWithItsSequenceId() {
        EmbeddedChannel ch = new EmbeddedChannel(new PacketFrameDecoder());
        byte[] fixture = Fixtures.bytes("ok-plain");
        assertThat(ch.writeInbound(Unpooled.wrappedBuffer(fixture))).isTrue();
        assertPacket(ch, 2, 2, java.util.Arrays.copyOfRange(fixture, 4, fixture.length));
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aFirstSequenceIdRefusedOnTheHeaderEvenWhenItArrivesAlone() {
        PacketFrameDecoder decoder = new PacketFrameDecoder();
        decoder.firstSequenceIds(id -> id == 0);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        // The length arrives first, the id (7) on its own: refused then, before any of the 16 MiB body.
        assertThat(ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0xfe, (byte) 0xff, (byte) 0xff}))).isFalse();
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {7})))
                .isInstanceOf(PacketsOutOfOrderException.class)
                .hasMessageContaining("sequence id: 7");
        ch.finishAndReleaseAll();
    }

    @Test
    void theLimitCanBeLoweredAndRaised() {
        PacketFrameDecoder decoder = new PacketFrameDecoder(1024);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        decoder.maxPayloadLength(1 << 20);
        byte[] payload = new byte[4096];
        assertThat(ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0x10, 0, 0}), Unpooled.wrappedBuffer(payload)))
                .isTrue();
        assertPacket(ch, 0, 0, payload);
        decoder.maxPayloadLength(1024);
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0x10, 0, 0})))
                .isInstanceOf(PacketTooLargeException.class);
        ch.finishAndReleaseAll();
    }

    @Test
    void byteByByteDelivery() {
        EmbeddedChannel ch = new EmbeddedChannel(new PacketFrameDecoder());
        ByteBuf in = Fixtures.load("handshake-v10");
        byte[] payload = ByteBufUtil.getBytes(in, 4, in.readableBytes() - 4);
        while (in.readableBytes() > 1) {
            assertThat(ch.writeInbound(in.readRetainedSlice(1))).isFalse();
        }
        assertThat(ch.writeInbound(in.readRetainedSlice(1))).isTrue();
        in.release();
        assertPacket(ch, 0, 0, payload);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void severalPacketsInOneRead() {
        EmbeddedChannel ch = new EmbeddedChannel(new PacketFrameDecoder());
        ByteBuf in = Unpooled.wrappedBuffer(packet(1, new byte[] {1}), packet(2, new byte[0]), packet(3, pattern(300)));
        assertThat(ch.writeInbound(in)).isTrue();
        assertPacket(ch, 1, 1, new byte[] {1});
        assertPacket(ch, 2, 2, new byte[0]);
        assertPacket(ch, 3, 3, pattern(300));
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void headerSplitAcrossReads() {
        EmbeddedChannel ch = new EmbeddedChannel(new PacketFrameDecoder());
        ByteBuf in = packet(7, pattern(10));
        assertThat(ch.writeInbound(in.readRetainedSlice(2))).isFalse();
        assertThat(ch.writeInbound(in.readRetainedSlice(2))).isFalse();
        assertThat(ch.writeInbound(in)).isTrue();
        assertPacket(ch, 7, 7, pattern(10));
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void payloadOfExactlyMaxIsFollowedByAnEmptyPacket() {
        EmbeddedChannel ch = new EmbeddedChannel(new PacketFrameDecoder());
        byte[] big = pattern(MAX_PHYSICAL_PAYLOAD);
        assertThat(ch.writeInbound(packet(0, big))).isFalse();
        assertThat(ch.writeInbound(packet(1, new byte[0]))).isTrue();
        assertPacket(ch, 0, 1, big);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void payloadOfMaxPlusOne() {
        EmbeddedChannel ch = new EmbeddedChannel(new PacketFrameDecoder());
        byte[] all = pattern(MAX_PHYSICAL_PAYLOAD + 1);
        ByteBuf in = Unpooled.wrappedBuffer(
                packet(254, java.util.Arrays.copyOf(all, MAX_PHYSICAL_PAYLOAD)),
                packet(255, new byte[] {all[MAX_PHYSICAL_PAYLOAD]}),
                packet(0, new byte[] {42}));
        assertThat(ch.writeInbound(in)).isTrue();
        assertPacket(ch, 254, 255, all);
        assertPacket(ch, 0, 0, new byte[] {42});
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void payloadOfTwiceMax() {
        EmbeddedChannel ch = new EmbeddedChannel(new PacketFrameDecoder());
        byte[] all = pattern(2 * MAX_PHYSICAL_PAYLOAD);
        assertThat(ch.writeInbound(packet(3, java.util.Arrays.copyOfRange(all, 0, MAX_PHYSICAL_PAYLOAD)))).isFalse();
        assertThat(ch.writeInbound(packet(4, java.util.Arrays.copyOfRange(all, MAX_PHYSICAL_PAYLOAD, all.length)))).isFalse();
        assertThat(ch.writeInbound(packet(5, new byte[0]))).isTrue();
        assertPacket(ch, 3, 5, all);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void continuationWithAWrongSequenceIdIsAnError() {
        EmbeddedChannel ch = new EmbeddedChannel(new PacketFrameDecoder());
        assertThat(ch.writeInbound(packet(0, new byte[MAX_PHYSICAL_PAYLOAD]))).isFalse();
        assertThatThrownBy(() -> ch.writeInbound(packet(5, new byte[1])))
                .isInstanceOf(ProtocolException.class)
                .hasMessage("continuation sequence id: 5 (expected: 1)");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void truncatedInputFailsWhenTheConnectionCloses() {
        EmbeddedChannel ch = new EmbeddedChannel(new PacketFrameDecoder());
        ByteBuf in = packet(0, pattern(10));
        assertThat(ch.writeInbound(in.retainedSlice(0, 8))).isFalse();
        in.release();
        assertThatThrownBy(ch::finish)
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("truncated packet");
        assertThat((Object) ch.readInbound()).isNull();
    }

    @Test
    void truncatedContinuationFailsWhenTheConnectionClosesAndIsReleased() {
        EmbeddedChannel ch = new EmbeddedChannel(new PacketFrameDecoder());
        assertThat(ch.writeInbound(packet(0, new byte[MAX_PHYSICAL_PAYLOAD]))).isFalse();
        assertThatThrownBy(ch::finish).isInstanceOf(ProtocolException.class);
    }

    @Test
    void oversizedHeaderFailsBeforeThePayloadArrives() {
        EmbeddedChannel ch = new EmbeddedChannel(new PacketFrameDecoder(1024));
        ByteBuf header = Unpooled.buffer().writeMediumLE(MAX_PHYSICAL_PAYLOAD).writeByte(0);
        // Only the 4 header bytes are delivered: the error cannot depend on buffering the payload.
        assertThatThrownBy(() -> ch.writeInbound(header))
                .isInstanceOfSatisfying(PacketTooLargeException.class, e -> {
                    assertThat(e.error()).isEqualTo(MySqlError.ER_NET_PACKET_TOO_LARGE);
                    assertThat(e.length()).isEqualTo(MAX_PHYSICAL_PAYLOAD);
                    assertThat(e.maxLength()).isEqualTo(1024);
                });
        // Everything after the error is discarded, including well-formed packets.
        assertThat(ch.writeInbound(packet(0, new byte[] {1, 2, 3}))).isFalse();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void oversizedContinuationFailsOnItsHeader() {
        EmbeddedChannel ch = new EmbeddedChannel(new PacketFrameDecoder(MAX_PHYSICAL_PAYLOAD + 10L));
        assertThat(ch.writeInbound(packet(0, new byte[MAX_PHYSICAL_PAYLOAD]))).isFalse();
        ByteBuf header = Unpooled.buffer().writeMediumLE(11).writeByte(1);
        assertThatThrownBy(() -> ch.writeInbound(header))
                .isInstanceOfSatisfying(PacketTooLargeException.class,
                        e -> assertThat(e.length()).isEqualTo(MAX_PHYSICAL_PAYLOAD + 11L));
        assertThat(ch.writeInbound(packet(2, new byte[1]))).isFalse();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void payloadAtTheLimitIsAccepted() {
        EmbeddedChannel ch = new EmbeddedChannel(new PacketFrameDecoder(3));
        assertThat(ch.writeInbound(packet(0, new byte[] {1, 2, 3}))).isTrue();
        assertPacket(ch, 0, 0, new byte[] {1, 2, 3});
        assertThat(ch.finish()).isFalse();
    }
}
