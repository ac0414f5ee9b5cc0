package io.fluxdb.protocol.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Builds and parses compressed packets with {@code java.util.zip} directly, independently of the
 * codec under test.
 */
final class CompressedFrames {
    private CompressedFrames() {}

    /** One parsed compressed packet: its id, declared uncompressed length (0: stored) and content. */
    record Frame(int id, int compressedLength, int uncompressedLength, byte[] content) {
        boolean stored() {
            return uncompressedLength == 0;
        }
    }

    /** A compressed packet holding {@code content}, zlib-compressed or stored. */
    static byte[] frame(int id, byte[] content, boolean compress) {
        byte[] body = compress ? zlib(content) : content;
        return frame(id, body, compress ? content.length : 0);
    }

    /** A compressed packet with an arbitrary body and declared uncompressed length. */
    static byte[] frame(int id, byte[] body, int uncompressedLength) {
        ByteBuf out = Unpooled.buffer(CompressedPacketDecoder.HEADER_LENGTH + body.length)
                .writeMediumLE(body.length).writeByte(id).writeMediumLE(uncompressedLength).writeBytes(body);
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes).release();
        return bytes;
    }

    static byte[] zlib(byte[] content) {
        Deflater deflater = new Deflater();
        try {
            deflater.setInput(content);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] chunk = new byte[64 * 1024];
            while (!deflater.finished()) {
                out.write(chunk, 0, deflater.deflate(chunk));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    /** A MySQL packet: 3-byte length, sequence id, payload. */
    static byte[] mysqlPacket(int sequenceId, byte[] payload) {
        byte[] packet = new byte[4 + payload.length];
        packet[0] = (byte) payload.length;
        packet[1] = (byte) (payload.length >>> 8);
        packet[2] = (byte) (payload.length >>> 16);
        packet[3] = (byte) sequenceId;
        System.arraycopy(payload, 0, packet, 4, payload.length);
        return packet;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** Parses a whole stream of compressed packets, inflating the compressed ones. */
    static List<Frame> parse(byte[] stream) {
        List<Frame> frames = new ArrayList<>();
        int i = 0;
        while (i < stream.length) {
            int compressedLength = medium(stream, i);
            int id = stream[i + 3] & 0xFF;
            int uncompressedLength = medium(stream, i + 4);
            byte[] body = Arrays.copyOfRange(stream, i + 7, i + 7 + compressedLength);
            frames.add(new Frame(id, compressedLength, uncompressedLength,
                    uncompressedLength == 0 ? body : inflate(body, uncompressedLength)));
            i += 7 + compressedLength;
        }
        return frames;
    }

    /** The bytes the frames carry, joined. */
    static byte[] content(List<Frame> frames) {
        return concat(frames.stream().map(Frame::content).toArray(byte[][]::new));
    }

    /** Everything the channel wrote, as one array; releases the buffers. */
    static byte[] drain(EmbeddedChannel ch) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            b.release();
            out.writeBytes(bytes);
        }
        return out.toByteArray();
    }

    private static int medium(byte[] b, int i) {
        return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16;
    }

    private static byte[] inflate(byte[] body, int length) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(body);
            byte[] out = new byte[length + 1];
            int n = 0;
            while (!inflater.finished()) {
                int k = inflater.inflate(out, n, out.length - n);
                if (k == 0 && (inflater.needsInput() || n == out.length)) {
                    break;
                }
                n += k;
            }
            if (n != length || !inflater.finished()) {
                throw new AssertionError("inflated " + n + " bytes (expected: " + length + ")");
            }
            return Arrays.copyOf(out, length);
        } catch (DataFormatException e) {
            throw new AssertionError(e);
        } finally {
            inflater.end();
        }
    }
}
