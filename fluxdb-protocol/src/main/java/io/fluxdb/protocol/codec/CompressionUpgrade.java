package io.fluxdb.protocol.codec;

import static java.util.Objects.requireNonNull;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import java.util.zip.Deflater;

/**
 * Switches a connection to the compressed protocol (CLIENT_COMPRESS, zlib) once both sides agreed
 * on it: after the OK packet that ends the connection phase, everything in both directions travels
 * in compressed packets. The {@link CompressedPacketDecoder} goes in front of the
 * {@link PacketFrameDecoder} and the {@link CompressedPacketEncoder} in front of the
 * {@link PacketEncoder}, so they sit behind TLS where TLS is used.
 *
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_compression.html">Compression</a>
 */
public final class CompressionUpgrade {
    /** The pipeline name of the inserted decoder. */
    public static final String DECODER_NAME = "inflate";
    /** The pipeline name of the inserted encoder. */
    public static final String ENCODER_NAME = "deflate";

    private CompressionUpgrade() {}

    /**
     * Installs the compression layer. Call it on the event loop, after the OK packet has been
     * written and before anything else is; the peer sends nothing between its last packet of the
     * connection phase and that OK, so no uncompressed bytes can be waiting.
     *
     * @param maxPayloadLength the largest logical payload accepted, as the frame decoder's
     * @throws IllegalStateException if the pipeline lacks the {@link PacketFrameDecoder} or the {@link PacketEncoder}
     */
    public static void start(ChannelPipeline pipeline, long maxPayloadLength) {
        requireNonNull(pipeline, "pipeline is null");
        ChannelHandlerContext frames = pipeline.context(PacketFrameDecoder.class);
        ChannelHandlerContext encoder = pipeline.context(PacketEncoder.class);
        if (frames == null || encoder == null) {
            throw new IllegalStateException("no PacketFrameDecoder and PacketEncoder in the pipeline");
        }
        CompressedSequence sequence = new CompressedSequence();
        pipeline.addBefore(frames.name(), DECODER_NAME, new CompressedPacketDecoder(sequence, maxPayloadLength));
        pipeline.addBefore(encoder.name(), ENCODER_NAME, new CompressedPacketEncoder(sequence, Deflater.DEFAULT_COMPRESSION));
        ((PacketFrameDecoder) frames.handler()).ignoreContinuationSequenceIds();
    }

    /**
     * Before a packet the server sends unprompted (sequence id 0, such as an error before closing):
     * its compressed packet starts at id 0 too. Does nothing on a connection without compression.
     */
    public static void startExchange(ChannelPipeline pipeline) {
        requireNonNull(pipeline, "pipeline is null");
        CompressedPacketEncoder encoder = pipeline.get(CompressedPacketEncoder.class);
        if (encoder != null) {
            encoder.startExchange();
        }
    }
}
