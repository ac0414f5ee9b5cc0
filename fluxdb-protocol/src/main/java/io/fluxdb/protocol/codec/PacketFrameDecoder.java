package io.fluxdb.protocol.codec;

import io.fluxdb.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.nio.ByteOrder;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Splits the inbound byte stream into logical MySQL packets: a 3-byte little-endian payload length,
 * a 1-byte sequence id, then the payload. A physical payload of exactly {@value #MAX_PHYSICAL_PAYLOAD}
 * bytes continues in the next packet; continuations are joined here, in one {@link CompositeByteBuf},
 * so nothing downstream ever sees part of a payload. Emits {@link Packet}s.
 *
 * <p>The maximum logical payload is checked against each header before its bytes are awaited or
 * accumulated. A violation throws {@link PacketTooLargeException}, any other framing error a
 * {@link ProtocolException}; after either, all further input is discarded (the connection is unusable).
 *
 * @see <a href="https://mariadb.com/kb/en/0-packet/">Packet</a>
 */
public class PacketFrameDecoder extends LengthFieldBasedFrameDecoder {
    /** The largest payload of one physical packet; a payload of this length is continued. */
    public static final int MAX_PHYSICAL_PAYLOAD = 0xFFFFFF;
    /** 3-byte length + sequence id. */
    public static final int HEADER_LENGTH = 4;
    /** The default maximum logical payload: MariaDB's largest max_allowed_packet (1 GiB). */
    public static final long DEFAULT_MAX_PAYLOAD = 1L << 30;

    private static final int MAX_COMPONENTS = 1024;

    private long maxPayloadLength;
    private IntPredicate firstSequenceIds = id -> true;
    private CompositeByteBuf pending;
    private int pendingFirstSequenceId;
    private int pendingLastSequenceId;
    private boolean bad;
    private boolean handOff;
    private boolean checkContinuationIds = true;

    public PacketFrameDecoder() {
        this(DEFAULT_MAX_PAYLOAD);
    }

    /** @param maxPayloadLength the largest logical payload accepted, continuations included */
    public PacketFrameDecoder(long maxPayloadLength) {
        super(ByteOrder.LITTLE_ENDIAN, HEADER_LENGTH + MAX_PHYSICAL_PAYLOAD, 0, 3, 1, 0, true);
        if (maxPayloadLength < 0) {
            throw new IllegalArgumentException("maxPayloadLength: " + maxPayloadLength + " (expected: >= 0)");
        }
        this.maxPayloadLength = maxPayloadLength;
    }

    public long maxPayloadLength() {
        return maxPayloadLength;
    }

    /**
     * Changes the largest logical payload accepted from the next header on: a server accepts only
     * small packets before the client has authenticated, and its full limit after.
     */
    public void maxPayloadLength(long maxPayloadLength) {
        if (maxPayloadLength < 0) {
            throw new IllegalArgumentException("maxPayloadLength: " + maxPayloadLength + " (expected: >= 0)");
        }
        this.maxPayloadLength = maxPayloadLength;
    }

    /**
     * Checks the sequence id of each new logical packet on its header, before its payload is awaited:
     * a packet whose id {@code accepted} refuses fails with {@link PacketsOutOfOrderException}, as the
     * server refuses it (it reads the header first), so a client cannot make the connection wait for
     * the body of a packet that is already wrong. Continuations are checked as before.
     */
    public void firstSequenceIds(IntPredicate accepted) {
        this.firstSequenceIds = java.util.Objects.requireNonNull(accepted, "accepted is null");
    }

    /** Whether part of a packet has been received and the rest is still awaited. */
    public boolean holdsPartialPacket() {
        return pending != null || (!bad && internalBuffer().isReadable());
    }

    /**
     * Stops decoding after the packet being delivered now, and re-injects the bytes that follow it at
     * the head of the pipeline once the current read has been handled. Call it from a handler that
     * has just inserted an {@code SslHandler} before this decoder (see {@link TlsUpgrade}), so bytes
     * of the TLS handshake that arrived in the same read as the SSLRequest reach the TLS layer.
     */
    public void handOffRemainingInbound() {
        handOff = true;
    }

    /**
     * Stops checking that the parts of a continued payload have consecutive sequence ids. Under the
     * compressed protocol the ids inside compressed packets carry no meaning (libmariadb sends 0 for
     * every part of a long command) and the server ignores them; {@link CompressionUpgrade} calls this.
     */
    public void ignoreContinuationSequenceIds() {
        checkContinuationIds = false;
    }

    @Override
    protected long getUnadjustedFrameLength(ByteBuf buf, int offset, int length, ByteOrder order) {
        int physical = buf.getUnsignedMediumLE(offset);
        // Called once the 3 length bytes are in; the id follows, and is checked as soon as it is.
        if (pending == null && buf.writerIndex() > offset + 3 && !firstSequenceIds.test(buf.getUnsignedByte(offset + 3))) {
            throw new PacketsOutOfOrderException(buf.getUnsignedByte(offset + 3));
        }
        long logical = (pending == null ? 0 : pending.readableBytes()) + (long) physical;
        // Checked on the header, before the payload is awaited or accumulated.
        if (logical > maxPayloadLength) {
            throw new PacketTooLargeException(logical, maxPayloadLength);
        }
        return physical;
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        if (bad) {
            in.skipBytes(in.readableBytes());
            return null;
        }
        if (handOff) {
            return null;
        }
        try {
            ByteBuf frame = (ByteBuf) super.decode(ctx, in);
            return frame == null ? null : onFrame(ctx, frame);
        } catch (ProtocolException e) {
            fail(in);
            throw e;
        }
    }

    /** Returns the complete packet, or null while a continued payload is still being joined. */
    private Packet onFrame(ChannelHandlerContext ctx, ByteBuf frame) {
        int length = frame.getUnsignedMediumLE(frame.readerIndex());
        int sequenceId = frame.getUnsignedByte(frame.readerIndex() + 3);
        frame.skipBytes(HEADER_LENGTH);
        if (pending != null) {
            int expected = (pendingLastSequenceId + 1) & 0xFF;
            if (checkContinuationIds && sequenceId != expected) {
                frame.release();
                throw new ProtocolException("continuation sequence id: " + sequenceId + " (expected: " + expected + ")");
            }
            pending.addComponent(true, frame);
            pendingLastSequenceId = sequenceId;
        } else if (length == MAX_PHYSICAL_PAYLOAD) {
            pending = ctx.alloc().compositeBuffer(MAX_COMPONENTS);
            pending.addComponent(true, frame);
            pendingFirstSequenceId = sequenceId;
            pendingLastSequenceId = sequenceId;
        } else {
            return new Packet(sequenceId, frame);
        }
        // A physical payload shorter than the maximum (possibly empty) ends the logical packet.
        if (length < MAX_PHYSICAL_PAYLOAD) {
            CompositeByteBuf payload = pending;
            pending = null;
            return new Packet(pendingFirstSequenceId, pendingLastSequenceId, payload);
        }
        return null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        super.channelRead(ctx, msg);
        if (handOff) {
            handOff = false;
            ByteBuf rest = internalBuffer();
            if (rest.isReadable()) {
                ctx.pipeline().fireChannelRead(rest.readBytes(rest.readableBytes()));
            }
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        super.decodeLast(ctx, in, out);
        if (!bad && (in.isReadable() || pending != null)) {
            int partial = in.readableBytes() + (pending == null ? 0 : pending.readableBytes());
            fail(in);
            throw new ProtocolException("truncated packet: connection closed after " + partial + " bytes of a packet");
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        releasePending();
    }

    private void fail(ByteBuf in) {
        bad = true;
        in.skipBytes(in.readableBytes());
        releasePending();
    }

    private void releasePending() {
        if (pending != null) {
            pending.release();
            pending = null;
        }
    }
}
