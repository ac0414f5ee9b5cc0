package io.fluxdb.protocol.codec;

import static io.fluxdb.protocol.codec.CompressedFrames.concat;
import static io.fluxdb.protocol.codec.CompressedFrames.frame;
import static io.fluxdb.protocol.codec.CompressedFrames.mysqlPacket;
import static io.fluxdb.protocol.codec.CompressedFrames.zlib;
import static io.fluxdb.protocol.codec.PacketFrameDecoder.MAX_PHYSICAL_PAYLOAD;
import static io.fluxdb.protocol.codec.PacketFrameDecoderTest.assertPacket;
import static io.fluxdb.protocol.codec.PacketFrameDecoderTest.pattern;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fluxdb.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CompressedPacketDecoderTest {
    private static final long MAX = PacketFrameDecoder.DEFAULT_MAX_PAYLOAD;

    /** The decoder in front of a frame decoder, as {@link CompressionUpgrade} installs them. */
    private static EmbeddedChannel channel(CompressedSequence sequence, long maxPayload) {
        PacketFrameDecoder frames = new PacketFrameDecoder(maxPayload);
        frames.ignoreContinuationSequenceIds();
        return new EmbeddedChannel(new CompressedPacketDecoder(sequence, maxPayload), frames);
    }

    private static EmbeddedChannel channel() {
        return channel(new CompressedSequence(), MAX);
    }

    private static ByteBuf buf(byte[]... parts) {
        return Unpooled.wrappedBuffer(concat(parts));
    }

    /** A compressed packet header alone. */
    private static ByteBuf header(int compressedLength, int id, int uncompressedLength) {
        return Unpooled.buffer().writeMediumLE(compressedLength).writeByte(id).writeMediumLE(uncompressedLength);
    }

    /** Feeds {@code input}, expects the failure, and checks that nothing was decoded or left over. */
    private static void assertFails(EmbeddedChannel ch, ByteBuf input, Class<? extends ProtocolException> type,
            String messageStart) {
        assertThatThrownBy(() -> ch.writeInbound(input)).isInstanceOf(type).hasMessageStartingWith(messageStart);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void decodesTheExampleOfTheProtocolDocumentation() {
        // COM_QUERY select "012345678901234567890123456789012345", compressed, from the MySQL
        // documentation's Compressed Packet page: 34 bytes of zlib data for a 50-byte packet, id 0.
        ByteBuf in = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(
                "22000000320000789cd3636060602e4ecd494d2e51503230343236313533b7b0c4cd5202000cd10a6c"));
        EmbeddedChannel ch = channel();
        assertThat(ch.writeInbound(in)).isTrue();
        byte[] query = ("\u0003select \"012345678901234567890123456789012345\"").getBytes(US_ASCII);
        assertPacket(ch, 0, 0, query);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void storedContentPassesThrough() {
        EmbeddedChannel ch = channel();
        assertThat(ch.writeInbound(buf(frame(0, mysqlPacket(0, new byte[] {0x0e}), false)))).isTrue();
        assertPacket(ch, 0, 0, new byte[] {0x0e});
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void severalPacketsInOneCompressedPacket() {
        byte[] packets = concat(mysqlPacket(0, pattern(300)), mysqlPacket(0, new byte[] {0x0e}),
                mysqlPacket(0, pattern(70)));
        EmbeddedChannel ch = channel();
        assertThat(ch.writeInbound(buf(frame(0, packets, true)))).isTrue();
        assertPacket(ch, 0, 0, pattern(300));
        assertPacket(ch, 0, 0, new byte[] {0x0e});
        assertPacket(ch, 0, 0, pattern(70));
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void onePacketSplitAcrossCompressedPackets() {
        byte[] packet = mysqlPacket(0, pattern(5000));
        byte[] first = Arrays.copyOfRange(packet, 0, 2); // inside the packet header
        byte[] second = Arrays.copyOfRange(packet, 2, 3000);
        byte[] third = Arrays.copyOfRange(packet, 3000, packet.length);
        EmbeddedChannel ch = channel();
        assertThat(ch.writeInbound(buf(frame(0, first, false)))).isFalse();
        assertThat(ch.writeInbound(buf(frame(1, second, true)))).isFalse();
        assertThat(ch.writeInbound(buf(frame(2, third, false)))).isTrue();
        assertPacket(ch, 0, 0, pattern(5000));
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void byteByByteDelivery() {
        byte[] stream = concat(frame(0, mysqlPacket(0, pattern(400)), true), frame(1, mysqlPacket(1, new byte[3]), false));
        EmbeddedChannel ch = channel();
        for (byte b : stream) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        assertPacket(ch, 0, 0, pattern(400));
        assertPacket(ch, 1, 1, new byte[3]);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void commandOverSixteenMebibytesWhoseInnerIdsAreAllZero() {
        // libmariadb's long command: inner ids all 0, the compressed ids count up.
        byte[] payload = pattern(MAX_PHYSICAL_PAYLOAD + 3_000_000);
        byte[] stream = concat(mysqlPacket(0, Arrays.copyOf(payload, MAX_PHYSICAL_PAYLOAD)),
                mysqlPacket(0, Arrays.copyOfRange(payload, MAX_PHYSICAL_PAYLOAD, payload.length)));
        EmbeddedChannel ch = channel();
        int id = 0;
        for (int i = 0; i < stream.length; i += MAX_PHYSICAL_PAYLOAD) {
            byte[] chunk = Arrays.copyOfRange(stream, i, Math.min(stream.length, i + MAX_PHYSICAL_PAYLOAD));
            ch.writeInbound(buf(frame(id++, chunk, true)));
        }
        assertThat(id).isEqualTo(2);
        assertPacket(ch, 0, 0, payload);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void uncompressedLengthAboveTheMaximumFailsOnTheHeader() {
        assertFails(channel(new CompressedSequence(), 1000), header(20, 0, 1005),
                PacketTooLargeException.class, "packet length: at least 1005 (expected: <= 1004)");
    }

    @Test
    void storedLengthAboveTheMaximumFailsOnTheHeader() {
        assertFails(channel(new CompressedSequence(), 1000), header(1005, 0, 0),
                PacketTooLargeException.class, "packet length: at least 1005 (expected: <= 1004)");
    }

    @Test
    void contentAtTheLimitIsAccepted() {
        EmbeddedChannel ch = channel(new CompressedSequence(), 1000);
        assertThat(ch.writeInbound(buf(frame(0, mysqlPacket(0, pattern(1000)), true)))).isTrue();
        assertPacket(ch, 0, 0, pattern(1000));
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void compressedLengthThatZlibCannotReachFailsOnTheHeader() {
        assertFails(channel(), header(1_000_000, 0, 100),
                ProtocolException.class, "compressed payload length: 1000000 (expected: <= 164 for 100 bytes)");
    }

    @Test
    void corruptZlibDataFails() {
        byte[] body = zlib(pattern(500));
        body[body.length / 2] ^= 0x55;
        body[body.length / 2 + 1] ^= 0x55;
        assertFails(channel(), buf(frame(0, body, 500)), ProtocolException.class, "compressed payload: ");
    }

    @Test
    void aZipBombFailsAfterTheDeclaredLength() {
        // 16 MiB of zeros in about 16 KiB, declared as 100 bytes: more than zlib makes of 100 bytes.
        byte[] bomb = zlib(new byte[MAX_PHYSICAL_PAYLOAD]);
        assertFails(channel(), header(bomb.length, 0, 100), ProtocolException.class, "compressed payload length: ");
        // Within that bound, it fails at the 101st inflated byte.
        assertFails(channel(), buf(frame(0, zlib(new byte[200]), 100)),
                ProtocolException.class, "compressed payload: inflates to more than 100 bytes (expected: 100)");
    }

    @Test
    void aStreamShorterThanDeclaredFails() {
        assertFails(channel(), buf(frame(0, zlib(pattern(100)), 120)),
                ProtocolException.class, "compressed payload: inflates to 100 bytes (expected: 120)");
    }

    @Test
    void aTruncatedZlibStreamFails() {
        byte[] body = zlib(pattern(3000));
        assertFails(channel(), buf(frame(0, Arrays.copyOf(body, body.length - 6), 3000)),
                ProtocolException.class, "compressed payload: zlib stream truncated");
    }

    @Test
    void bytesAfterTheZlibStreamFail() {
        assertFails(channel(), buf(frame(0, concat(zlib(pattern(100)), new byte[] {1, 2, 3}), 100)),
                ProtocolException.class, "compressed payload: bytes after the end of the zlib stream");
    }

    @Test
    void compressedLengthZeroWithContentFails() {
        assertFails(channel(), buf(frame(0, new byte[0], 10)),
                ProtocolException.class, "compressed payload: zlib stream truncated");
    }

    @Test
    void inputAfterAnErrorIsDiscarded() {
        EmbeddedChannel ch = channel();
        assertThatThrownBy(() -> ch.writeInbound(buf(frame(0, new byte[] {1, 2, 3}, 50))))
                .isInstanceOf(ProtocolException.class);
        assertThat(ch.writeInbound(buf(frame(0, mysqlPacket(0, new byte[] {0x0e}), false)))).isFalse();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void truncatedCompressedPacketFailsWhenTheConnectionCloses() {
        EmbeddedChannel ch = channel();
        byte[] whole = frame(0, mysqlPacket(0, pattern(100)), true);
        assertThat(ch.writeInbound(buf(Arrays.copyOf(whole, whole.length - 1)))).isFalse();
        assertThatThrownBy(ch::finish)
                .isInstanceOf(ProtocolException.class)
                .hasMessageStartingWith("truncated compressed packet");
    }

    @Test
    void eachCommandStartsAtZeroAndContinuationsCountUp() {
        CompressedSequence sequence = new CompressedSequence();
        EmbeddedChannel ch = channel(sequence, MAX);
        ch.writeInbound(buf(frame(0, mysqlPacket(0, new byte[] {0x03, 'x'}), false)));
        assertThat(sequence.next()).isEqualTo(1); // the response
        ch.writeInbound(buf(frame(2, mysqlPacket(2, new byte[] {'a'}), false))); // e.g. LOCAL INFILE data
        ch.writeInbound(buf(frame(3, mysqlPacket(3, new byte[0]), false)));
        ch.writeInbound(buf(frame(0, mysqlPacket(0, new byte[] {0x0e}), false))); // the next command
        assertPacket(ch, 0, 0, new byte[] {0x03, 'x'});
        assertPacket(ch, 2, 2, new byte[] {'a'});
        assertPacket(ch, 3, 3, new byte[0]);
        assertPacket(ch, 0, 0, new byte[] {0x0e});
        assertThat(sequence.next()).isEqualTo(1);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void anOutOfOrderIdFails() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(buf(frame(0, mysqlPacket(0, new byte[] {0x03, 'x'}), false)));
        assertPacket(ch, 0, 0, new byte[] {0x03, 'x'});
        assertFails(ch, buf(frame(5, mysqlPacket(0, new byte[] {0x0e}), false)),
                ProtocolException.class, "compressed sequence id: 5 (expected: 0 or 1)");
    }

    @Test
    void idsWrapAfter255() {
        CompressedSequence sequence = new CompressedSequence();
        EmbeddedChannel ch = new EmbeddedChannel(new CompressedPacketDecoder(sequence, MAX));
        for (int id = 0; id <= 255; id++) {
            ch.writeInbound(buf(frame(id, new byte[] {1}, false)));
        }
        assertThat(sequence.next()).isEqualTo(0);
        ch.releaseInbound();
        assertThat(ch.finish()).isFalse();
    }
}
