package io.fluxdb.protocol.codec;

import static java.util.Objects.requireNonNull;

import io.fluxdb.protocol.ProtocolException;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * The sequence-id rule of one connection: each command starts at 0, and every packet that follows,
 * in either direction, uses the last id seen or sent plus one (wrapping at 256). Not thread-safe:
 * use it on the channel's event loop.
 *
 * @see <a href="https://mariadb.com/kb/en/0-packet/#sequence-number">Sequence number</a>
 */
public final class SequenceTracker {
    private static final AttributeKey<SequenceTracker> KEY = AttributeKey.valueOf(SequenceTracker.class, "tracker");

    private int last = -1;

    /** The tracker shared by the handlers of {@code channel}, created on first use. */
    public static SequenceTracker of(Channel channel) {
        requireNonNull(channel, "channel is null");
        SequenceTracker tracker = channel.attr(KEY).get();
        if (tracker == null) {
            tracker = new SequenceTracker();
            SequenceTracker previous = channel.attr(KEY).setIfAbsent(tracker);
            if (previous != null) {
                tracker = previous;
            }
        }
        return tracker;
    }

    /** Starts a new command: the command packet itself uses (and returns) id 0. */
    public int startCommand() {
        last = 0;
        return 0;
    }

    /** Forgets the last id, so the next packet received or sent is expected to be 0. */
    public void reset() {
        last = -1;
    }

    /** The id the next packet must use: the last id plus one, or 0 after {@link #reset()}. */
    public int expected() {
        return (last + 1) & 0xFF;
    }

    /** Reserves and returns the id of the next packet to send. */
    public int next() {
        last = expected();
        return last;
    }

    /**
     * Records a received packet, checking that it continues the sequence.
     *
     * @throws ProtocolException if its first id is not {@link #expected()}
     */
    public void received(Packet packet) {
        requireNonNull(packet, "packet is null");
        if (packet.sequenceId() != expected()) {
            throw new ProtocolException("sequence id: " + packet.sequenceId() + " (expected: " + expected() + ")");
        }
        last = packet.lastSequenceId();
    }

    /** The last id received or sent, or -1 if none since the last reset. */
    public int last() {
        return last;
    }
}
