package io.fluxdb.protocol.codec;

import static io.fluxdb.protocol.codec.CompressedFrames.concat;
import static io.fluxdb.protocol.codec.CompressedFrames.content;
import static io.fluxdb.protocol.codec.CompressedFrames.drain;
import static io.fluxdb.protocol.codec.CompressedFrames.frame;
import static io.fluxdb.protocol.codec.CompressedFrames.mysqlPacket;
import static io.fluxdb.protocol.codec.CompressedFrames.parse;
import static io.fluxdb.protocol.codec.PacketFrameDecoder.MAX_PHYSICAL_PAYLOAD;
import static io.fluxdb.protocol.codec.PacketFrameDecoderTest.assertPacket;
import static io.fluxdb.protocol.codec.PacketFrameDecoderTest.pattern;
import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.protocol.codec.CompressedFrames.Frame;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.Random;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

class CompressedPacketEncoderTest {

    /** Packets in, compressed packets out, as {@link CompressionUpgrade} installs the encoder. */
    private static EmbeddedChannel channel(CompressedSequence sequence) {
        return new EmbeddedChannel(new CompressedPacketEncoder(sequence, Deflater.DEFAULT_COMPRESSION), new PacketEncoder());
    }

    private static Packet packet(int sequenceId, byte[] payload) {
        return new Packet(sequenceId, Unpooled.wrappedBuffer(payload));
    }

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        new Random(42).nextBytes(bytes);
        return bytes;
    }

    /** Writes one packet (sequence id 1) and returns the one compressed packet that carried it. */
    private static Frame writeOne(byte[] payload) {
        EmbeddedChannel ch = channel(new CompressedSequence());
        ch.writeOutbound(packet(1, payload));
        List<Frame> frames = parse(drain(ch));
        assertThat(ch.finish()).isFalse();
        assertThat(frames).hasSize(1);
        assertThat(frames.getFirst().id()).isZero();
        assertThat(frames.getFirst().content()).isEqualTo(mysqlPacket(1, payload));
        return frames.getFirst();
    }

    @Test
    void aShortPacketIsStored() {
        // Below the 50-byte threshold: uncompressed length 0, the packet as is.
        byte[] ok = {0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00};
        assertThat(writeOne(ok).stored()).isTrue();
    }

    @Test
    void aLongerPacketIsCompressed() {
        Frame frame = writeOne(pattern(1000));
        assertThat(frame.stored()).isFalse();
        assertThat(frame.uncompressedLength()).isEqualTo(1004);
        assertThat(frame.compressedLength()).isLessThan(1004);
    }

    @Test
    void incompressibleContentIsStored() {
        assertThat(writeOne(random(1000)).stored()).isTrue();
    }

    @Test
    void theWritesOfOneFlushShareOneCompressedPacket() {
        EmbeddedChannel ch = channel(new CompressedSequence());
        ChannelFuture first = ch.write(packet(1, pattern(30)));
        ChannelFuture second = ch.write(packet(2, pattern(300)));
        ChannelFuture third = ch.write(packet(3, new byte[] {(byte) 0xfe, 0, 0, 2, 0}));
        assertThat(ch.outboundMessages()).isEmpty();
        assertThat(first.isDone()).isFalse();
        ch.flush();
        assertThat(first.isSuccess() && second.isSuccess() && third.isSuccess()).isTrue();
        List<Frame> frames = parse(drain(ch));
        assertThat(frames).hasSize(1);
        assertThat(frames.getFirst().id()).isZero();
        assertThat(frames.getFirst().content()).isEqualTo(concat(mysqlPacket(1, pattern(30)),
                mysqlPacket(2, pattern(300)), mysqlPacket(3, new byte[] {(byte) 0xfe, 0, 0, 2, 0})));
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void heldBackWritesCountAgainstWritability() {
        EmbeddedChannel ch = channel(new CompressedSequence());
        ch.config().setWriteBufferHighWaterMark(64 * 1024);
        ch.write(packet(1, pattern(100 * 1024)));
        assertThat(ch.isWritable()).isFalse();
        ch.flush();
        drain(ch);
        assertThat(ch.isWritable()).isTrue();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aPayloadOverSixteenMebibytesFillsMaximalCompressedPackets() {
        byte[] payload = random(MAX_PHYSICAL_PAYLOAD + 2_000_000);
        EmbeddedChannel ch = channel(new CompressedSequence());
        ch.writeOutbound(packet(1, payload));
        byte[] stream = drain(ch);
        List<Frame> frames = parse(stream);
        assertThat(frames).extracting(Frame::id).containsExactly(0, 1);
        assertThat(frames.getFirst().content()).hasSize(MAX_PHYSICAL_PAYLOAD);
        assertThat(frames).allSatisfy(f -> assertThat(f.stored()).isTrue());
        // The compressed packets carry what the packet encoder wrote: two packets, split at 0xFFFFFF.
        EmbeddedChannel client = new EmbeddedChannel(
                new CompressedPacketDecoder(new CompressedSequence(), PacketFrameDecoder.DEFAULT_MAX_PAYLOAD),
                new PacketFrameDecoder());
        client.writeInbound(Unpooled.wrappedBuffer(stream));
        assertPacket(client, 1, 2, payload);
        assertThat(client.finish()).isFalse();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aCompressibleResultOverSixteenMebibytesRoundTrips() {
        EmbeddedChannel ch = channel(new CompressedSequence());
        byte[] row = pattern(MAX_PHYSICAL_PAYLOAD + 100);
        ch.write(packet(1, new byte[] {1}));
        ch.write(packet(2, row));
        ch.writeOutbound(packet(4, new byte[] {(byte) 0xfe, 0, 0, 2, 0}));
        byte[] stream = drain(ch);
        List<Frame> frames = parse(stream);
        assertThat(frames).extracting(Frame::id).containsExactly(0, 1);
        assertThat(frames.getFirst().uncompressedLength()).isEqualTo(MAX_PHYSICAL_PAYLOAD);
        assertThat(frames.getFirst().compressedLength()).isLessThan(MAX_PHYSICAL_PAYLOAD / 100);
        EmbeddedChannel client = new EmbeddedChannel(
                new CompressedPacketDecoder(new CompressedSequence(), PacketFrameDecoder.DEFAULT_MAX_PAYLOAD),
                new PacketFrameDecoder());
        client.writeInbound(Unpooled.wrappedBuffer(stream));
        assertPacket(client, 1, 1, new byte[] {1});
        assertPacket(client, 2, 3, row);
        assertPacket(client, 4, 4, new byte[] {(byte) 0xfe, 0, 0, 2, 0});
        assertThat(client.finish()).isFalse();
        assertThat(content(frames)).hasSize(5 + MAX_PHYSICAL_PAYLOAD + 4 + 104 + 9);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void theResponseContinuesFromTheClientsLastId() {
        CompressedSequence sequence = new CompressedSequence();
        EmbeddedChannel server = new EmbeddedChannel(new CompressedPacketDecoder(sequence, 1 << 20),
                new CompressedPacketEncoder(sequence, Deflater.DEFAULT_COMPRESSION), new PacketFrameDecoder(),
                new PacketEncoder());
        // A command: the response's compressed packets are 1, 2.
        server.writeInbound(Unpooled.wrappedBuffer(frame(0, mysqlPacket(0, new byte[] {0x03, 'x'}), false)));
        server.writeOutbound(packet(1, new byte[] {(byte) 0xfb, 'f'}));
        server.writeOutbound(packet(2, new byte[] {0x00}));
        assertThat(parse(drain(server))).extracting(Frame::id).containsExactly(1, 2);
        // The client goes on with 3 (LOCAL INFILE contents); the server answers with 4.
        server.writeInbound(Unpooled.wrappedBuffer(frame(3, mysqlPacket(3, new byte[0]), false)));
        server.writeOutbound(packet(4, new byte[] {0x00, 0, 0, 2, 0, 0, 0}));
        assertThat(parse(drain(server))).extracting(Frame::id).containsExactly(4);
        // A new command starts over at 0.
        server.writeInbound(Unpooled.wrappedBuffer(frame(0, mysqlPacket(0, new byte[] {0x0e}), false)));
        server.writeOutbound(packet(1, new byte[] {0x00, 0, 0, 2, 0, 0, 0}));
        assertThat(parse(drain(server))).extracting(Frame::id).containsExactly(1);
        server.releaseInbound();
        assertThat(server.finish()).isFalse();
    }

    @Test
    void anUnpromptedPacketStartsAtZero() {
        CompressedSequence sequence = new CompressedSequence();
        sequence.received(0);
        EmbeddedChannel ch = channel(sequence);
        ch.writeOutbound(packet(1, new byte[] {0x00, 0, 0, 2, 0, 0, 0}));
        ch.write(packet(2, new byte[] {0x00, 0, 0, 2, 0, 0, 0}));
        ch.pipeline().get(CompressedPacketEncoder.class).startExchange();
        ch.writeOutbound(packet(0, new byte[] {(byte) 0xff, 0x1d, 0x04}));
        List<Frame> frames = parse(drain(ch));
        // The write held back before startExchange keeps its place and the old sequence.
        assertThat(frames).extracting(Frame::id).containsExactly(1, 2, 0);
        assertThat(frames.getLast().content()).isEqualTo(mysqlPacket(0, new byte[] {(byte) 0xff, 0x1d, 0x04}));
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void idsWrapAfter255() {
        EmbeddedChannel ch = channel(new CompressedSequence());
        for (int i = 0; i < 257; i++) {
            ch.writeOutbound(packet(1, new byte[] {0x00}));
        }
        List<Frame> frames = parse(drain(ch));
        assertThat(frames.get(255).id()).isEqualTo(255);
        assertThat(frames.get(256).id()).isEqualTo(0);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void unflushedWritesFailWhenTheChannelCloses() {
        EmbeddedChannel ch = channel(new CompressedSequence());
        ChannelFuture write = ch.write(packet(1, pattern(500)));
        ch.close();
        assertThat(write.cause()).isInstanceOf(ClosedChannelException.class);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void theUpgradeGoesInFrontOfTheCodecAndBehindTls() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast("tls", new io.netty.channel.ChannelDuplexHandler())
                .addLast("frame", new PacketFrameDecoder())
                .addLast("encoder", new PacketEncoder());
        CompressionUpgrade.start(ch.pipeline(), PacketFrameDecoder.DEFAULT_MAX_PAYLOAD);
        assertThat(ch.pipeline().names()).startsWith("tls", CompressionUpgrade.DECODER_NAME, "frame",
                CompressionUpgrade.ENCODER_NAME, "encoder");
        // Inner sequence ids of continued payloads are no longer checked: libmariadb sends 0 for each part.
        byte[] payload = pattern(MAX_PHYSICAL_PAYLOAD + 10);
        byte[] content = concat(mysqlPacket(0, java.util.Arrays.copyOf(payload, MAX_PHYSICAL_PAYLOAD)),
                mysqlPacket(0, java.util.Arrays.copyOfRange(payload, MAX_PHYSICAL_PAYLOAD, payload.length)));
        ch.writeInbound(Unpooled.wrappedBuffer(frame(0, java.util.Arrays.copyOf(content, MAX_PHYSICAL_PAYLOAD), true)),
                Unpooled.wrappedBuffer(frame(1, java.util.Arrays.copyOfRange(content, MAX_PHYSICAL_PAYLOAD,
                        content.length), true)));
        assertPacket(ch, 0, 0, payload);
        assertThat(ch.finish()).isFalse();
    }
}
