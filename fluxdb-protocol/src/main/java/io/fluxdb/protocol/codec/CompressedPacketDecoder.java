package io.fluxdb.protocol.codec;

import static java.util.Objects.requireNonNull;

import io.fluxdb.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Removes the compressed protocol's framing from the inbound byte stream and emits the bytes it
 * carried, which are ordinary MySQL packets for the {@link PacketFrameDecoder} that follows. A
 * compressed packet has a 7-byte header: the 3-byte little-endian length of its payload, the
 * compressed sequence id, and the 3-byte length of the payload before compression, 0 when the
 * payload is stored as is. A compressed packet may hold several MySQL packets or part of one.
 *
 * <p>Memory is bounded before anything is buffered: a packet whose content would exceed the
 * maximum payload (plus one packet header) is rejected with {@link PacketTooLargeException}, as is
 * a compressed payload larger than zlib could have made from its declared length. Inflation writes
 * at most the declared length plus one byte, so a zip bomb fails as soon as it overflows. Any other
 * malformed input (corrupt zlib data, a stream that inflates to another length, an out-of-order
 * sequence id) is a {@link ProtocolException}; after either, further input is discarded.
 *
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_compression_packet.html">Compressed Packet</a>
 */
public class CompressedPacketDecoder extends ByteToMessageDecoder {
    /** Whether part of a compressed packet has been received and the rest is still awaited. */
    public boolean holdsPartialPacket() {
        return internalBuffer().isReadable();
    }

    /** 3-byte compressed length, compressed sequence id, 3-byte uncompressed length. */
    public static final int HEADER_LENGTH = 7;

    private static final int MIN_OUTPUT_BUFFER = 1024;

    private final CompressedSequence sequence;
    private final int maxContentLength;
    private final Inflater inflater = new Inflater();
    private boolean bad;
    /** The current packet's header has been counted in the sequence; its payload is still awaited. */
    private boolean headerSeen;

    /**
     * @param maxPayloadLength the largest logical payload accepted (as for {@link PacketFrameDecoder});
     *     a compressed packet may carry at most that plus one packet header
     */
    CompressedPacketDecoder(CompressedSequence sequence, long maxPayloadLength) {
        this.sequence = requireNonNull(sequence, "sequence is null");
        if (maxPayloadLength < 0) {
            throw new IllegalArgumentException("maxPayloadLength: " + maxPayloadLength + " (expected: >= 0)");
        }
        this.maxContentLength = (int) Math.min(PacketFrameDecoder.MAX_PHYSICAL_PAYLOAD,
                maxPayloadLength + PacketFrameDecoder.HEADER_LENGTH);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (bad) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            decodeOne(ctx, in, out);
        } catch (ProtocolException e) {
            bad = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    private void decodeOne(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < HEADER_LENGTH) {
            return;
        }
        int start = in.readerIndex();
        int compressedLength = in.getUnsignedMediumLE(start);
        int id = in.getUnsignedByte(start + 3);
        int uncompressedLength = in.getUnsignedMediumLE(start + 4);
        if (!headerSeen) {
            // Counted on the header, so that an error reply to a bad packet continues from its id.
            sequence.received(id);
            headerSeen = true;
        }
        // Checked on the header, before the payload is awaited.
        int contentLength = uncompressedLength == 0 ? compressedLength : uncompressedLength;
        if (contentLength > maxContentLength) {
            throw new PacketTooLargeException(contentLength, maxContentLength);
        }
        if (uncompressedLength > 0 && compressedLength > deflateBound(uncompressedLength)) {
            throw new ProtocolException("compressed payload length: " + compressedLength + " (expected: <= "
                    + deflateBound(uncompressedLength) + " for " + uncompressedLength + " bytes)");
        }
        if (in.readableBytes() < HEADER_LENGTH + compressedLength) {
            return;
        }
        headerSeen = false;
        in.skipBytes(HEADER_LENGTH);
        if (uncompressedLength == 0) {
            if (compressedLength > 0) {
                out.add(in.readRetainedSlice(compressedLength));
            }
        } else {
            out.add(inflate(ctx, in.readSlice(compressedLength), uncompressedLength));
        }
    }

    /**
     * The most a zlib stream of {@code length} bytes can take, with generous slack: incompressible
     * data costs deflate 5 bytes per stored block of up to 64 KiB, and the zlib wrapper 6 bytes.
     */
    private static int deflateBound(int length) {
        return length + (length >>> 10) + 64;
    }

    private ByteBuf inflate(ChannelHandlerContext ctx, ByteBuf compressed, int length) {
        // One byte of room beyond the declared length: a stream that fills it is longer than declared.
        int capacity = length + 1;
        ByteBuf inflated = ctx.alloc().buffer(Math.min(capacity, Math.max(MIN_OUTPUT_BUFFER,
                4 * compressed.readableBytes())), capacity);
        try {
            inflater.reset();
            ByteBuffer[] inputs = compressed.nioBuffers();
            int nextInput = 0;
            while (!inflater.finished()) {
                if (inflater.needsInput()) {
                    if (nextInput == inputs.length) {
                        throw new ProtocolException("compressed payload: zlib stream truncated after "
                                + inflated.readableBytes() + " bytes (expected: " + length + ")");
                    }
                    inflater.setInput(inputs[nextInput++]);
                }
                if (!inflated.isWritable()) {
                    inflated.ensureWritable(Math.min(inflated.capacity(), inflated.maxWritableBytes()));
                }
                int n = inflater.inflate(inflated.internalNioBuffer(inflated.writerIndex(), inflated.writableBytes()));
                inflated.writerIndex(inflated.writerIndex() + n);
                if (inflated.readableBytes() > length) {
                    throw new ProtocolException("compressed payload: inflates to more than " + length
                            + " bytes (expected: " + length + ")");
                }
                if (n == 0 && !inflater.finished() && !inflater.needsInput()) {
                    if (inflater.needsDictionary()) {
                        throw new ProtocolException("compressed payload: zlib stream needs a preset dictionary");
                    }
                    if (inflated.isWritable()) {
                        throw new ProtocolException("compressed payload: zlib stream makes no progress");
                    }
                }
            }
            if (inflater.getRemaining() > 0 || remaining(inputs, nextInput) > 0) {
                throw new ProtocolException("compressed payload: bytes after the end of the zlib stream");
            }
            if (inflated.readableBytes() != length) {
                throw new ProtocolException("compressed payload: inflates to " + inflated.readableBytes()
                        + " bytes (expected: " + length + ")");
            }
            ByteBuf result = inflated;
            inflated = null;
            return result;
        } catch (DataFormatException e) {
            throw new ProtocolException("compressed payload: corrupt zlib stream: " + e.getMessage(), e);
        } finally {
            if (inflated != null) {
                inflated.release();
            }
        }
    }

    private static long remaining(ByteBuffer[] buffers, int from) {
        long sum = 0;
        for (int i = from; i < buffers.length; i++) {
            sum += buffers[i].remaining();
        }
        return sum;
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        super.decodeLast(ctx, in, out);
        if (!bad && in.isReadable()) {
            int partial = in.readableBytes();
            bad = true;
            in.skipBytes(partial);
            throw new ProtocolException("truncated compressed packet: connection closed after " + partial
                    + " bytes of a packet");
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        inflater.end();
    }
}
