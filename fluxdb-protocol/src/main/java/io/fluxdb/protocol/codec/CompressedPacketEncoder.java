package io.fluxdb.protocol.codec;

import static io.fluxdb.protocol.codec.CompressedPacketDecoder.HEADER_LENGTH;
import static io.fluxdb.protocol.codec.PacketFrameDecoder.MAX_PHYSICAL_PAYLOAD;
import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.PendingWriteQueue;
import io.netty.handler.codec.UnsupportedMessageTypeException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.PromiseCombiner;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;

/**
 * Wraps the outbound byte stream (the packets {@link PacketEncoder} writes) in compressed packets.
 * The bytes written between two flushes are held back, still counted against the channel's
 * writability, and framed at the flush into as few compressed packets as possible, each carrying at
 * most {@value PacketFrameDecoder#MAX_PHYSICAL_PAYLOAD} bytes. A packet's content is compressed
 * (zlib) when it is at least {@value #MIN_COMPRESS_LENGTH} bytes, as the server does, and only if
 * that makes it smaller; otherwise it is stored with an uncompressed length of 0.
 *
 * <p>Each compressed packet takes the next compressed sequence id: a response continues from the
 * id of the client's last compressed packet. A packet that the server sends unprompted (an error
 * before closing) starts a new exchange: call {@link #startExchange()} before writing it.
 *
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_compression_packet.html">Compressed Packet</a>
 */
public class CompressedPacketEncoder extends ChannelOutboundHandlerAdapter {
    /** Shorter contents are stored: compressing them would save little or nothing (MySQL's MIN_COMPRESS_LENGTH). */
    public static final int MIN_COMPRESS_LENGTH = 50;

    private final CompressedSequence sequence;
    private final Deflater deflater;
    private ChannelHandlerContext ctx;
    private PendingWriteQueue pending;

    /** @param level the zlib compression level, 0-9, or {@link Deflater#DEFAULT_COMPRESSION} */
    CompressedPacketEncoder(CompressedSequence sequence, int level) {
        this.sequence = requireNonNull(sequence, "sequence is null");
        this.deflater = new Deflater(level);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.pending = new PendingWriteQueue(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        pending.removeAndFailAll(new ClosedChannelException());
        deflater.end();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf buf) {
            pending.add(buf, promise);
        } else {
            ReferenceCountUtil.release(msg);
            promise.tryFailure(new UnsupportedMessageTypeException(msg, ByteBuf.class));
        }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        writePending();
        ctx.flush();
    }

    /**
     * Frames what was written so far with the current sequence, and starts the next compressed
     * packet at id 0. Call it on the event loop.
     */
    public void startExchange() {
        writePending();
        sequence.reset();
    }

    /** Frames the bytes held back into compressed packets and writes them (without flushing). */
    private void writePending() {
        if (pending == null || pending.isEmpty()) {
            return;
        }
        List<ChannelPromise> promises = new ArrayList<>(pending.size());
        CompositeByteBuf data = ctx.alloc().compositeBuffer(Integer.MAX_VALUE);
        try {
            for (Object msg; (msg = pending.current()) != null; ) {
                data.addComponent(true, ((ByteBuf) msg).retain());
                promises.add(pending.remove()); // releases msg: data keeps the reference taken above
            }
            PromiseCombiner combiner = new PromiseCombiner(ctx.executor());
            int end = data.writerIndex();
            for (int index = data.readerIndex(); index < end; index += MAX_PHYSICAL_PAYLOAD) {
                combiner.add(ctx.write(packet(data, index, Math.min(end - index, MAX_PHYSICAL_PAYLOAD))));
            }
            if (!data.isReadable()) {
                combiner.add(ctx.write(Unpooled.EMPTY_BUFFER));
            }
            ChannelPromise written = ctx.newPromise();
            written.addListener(f -> {
                for (ChannelPromise p : promises) {
                    if (f.isSuccess()) {
                        p.trySuccess();
                    } else {
                        p.tryFailure(f.cause());
                    }
                }
            });
            combiner.finish(written);
        } finally {
            data.release();
        }
    }

    /** One compressed packet holding {@code length} bytes of {@code data} from {@code index}. */
    private ByteBuf packet(ByteBuf data, int index, int length) {
        int id = sequence.next();
        if (length >= MIN_COMPRESS_LENGTH) {
            ByteBuf compressed = deflate(data, index, length, id);
            if (compressed != null) {
                return compressed;
            }
        }
        ByteBuf header = ctx.alloc().buffer(HEADER_LENGTH).writeMediumLE(length).writeByte(id).writeMediumLE(0);
        return ctx.alloc().compositeBuffer(2).addComponents(true, header, data.retainedSlice(index, length));
    }

    /** The compressed packet, or null if compressing does not make the content smaller. */
    private ByteBuf deflate(ByteBuf data, int index, int length, int id) {
        ByteBuffer input = data.nioBuffer(index, length); // a copy only if the range spans several buffers
        deflater.reset();
        deflater.setInput(input);
        deflater.finish();
        ByteBuf packet = ctx.alloc().buffer(HEADER_LENGTH + length);
        ByteBuffer output = packet.internalNioBuffer(HEADER_LENGTH, length - 1);
        int start = output.position();
        while (!deflater.finished() && output.hasRemaining()) {
            deflater.deflate(output);
        }
        if (!deflater.finished()) {
            packet.release();
            return null;
        }
        int compressedLength = output.position() - start;
        return packet.writeMediumLE(compressedLength).writeByte(id).writeMediumLE(length)
                .writerIndex(HEADER_LENGTH + compressedLength);
    }
}
