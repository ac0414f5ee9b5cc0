package io.fluxdb.protocol.codec;

import io.fluxdb.protocol.ProtocolException;

/**
 * The compressed sequence id of one connection, shared by its {@link CompressedPacketDecoder} and
 * {@link CompressedPacketEncoder}. It is reset like the packet sequence id and incremented
 * independently of it: a command's first compressed packet has id 0, and every compressed packet
 * that follows, in either direction, uses the last id plus one (wrapping at 256). Used on the
 * channel's event loop only.
 *
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_compression_packet.html">Compressed Packet</a>
 */
final class CompressedSequence {
    private int next;

    /**
     * Records a compressed packet received: id 0 starts a new command, any other id must continue
     * the exchange.
     *
     * @throws ProtocolException if {@code id} is neither 0 nor the expected id
     */
    void received(int id) {
        if (id != 0 && id != next) {
            throw new ProtocolException("compressed sequence id: " + id + " (expected: 0 or " + next + ")");
        }
        next = (id + 1) & 0xFF;
    }

    /** Reserves and returns the id of the next compressed packet to send. */
    int next() {
        int id = next;
        next = (next + 1) & 0xFF;
        return id;
    }

    /** The next packet, in either direction, starts a new exchange with id 0. */
    void reset() {
        next = 0;
    }
}
