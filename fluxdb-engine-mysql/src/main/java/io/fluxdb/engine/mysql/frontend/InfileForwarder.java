package io.fluxdb.engine.mysql.frontend;

import io.fluxdb.engine.mysql.backend.BackendConnection;
import io.fluxdb.protocol.codec.Packet;
import io.fluxdb.protocol.codec.PacketFrameDecoder;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;

/**
 * The file a client sends after the engine's LOCAL INFILE request (LOAD DATA LOCAL INFILE): forwarded to the engine
 * numbered as the engine expects, and, on a cluster's leader, kept for the log, whose followers load the same bytes.
 *
 * <p>Over the compressed protocol libmariadb numbers these packets from the compressed sequence instead, which the
 * engine (speaking uncompressed to the operator) would refuse as out of order when the request followed other
 * results; so every packet is renumbered from the request's sequence id.
 */
final class InfileForwarder {
    private final int keepLimit;
    private final ByteArrayOutputStream kept;
    private boolean overflowed;
    /** The sequence id the engine expects on the next packet of contents. */
    private int sequenceId;

    private InfileForwarder(int keepLimit) {
        this.keepLimit = keepLimit;
        this.kept = keepLimit > 0 ? new ByteArrayOutputStream() : null;
    }

    /** Forwards the file without keeping it. */
    static InfileForwarder forwarding() {
        return new InfileForwarder(0);
    }

    /** Forwards the file and keeps up to {@code limit} bytes of it; a larger file is marked overflowed. */
    static InfileForwarder keeping(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: > 0)");
        }
        return new InfileForwarder(limit);
    }

    /** The engine asked for the file with {@code request}; the contents follow its sequence id. */
    void requested(Packet request) {
        sequenceId = (request.lastSequenceId() + 1) & 0xFF;
    }

    /**
     * Forwards one packet of contents to the engine, taking ownership of it.
     *
     * @return whether it was the empty packet that ends the file, after which the engine answers OK or ERR
     */
    boolean forward(Packet packet, BackendConnection backend) {
        ByteBuf contents = packet.content();
        int length = contents.readableBytes();
        if (kept != null && !overflowed) {
            if (kept.size() + (long) length > keepLimit) {
                overflowed = true;
                kept.reset();
            } else {
                byte[] chunk = new byte[length];
                contents.getBytes(contents.readerIndex(), chunk);
                kept.writeBytes(chunk);
            }
        }
        Packet numbered = new Packet(sequenceId, contents);
        // The encoder splits a payload into packets of at most 2^24 - 1 bytes, each with the next id.
        sequenceId = (sequenceId + length / PacketFrameDecoder.MAX_PHYSICAL_PAYLOAD + 1) & 0xFF;
        backend.sendMore(numbered);
        return length == 0;
    }

    /** Whether the file was larger than the limit, so that it was not kept. */
    boolean overflowed() {
        return overflowed;
    }

    /** The bytes kept so far (the whole file once it ended and did not overflow). */
    byte[] contents() {
        return kept == null ? new byte[0] : kept.toByteArray();
    }
}
